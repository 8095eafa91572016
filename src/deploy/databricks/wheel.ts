// The wheel being deployed: built with the project's own command (argv, no shell) or given as a
// path, named per PEP 427 so its distribution and version decide where it is stored.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { run } from '../../platform/exec';
import { fileError } from '../../platform/files';

export interface WheelName {
  /** Distribution name normalised as in wheel file names (lowercase, runs of -_. become _). */
  dist: string;
  version: string;
  filename: string;
}

export interface Wheel extends WheelName {
  file: string;
  bytes: Buffer;
  sha256: string;
}

// {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl
const WHEEL_NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?)-([A-Za-z0-9_.!+]+)(?:-\d[^-]*)?-[^-]+-[^-]+-[^-]+\.whl$/;

export function normaliseDist(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '_');
}

export function parseWheelName(filename: string): WheelName | undefined {
  const match = WHEEL_NAME.exec(filename);
  if (!match) return undefined;
  return { dist: normaliseDist(match[1]), version: match[2], filename };
}

export function readWheel(file: string): Wheel {
  const name = parseWheelName(path.basename(file));
  if (!name) {
    throw new InputError('not a wheel file name (expected name-version-pytag-abitag-platform.whl)', { file, hint: 'give the .whl that your build produced' });
  }
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    throw fileError(err, file, 'wheel');
  }
  if (bytes.subarray(0, 4).toString('latin1') !== 'PK\x03\x04') throw new InputError('the wheel is not a zip archive', { file });
  return { ...name, file, bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') };
}

/**
 * Runs the build command (split on whitespace, never given to a shell) and returns the one wheel it
 * wrote to `distDir`. Wheels older than the build are ignored, so a stale dist folder cannot be deployed.
 */
export async function buildWheel(command: string, distDir: string, cwd: string, onLine?: (line: string) => void): Promise<Wheel> {
  const argv = command.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) throw new InputError('the build command is empty', { field: '--build' });
  const started = Date.now() - 1000;
  const result = await run(argv[0], argv.slice(1), { cwd, onLine: onLine ? (line) => onLine(line) : undefined });
  if (result.exitCode !== 0) {
    const tail = (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n');
    throw new InputError(`the wheel build failed with exit code ${result.exitCode}${tail ? `:\n${tail}` : ''}`, { field: '--build', hint: 'run the build locally to see the full output' });
  }
  const dir = path.resolve(cwd, distDir);
  const fresh = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
    .filter((f) => f.endsWith('.whl'))
    .map((f) => path.join(dir, f))
    .filter((f) => fs.statSync(f).mtimeMs >= started);
  if (fresh.length !== 1) {
    throw new InputError(fresh.length === 0 ? `the build wrote no wheel to ${distDir}` : `the build wrote ${fresh.length} wheels to ${distDir}: ${fresh.map((f) => path.basename(f)).join(', ')}`, {
      field: '--dist-dir',
      hint: 'point --dist-dir at the folder the build writes to, or pass --wheel PATH',
    });
  }
  return readWheel(fresh[0]);
}
