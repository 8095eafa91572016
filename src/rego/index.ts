// Public API of paved's Rego engine: compile modules once, then query or evaluate documents
// with an input and base data. Results are plain JSON (sets as sorted arrays), as `opa eval` prints.

import type { Expr } from './ast';
import { BUILTINS } from './builtins';
import { Compiler } from './compiler';
import { RegoError, type Location, type RegoErrorDetail } from './errors';
import { Evaluator, Frame } from './eval';
import { parseModule, parseQuery, parseTerm } from './parser';
import { fromJS, RObject, stringify, toJS, type Value } from './value';
import type { Module } from './ast';

export { RegoError, BuiltinError } from './errors';
export type { RegoErrorDetail, Location } from './errors';
export { stringify, parseJSON } from './value';

export type RegoVersion = 'v0' | 'v1';

export interface ModuleSource {
  file: string;
  text: string;
  regoVersion?: RegoVersion;
}

export interface CompileOptions {
  regoVersion?: RegoVersion;
  strictBuiltinErrors?: boolean;
}

export interface EvalOptions {
  input?: unknown;
  /** JSON base documents (merged under `data`). */
  data?: unknown;
  timeoutMs?: number;
  /** Stop after this many evaluation steps (default 100 million). */
  maxSteps?: number;
  strictBuiltinErrors?: boolean;
  printHook?: (msg: string) => void;
}

export interface QueryResult {
  expressions: Array<{ value: unknown; text: string; location: { row: number; col: number } }>;
  bindings?: Record<string, unknown>;
}

export interface RuleInfo {
  name: string;
  kind: 'complete' | 'partial-set' | 'partial-object' | 'function';
  location: Location;
}

export interface CompiledPolicy {
  /** Like `opa eval QUERY`: [] when undefined. Values are plain JSON (sets become sorted arrays). */
  query(query: string, options?: EvalOptions): QueryResult[];
  /** The value of a document path such as `data.main.deny`, as JSON, or undefined. */
  evaluate(path: string, options?: EvalOptions): unknown;
  packages(): string[];
  /** Rules of a package (name, kind, location), used to find `deny`/`warn`/`test_*` rules. */
  rules(pkg: string): RuleInfo[];
}

