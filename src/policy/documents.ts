// Reads what a policy run needs from disk: Rego sources, data documents and the input documents to
// check (JSON, single- or multi-document YAML, or `-` for stdin). Every parse failure names the file
// and the line, and nothing is evaluated until every file has loaded.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { InputError } from '../platform/errors';
import { fileError, readText } from '../platform/files';
import type { RegoVersion } from './types';

export interface PolicySource {
  file: string;
  text: string;
  regoVersion?: RegoVersion;
}

export interface InputDocument {
  value: unknown;
  /** 1-based line where the document starts in its file. */
  line: number;
}

export interface InputFile {
  /** As the user named it (`-` for stdin). */
  file: string;
  text: string;
  documents: InputDocument[];
}

const DATA_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/**
 * Files under `paths` (files as given, directories walked in sorted order) whose name passes `accept`.
 * Paths are resolved from `cwd`; each file keeps the spelling the user gave (for messages) and its absolute path.
 */
export function collectFiles(paths: readonly string[], accept: (file: string) => boolean, what: string, cwd = process.cwd()): Array<{ label: string; abs: string }> {
  const out: Array<{ label: string; abs: string }> = [];
  const walk = (abs: string, label: string) => {
    for (const entry of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = { abs: path.join(abs, entry.name), label: path.join(label, entry.name) };
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(child.abs, child.label);
      } else if (accept(entry.name)) out.push(child);
    }
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch (err) {
      throw fileError(err, p, what);
    }
    if (stat.isDirectory()) walk(abs, p);
    else out.push({ abs, label: p });
  }
  return out;
}

/** Unit-test modules (`x_test.rego`, `test_x.rego`): loaded by `policy test`, not needed to check inputs. */
export function isTestModule(file: string): boolean {
  return /(_test\.rego|^test_[^/\\]*\.rego)$/.test(path.basename(file));
}

/**
 * Every `.rego` file under the given paths (test modules only when asked); an error when there are
 * none, since checking nothing would pass.
 */
export function loadPolicySources(paths: readonly string[], cwd?: string, options: { tests?: boolean } = {}): PolicySource[] {
  const wanted = (f: string) => f.endsWith('.rego') && (options.tests !== false || !isTestModule(f));
  const files = collectFiles(paths, wanted, 'policy path', cwd);
  const sources = files.filter((f) => wanted(f.abs)).map((f) => ({ file: f.label, text: readText(f.abs, 'policy file') }));
  if (sources.length === 0) {
    throw new InputError('no .rego policy files found', { file: paths.join(', '), hint: 'point --policy at a .rego file or a directory containing some' });
  }
  return sources;
}

/**
 * Data documents (JSON/YAML) under `paths`, deep-merged in order. Later files win on conflicting keys,
 * so a team's data file passed after the library's defaults overrides only the knobs it names.
 */
export function loadData(paths: readonly string[], options: { policyPaths?: boolean; cwd?: string } = {}): Record<string, unknown> {
  const isData = (f: string) => DATA_EXTENSIONS.has(path.extname(f).toLowerCase());
  // Policy paths may name .rego files directly; only their data files count.
  const files = collectFiles(paths, isData, 'data path', options.cwd).filter((f) => !options.policyPaths || isData(f.abs));
  let merged: Record<string, unknown> = {};
  for (const { abs, label: file } of files) {
    if (!isData(file)) throw new InputError('data files must be .json, .yaml or .yml', { file });
    for (const doc of parseDocuments(file, readText(abs, 'data file'))) {
      if (doc.value === null || doc.value === undefined) continue;
      if (typeof doc.value !== 'object' || Array.isArray(doc.value)) {
        throw new InputError('a data document must be an object at its top level', { file, field: `line ${doc.line}`, hint: 'wrap the values in a key, e.g. {"paved": {"config": {...}}}' });
      }
      merged = mergeData(merged, doc.value as Record<string, unknown>);
    }
  }
  return merged;
}

/** Recursive object merge; arrays and scalars from `over` replace those in `base`. */
export function mergeData(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlainObject(prev) && isPlainObject(value) ? mergeData(prev, value) : value;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads the input documents to check. `-` reads stdin (once, however often it is named). */
export function loadInputs(paths: readonly string[], cwd = process.cwd(), readStdin: () => string = () => fs.readFileSync(0, 'utf8')): InputFile[] {
  if (paths.length === 0) throw new InputError('no input files given', { field: 'INPUT', hint: 'name the files to check, or - for stdin' });
  let stdinText: string | undefined;
  return paths.map((file) => {
    let text: string;
    if (file === '-') text = stdinText ??= readStdin();
    else {
      try {
        text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
      } catch (err) {
        throw fileError(err, file, 'input file');
      }
    }
    const documents = parseDocuments(file, text).filter((d) => d.value !== null && d.value !== undefined);
    if (documents.length === 0) throw new InputError('input file has no document to check (it is empty)', { file });
    return { file, text, documents };
  });
}

/**
 * Parses JSON or YAML by extension; stdin and unknown extensions are tried as JSON first, then YAML
 * (JSON is valid YAML, but JSON errors are clearer for JSON files).
 */
export function parseDocuments(file: string, text: string): InputDocument[] {
  const ext = path.extname(file).toLowerCase();
  const looksJson = ext === '.json' || (ext !== '.yaml' && ext !== '.yml' && /^\s*[[{]/.test(text));
  if (looksJson) {
    try {
      return [{ value: JSON.parse(text), line: 1 }];
    } catch (err) {
      if (ext === '.json') throw new InputError(`not valid JSON: ${jsonErrorWhere(err as Error, text)}`, { file, hint: 'fix the syntax, or check that the producing step finished writing it' });
    }
  }
  return parseYaml(file, text);
}

function parseYaml(file: string, text: string): InputDocument[] {
  // Merge keys (`<<: *defaults`) as go-yaml (conftest, GitLab) resolves them; unknown tags such as
  // GitLab's `!reference` keep their plain value.
  const docs = YAML.parseAllDocuments(text, { prettyErrors: false, merge: true });
  const lineOf = lineIndex(text);
  const out: InputDocument[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const error = doc.errors[0];
    if (error) {
      const offset = error.pos[0];
      const where = ` at line ${lineOf(offset)}, column ${offset - text.lastIndexOf('\n', offset - 1)}`;
      throw new InputError(`not valid YAML${where}: ${error.message.split('\n')[0]}`, { file, hint: 'fix the syntax (JSON and YAML inputs are accepted)' });
    }
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    out.push({ value: doc.toJS({ maxAliasCount: 1000 }), line: lineOf(start) });
  }
  return out;
}

function jsonErrorWhere(err: Error, text: string): string {
  const m = /position (\d+)/.exec(err.message);
  if (!m) return err.message;
  const offset = Number(m[1]);
  const line = lineIndex(text)(offset);
  const col = offset - text.lastIndexOf('\n', offset - 1);
  return `${err.message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${col}`;
}

/** Maps a character offset to a 1-based line number. */
export function lineIndex(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
