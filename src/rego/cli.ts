// `paved policy eval`: evaluates a Rego query like `opa eval --format json`, printing exactly what
// OPA prints ({"result": [...]}, `{}` when undefined, {"errors": [...]} with OPA's codes and exit 2).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import type { CommandSpec } from '../cli/command';
import { InputError } from '../platform/errors';
import { readText } from '../platform/files';
import { compileModules, parseJSON, RegoError, stringify, type ModuleSource, type RegoVersion } from './index';

export interface EvalRequest {
  query: string;
  /** .rego, .json, .yaml/.yml files or directories. */
  dataPaths: string[];
  inputFile?: string;
  regoVersion: RegoVersion;
  strictBuiltinErrors: boolean;
  timeoutMs?: number;
}

interface Loaded {
  modules: ModuleSource[];
  data: Record<string, unknown>;
}

function parseDataFile(file: string, what: 'data file' | 'input file', shown = file): unknown {
  const text = readText(file, what);
  const yaml = /\.ya?ml$/i.test(file);
  try {
    if (yaml) return YAML.parse(text, { intAsBigInt: true }) ?? {};
    return parseJSON(text);
  } catch (e) {
    throw new InputError(`${what} is not valid ${yaml ? 'YAML' : 'JSON'}: ${(e as Error).message}`, { file: shown, hint: what === 'data file' ? 'fix the syntax or leave the file out of --data' : 'pass a JSON or YAML document with --input' });
  }
}

function mergeInto(target: Record<string, unknown>, at: string[], value: unknown, file: string): void {
  let cur = target;
  for (const key of at) {
    const next = cur[key];
    if (next === undefined) cur[key] = {};
    else if (typeof next !== 'object' || next === null || Array.isArray(next)) throw new InputError(`data conflicts with another data file at ${at.join('.')}`, { file });
    cur = cur[key] as Record<string, unknown>;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    if (!at.length) throw new InputError('a root data file must hold a JSON object', { file });
    const parent = at.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, target);
    parent[at[at.length - 1]] = value;
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const prev = cur[k];
    if (prev && typeof prev === 'object' && !Array.isArray(prev) && v && typeof v === 'object' && !Array.isArray(v)) mergeInto(cur, [k], v, file);
    else cur[k] = v;
  }
}

/** Loads policies and data like `opa eval -d`: directory-relative paths place JSON/YAML under `data`. */
export function loadPaths(paths: string[], regoVersion: RegoVersion, cwd: string): Loaded {
  const loaded: Loaded = { modules: [], data: {} };
  const visit = (file: string, root: string, display: string) => {
    const stat = fs.statSync(file);
    if (stat.isDirectory()) {
      for (const e of fs.readdirSync(file).sort()) visit(path.join(file, e), root, path.join(display, e));
      return;
    }
    if (file.endsWith('.rego')) loaded.modules.push({ file: display, text: readText(file, 'policy file'), regoVersion });
    else if (/\.(json|ya?ml)$/i.test(file)) {
      const rel = path.relative(root, path.dirname(file));
      mergeInto(loaded.data, rel ? rel.split(path.sep) : [], parseDataFile(file, 'data file', display), display);
    }
  };
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) throw new InputError('path not found', { file: p, hint: 'pass a .rego, .json or .yaml file or a directory' });
    const isDir = fs.statSync(abs).isDirectory();
    visit(abs, isDir ? abs : path.dirname(abs), p);
  }
  return loaded;
}

/** Evaluates the query; returns OPA's JSON output and the exit code. */
export function evalQuery(req: EvalRequest, cwd: string): { output: unknown; exitCode: number } {
  const { modules, data } = loadPaths(req.dataPaths, req.regoVersion, cwd);
  let input: unknown;
  if (req.inputFile) input = parseDataFile(path.resolve(cwd, req.inputFile), 'input file', req.inputFile);
  try {
    const policy = compileModules(modules, { regoVersion: req.regoVersion, strictBuiltinErrors: req.strictBuiltinErrors });
    const result = policy.query(req.query, { input, data, strictBuiltinErrors: req.strictBuiltinErrors, timeoutMs: req.timeoutMs });
    return { output: result.length ? { result } : {}, exitCode: 0 };
  } catch (e) {
    if (!(e instanceof RegoError)) throw e;
    const errors = e.errors.map((d) => ({ code: d.code, message: d.message, ...(d.location ? { location: d.location } : {}) }));
    return { output: { errors }, exitCode: 2 };
  }
}

/** JSON with two-space indentation, keys in insertion order where OPA fixes them, BigInt-exact. */
function render(v: unknown): string {
  return stringifyOrdered(v, '');
}

function stringifyOrdered(v: unknown, indent: string): string {
  if (v === null || typeof v !== 'object') return stringify(v);
  const next = indent + '  ';
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => next + stringifyOrdered(x, next)).join(',\n')}\n${indent}]` : '[]';
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, x]) => `${next}${JSON.stringify(k)}: ${stringifyOrdered(x, next)}`).join(',\n')}\n${indent}}`;
}

export const regoCommands: CommandSpec[] = [
  {
    path: ['policy', 'eval'],
    summary: 'Evaluate a Rego query (prints what `opa eval --format json` prints)',
    description:
      "Evaluates QUERY with paved's built-in Rego engine (no opa binary). Prints {\"result\": [...]}, or {} when the query is undefined. " +
      'Parse, compile and evaluation errors print {"errors": [...]} with OPA error codes and exit 2.',
    noFormat: true,
    options: [
      { name: 'policy', short: 'p', type: 'string', multiple: true, valueName: 'PATH', description: 'Rego file or directory (an alias of --data for .rego files)' },
      { name: 'data', short: 'd', type: 'string', multiple: true, valueName: 'PATH', description: '.rego, .json or .yaml file or directory; JSON/YAML in a sub-directory goes under data.<dir>' },
      { name: 'input', short: 'i', type: 'string', valueName: 'FILE', description: 'JSON or YAML input document' },
      { name: 'rego-version', type: 'string', choices: ['v0', 'v1'], default: 'v1', description: 'Rego syntax of the policies: v1 (OPA 1.x) or v0' },
      { name: 'strict-builtin-errors', type: 'boolean', description: 'Built-in errors (bad operands, divide by zero...) fail the query instead of making the expression undefined' },
      { name: 'timeout', type: 'number', valueName: 'MS', description: 'Evaluation time limit in milliseconds (default 30000)' },
    ],
    positionals: [{ name: 'query', description: 'Rego query, e.g. data.main.deny or "x := data.main.allow"', required: true }],
    examples: ['paved policy eval -d policies/ -i plan.json data.main.deny', 'paved policy eval --rego-version v0 -p legacy/ -i input.json "data.terraform.analysis.authz"'],
    async run(args, ctx) {
      const query = args.positional(0);
      if (!query) throw new InputError('missing QUERY', { field: 'query', hint: 'for example: paved policy eval -d policy/ data.main.deny' });
      const timeout = args.number('timeout');
      if (timeout !== undefined && !(timeout > 0)) throw new InputError('must be a positive number of milliseconds', { field: '--timeout' });
      const { output, exitCode } = evalQuery(
        {
          query,
          dataPaths: [...args.strings('policy'), ...args.strings('data')],
          inputFile: args.string('input'),
          regoVersion: (args.string('rego-version') ?? 'v1') as RegoVersion,
          strictBuiltinErrors: args.flag('strict-builtin-errors'),
          timeoutMs: timeout,
        },
        ctx.cwd,
      );
      ctx.stdout(render(output) + '\n');
      return exitCode;
    },
  },
];
