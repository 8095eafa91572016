// What a scan reads: the files of a working tree (skipping binary, oversized and vendored files and
// never following symlinks out of the tree), or only the lines a change adds, taken from `git` output.

import { globToRegExp as matchGlob } from '../platform/glob';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../platform/errors';
import { run } from '../platform/exec';
import type { Fragment } from './secrets/detect';

/** Directories that hold third-party or generated code; never scanned. */
export const VENDORED_DIRS = new Set(['.git', 'node_modules', 'bower_components', 'vendor', 'third_party', '.venv', 'venv', 'site-packages', '__pycache__', '.tox', '.terraform']);

export interface WalkOptions {
  /** Glob patterns (relative to the root) to leave out. */
  exclude?: string[];
  maxFileBytes?: number;
}

export interface WalkResult {
  files: string[];
  skipped: { binary: number; tooLarge: number; vendored: number };
}

/** Lists the regular files under `root` (relative, forward slashes), sorted. */
export function walkTree(root: string, options: WalkOptions = {}): WalkResult {
  const excludes = (options.exclude ?? []).map(globToRegExp);
  const files: string[] = [];
  const skipped = { binary: 0, tooLarge: 0, vendored: 0 };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new InputError('path to scan does not exist', { file: root, hint: 'give a directory or file that exists' });
  }
  if (stat.isFile()) return { files: [path.basename(root)], skipped };
  const visit = (dir: string, rel: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (excludes.some((r) => r.test(relPath))) continue;
      if (entry.isDirectory()) {
        if (VENDORED_DIRS.has(entry.name)) skipped.vendored++;
        else visit(path.join(dir, entry.name), relPath);
      } else if (entry.isFile()) files.push(relPath);
    }
  };
  visit(root, '');
  return { files, skipped };
}

/** Reads a file as text, or undefined when it is binary or larger than the limit. */
export function readScannable(file: string, maxBytes: number): { text?: string; reason?: 'binary' | 'tooLarge' } {
  const size = fs.statSync(file).size;
  if (size > maxBytes) return { reason: 'tooLarge' };
  const buf = fs.readFileSync(file);
  if (buf.subarray(0, 8000).includes(0)) return { reason: 'binary' };
  return { text: buf.toString('utf8') };
}

/** Excludes and allowlist paths match the path itself and everything below it. */
export const globToRegExp = (glob: string): RegExp => matchGlob(glob, { descendants: true });

export interface GitChange {
  /** `base...head` (what a PR adds) or a `git log` range such as `base..head`. */
  range: string;
  /** `diff` compares the merge base with head; `log` scans every commit of the range. */
  mode: 'diff' | 'log';
}

/** The lines a change adds, one fragment per file (per commit in `log` mode). */
export async function addedLines(root: string, change: GitChange): Promise<Fragment[]> {
  const common = ['-c', 'core.quotePath=false', '-C', root];
  const args =
    change.mode === 'diff'
      ? [...common, 'diff', '--relative', '--no-color', '--no-ext-diff', '-U0', '--diff-filter=ACMR', change.range]
      : [...common, 'log', '-p', '--relative', '--no-color', '--no-ext-diff', '-U0', '--diff-filter=ACMR', '--format=%x00commit %H', change.range];
  const result = await run('git', args, { timeoutMs: 300000 });
  if (result.exitCode !== 0) {
    const message = result.stderr.trim().split('\n')[0] || `git exited ${result.exitCode}`;
    throw new InputError(`cannot read the change ${change.range}: ${message}`, {
      field: '--diff / --since',
      hint: 'fetch enough history (actions/checkout fetch-depth: 0, or GIT_DEPTH: 0 on GitLab) so both ends of the range exist',
    });
  }
  return parseUnifiedDiff(result.stdout);
}

export function parseUnifiedDiff(text: string): Fragment[] {
  const fragments: Fragment[] = [];
  let commit: string | undefined;
  let current: { path: string; lines: string[]; map: number[] } | undefined;
  let nextLine = 0;
  const flush = () => {
    if (current && current.lines.length) fragments.push({ path: current.path, text: current.lines.join('\n'), commit, lineMap: current.map });
    current = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('\0commit ')) {
      flush();
      commit = line.slice(8).trim();
    } else if (line.startsWith('diff --git ')) flush();
    else if (line.startsWith('+++ ')) {
      flush();
      const target = unquote(line.slice(4));
      if (target !== '/dev/null') current = { path: target.replace(/^b\//, ''), lines: [], map: [] };
    } else if (line.startsWith('@@')) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
      if (m) nextLine = Number(m[1]);
    } else if (current && line.startsWith('+')) {
      current.lines.push(line.slice(1).replace(/\r$/, ''));
      current.map.push(nextLine++);
    }
  }
  flush();
  return fragments;
}

function unquote(p: string): string {
  if (!p.startsWith('"')) return p;
  const bytes: number[] = [];
  for (let i = 1; i < p.length - 1; i++) {
    if (p[i] === '\\') {
      const oct = /^[0-7]{3}/.exec(p.slice(i + 1));
      if (oct) {
        bytes.push(parseInt(oct[0], 8));
        i += 3;
        continue;
      }
      const esc: Record<string, string> = { n: '\n', t: '\t', '"': '"', '\\': '\\' };
      bytes.push(...Buffer.from(esc[p[i + 1]] ?? p[i + 1]));
      i++;
    } else bytes.push(...Buffer.from(p[i]));
  }
  return Buffer.from(bytes).toString('utf8');
}
