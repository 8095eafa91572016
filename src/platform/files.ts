// File helpers that fail with errors naming the file, and writes that never leave half a file:
// data goes to a temporary sibling first and is renamed into place only when complete.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';
import { secrets } from './redact';

export function readText(file: string, what = 'file'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw fileError(err, file, what);
  }
}

export function readJson<T = unknown>(file: string, what = 'JSON file'): T {
  const text = readText(file, what);
  if (text.trim() === '') throw new InputError(`${what} is empty`, { file, hint: 'check that the producing step wrote its output' });
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new InputError(`${what} is not valid JSON (${(err as Error).message})`, { file, hint: 'the file may be truncated or not JSON at all' });
  }
}

export function fileError(err: unknown, file: string, what: string): InputError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputError(`${what} not found`, { file, hint: 'check the path (it is resolved from the current directory)' });
  if (code === 'EISDIR') return new InputError(`${what} is a directory, expected a file`, { file });
  if (code === 'EACCES') return new InputError(`${what} is not readable (permission denied)`, { file });
  return new InputError(`cannot read ${what}: ${(err as Error).message}`, { file });
}

/** Writes `data` to `file` atomically; secrets registered with the redactor are removed first. */
export function writeFileAtomic(file: string, data: string | Buffer, options: { redact?: boolean } = {}): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const body = typeof data === 'string' && options.redact !== false ? secrets.redact(data) : data;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(tmp, body);
    fs.renameSync(tmp, file);
  } catch (err) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // the temporary file could not even be created
    }
    throw new InputError(`cannot write output: ${(err as Error).message}`, { file });
  }
}

/** Writes several outputs all-or-nothing: if any write fails, none of the new files is left behind. */
export function writeFilesAtomic(files: Array<{ file: string; data: string | Buffer }>): void {
  const written: string[] = [];
  try {
    for (const { file, data } of files) {
      writeFileAtomic(file, data);
      written.push(file);
    }
  } catch (err) {
    for (const file of written) fs.rmSync(file, { force: true });
    throw err;
  }
}