/** One query answer with Rego values (sets kept), for callers that compare values exactly. */
export interface RawResult {
  bindings: Map<string, Value>;
  expressions: Array<{ value: Value; text: string; location: { row: number; col: number } }>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_STEPS = 100_000_000;

export function compileModules(sources: ModuleSource[], options: CompileOptions = {}): Policy {
  const modules: Module[] = [];
  const errors: RegoErrorDetail[] = [];
  for (const s of sources) {
    const version = s.regoVersion ?? options.regoVersion ?? 'v1';
    try {
      modules.push(parseModule(s.file, s.text, version === 'v1'));
    } catch (e) {
      if (e instanceof RegoError) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length) throw new RegoError(errors);
  const compiler = new Compiler(modules, BUILTINS);
  compiler.compile();
  return new Policy(compiler, options);
}

/** Parses a Rego term made of constants (`{"a": {1, 2}}`) into a value, e.g. an `input_term`. */
export function parseValue(text: string): Value {
  const policy = compileModules([]);
  const rs = policy.queryRaw(`__value__ = ${text}`);
  const v = rs[0]?.bindings.get('__value__');
  if (v === undefined) throw RegoError.of('rego_parse_error', 'term has no value', { file: 'term', row: 1, col: 1 });
  return v;
}

export class Policy implements CompiledPolicy {
  private session?: { input: unknown; data: unknown; strict: boolean; print: EvalOptions['printHook']; ev: Evaluator };

  constructor(
    private compiler: Compiler,
    private options: CompileOptions,
  ) {}

  /**
   * An evaluator for these options. Consecutive calls with the same input and data objects share
   * one evaluator, so rule values computed for one query are reused by the next (they are pure).
   */
  private evaluator(opts: EvalOptions): Evaluator {
    const strict = opts.strictBuiltinErrors ?? this.options.strictBuiltinErrors ?? false;
    const last = this.session;
    if (last && last.input === opts.input && sameData(last.data, opts.data) && last.strict === strict && last.print === opts.printHook && opts.input !== undefined) {
      last.ev.restart(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.maxSteps ?? DEFAULT_MAX_STEPS);
      return last.ev;
    }
    const data = fromJS(opts.data ?? {});
    const ev = new Evaluator(this.compiler, BUILTINS, {
      input: opts.input === undefined ? undefined : fromJS(opts.input),
      data: data instanceof RObject ? data : new RObject(),
      strictBuiltinErrors: strict,
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxSteps: opts.maxSteps ?? DEFAULT_MAX_STEPS,
      print: opts.printHook ?? ((msg) => process.stderr.write(msg + '\n')),
    });
    this.session = { input: opts.input, data: opts.data, strict, print: opts.printHook, ev };
    return ev;
  }

  /** Evaluates a query and keeps Rego values (sets stay sets). */
  queryRaw(query: string, opts: EvalOptions = {}): RawResult[] {
    const parsed = parseQuery(query, true, 'query');
    const userVars = new Set<string>();
    for (const e of parsed) collectQueryVars(e, userVars);
    const body = this.compiler.compileQuery(parsed);
    const ev = this.evaluator(opts);
    const f = new Frame();
    f.exprValues = new Map();
    const ordered = [...body].sort((a, b) => a.loc.row - b.loc.row || a.loc.col - b.loc.col);
    const out: RawResult[] = [];
    guard(() =>
      ev.evalBody(body, 0, f, ev.root, () => {
        const bindings = new Map<string, Value>();
        for (const [k, v] of f.vars) if (userVars.has(k)) bindings.set(k, v);
        out.push({
          bindings,
          expressions: ordered.map((e) => ({ value: f.exprValues!.get(e) ?? true, text: e.text ?? '', location: { row: e.loc.row, col: e.loc.col } })),
        });
        return false;
      }),
    );
    return out;
  }

  query(query: string, opts: EvalOptions = {}): QueryResult[] {
    return this.queryRaw(query, opts).map((r) => {
      const res: QueryResult = { expressions: r.expressions.map((e) => ({ ...e, value: toJS(e.value) })) };
      if (r.bindings.size) res.bindings = Object.fromEntries([...r.bindings].map(([k, v]) => [k, toJS(v)]));
      return res;
    });
  }

  evaluate(path: string, opts: EvalOptions = {}): unknown {
    const term = parseTerm(path, 'path');
    if (!(term.type === 'ref' || term.type === 'var')) throw RegoError.of('rego_parse_error', `not a document path: ${path}`);
    const rs = this.queryRaw(`__result__ = ${path}`, opts);
    const v = rs[0]?.bindings.get('__result__');
    return v === undefined ? undefined : toJS(v);
  }

  packages(): string[] {
    return [...new Set(this.compiler.modules.map((m) => m.pkg.join('.')))].sort();
  }

  rules(pkg: string): RuleInfo[] {
    const want = pkg.replace(/^data\./, '');
    const seen = new Map<string, RuleInfo>();
    for (const m of this.compiler.modules) {
      if (m.pkg.join('.') !== want) continue;
      for (const r of m.rules) {
        const name = r.head.ref.map((t) => (t.type === 'scalar' && typeof t.value === 'string' ? t.value : '')).filter(Boolean).join('.');
        if (!seen.has(name)) seen.set(name, { name, kind: r.kind, location: r.loc });
      }
    }
    return [...seen.values()];
  }
}

/** Data documents are usually small configuration objects rebuilt per call: compare them by value. */
function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    return stringify(a) === stringify(b);
  } catch {
    return false;
  }
}

function collectQueryVars(e: Expr, out: Set<string>): void {
  const add = (name: string) => {
    if (!name.includes('$') && name !== 'data' && name !== 'input') out.add(name);
  };
  const visit = (t: unknown): void => {
    if (!t || typeof t !== 'object') return;
    const term = t as { type?: string; name?: string; body?: unknown };
    if (term.type === 'var' && term.name) add(term.name);
    if (term.type === 'arraycomp' || term.type === 'setcomp' || term.type === 'objcomp') return;
    for (const v of Object.values(t)) if (v && typeof v === 'object' && v !== term.body) visit(v);
  };
  if (e.kind === 'every') return;
  visit(e);
}

/** Runs evaluation, turning a JS stack overflow into OPA's cancellation error. */
function guard(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegoError) throw e;
    if (process.env.PAVED_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    if (e instanceof RangeError) throw RegoError.of('eval_cancel_error', `evaluation exceeded the maximum depth (${e.message})`);
    // An engine defect must still surface as a Rego error, not a crash.
    throw RegoError.of('eval_internal_error', (e as Error).message ?? String(e));
  }
}
