// Runs OPA's conformance suite (../shared/opa-conformance/v1) against paved's Rego engine and prints
// pass/fail/total per category plus tier totals. Cases are judged the way OPA's own runner
// (v1/topdown/exported_test.go) judges them: result sets compared as sets, `sort_bindings`,
// `want_error` as a substring, `want_error_code` exactly, `strict_error`, `input_term`.
// It is a measurement: it always exits 0. Options: --category NAME (repeatable), --verbose.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as YAML from 'yaml';
import { compileModules, parseValue, RegoError } from '../src/rego';
import { formatDetail } from '../src/rego/errors';
import { compare, fromJS, keyOf, toJS, type Value } from '../src/rego/value';

export interface Case {
  note: string;
  query: string;
  modules?: string[];
  data?: unknown;
  input?: unknown;
  input_term?: string;
  want_result?: Array<Record<string, unknown>>;
  want_error_code?: string;
  want_error?: string;
  strict_error?: boolean;
  sort_bindings?: boolean;
  ignore_generated_vars?: boolean;
  experimental_keywords?: boolean;
}

export interface CaseOutcome {
  category: string;
  file: string;
  note: string;
  pass: boolean;
  reason?: string;
}

export const SUITE_DIR = path.resolve(process.env.PAVED_SHARED ?? path.join(__dirname, '..', '..', 'shared'), 'opa-conformance');

export function loadTiers(dir = SUITE_DIR): Map<string, string> {
  const tiers = new Map<string, string>();
  const lines = fs.readFileSync(path.join(dir, 'categories.tsv'), 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const cols = line.split('\t');
    tiers.set(cols[0], cols[4]);
  }
  return tiers;
}

export function loadCases(category: string, dir = SUITE_DIR): Array<{ file: string; c: Case }> {
  const catDir = path.join(dir, 'v1', category);
  const out: Array<{ file: string; c: Case }> = [];
  for (const f of fs.readdirSync(catDir).filter((x) => x.endsWith('.yaml')).sort()) {
    const doc = YAML.parse(fs.readFileSync(path.join(catDir, f), 'utf8'), { intAsBigInt: true }) as { cases: Case[] };
    for (const c of doc.cases ?? []) out.push({ file: f, c });
  }
  return out;
}

function normaliseRow(row: Value, sortBindings: boolean): Value {
  // Through JSON: sets become sorted arrays, as OPA's runner sees them after conversion.
  const v = fromJS(toJS(row));
  if (!sortBindings || !(v && typeof v === 'object' && 'm' in v)) return v;
  const o = v as import('../src/rego/value').RObject;
  for (const [k, x] of o.entries()) if (Array.isArray(x)) o.set(k, [...x].sort(compare));
  return o;
}

function describeValue(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
}

export function runCase(c: Case): { pass: boolean; reason?: string } {
  const wantsError = c.want_error !== undefined || c.want_error_code !== undefined;
  try {
    const policy = compileModules((c.modules ?? []).map((text, i) => ({ file: `test-${i}.rego`, text })), {});
    const input = c.input_term !== undefined ? parseValue(c.input_term) : c.input === undefined ? undefined : fromJS(c.input);
    const rows = policy.queryRaw(c.query, { data: c.data ?? {}, input, strictBuiltinErrors: !!c.strict_error, timeoutMs: 10_000, printHook: () => undefined });
    if (wantsError) return { pass: false, reason: `expected error ${c.want_error_code ?? ''} ${c.want_error ?? ''}, got ${rows.length} result(s)` };
    if (!c.want_result) return { pass: false, reason: 'case has no expectation' };
    const actual = new Map<string, Value>();
    for (const r of rows) {
      const obj = new Map([...r.bindings].filter(([k]) => !(c.ignore_generated_vars && k.startsWith('__'))));
      const row = normaliseRow(fromJS(obj), !!c.sort_bindings);
      actual.set(keyOf(row), row);
    }
    const expected = new Map<string, Value>();
    for (const w of c.want_result) {
      const row = normaliseRow(fromJS(w ?? {}), !!c.sort_bindings);
      expected.set(keyOf(row), row);
    }
    const same = actual.size === expected.size && [...expected.keys()].every((k) => actual.has(k));
    if (same) return { pass: true };
    return { pass: false, reason: `want ${describeValue([...expected.values()].map(toJS))}\n     got  ${describeValue([...actual.values()].map(toJS))}` };
  } catch (e) {
    if (!(e instanceof RegoError)) return { pass: false, reason: `internal error: ${(e as Error).stack ?? e}` };
    const text = e.errors.map(formatDetail).join('\n');
    if (!wantsError) return { pass: false, reason: `unexpected error: ${text}` };
    if (c.want_error_code && !e.errors.some((d) => d.code === c.want_error_code)) return { pass: false, reason: `want code ${c.want_error_code}, got ${text}` };
    if (c.want_error && !text.includes(c.want_error)) return { pass: false, reason: `want error containing ${JSON.stringify(c.want_error)}, got ${text}` };
    return { pass: true };
  }
}

export function runCategory(category: string, dir = SUITE_DIR): CaseOutcome[] {
  return loadCases(category, dir).map(({ file, c }) => ({ category, file, note: c.note, ...runCase(c) }));
}

function main(): void {
  const args = process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const only = args.flatMap((a, i) => (a === '--category' ? [args[i + 1]] : []));
  if (!fs.existsSync(SUITE_DIR)) {
    console.log(`conformance suite not found at ${SUITE_DIR} (set PAVED_SHARED)`);
    return;
  }
  const tiers = loadTiers();
  const started = Date.now();
  const totals = new Map<string, { pass: number; total: number }>();
  const rows: string[] = [];
  for (const [cat, tier] of [...tiers].sort((a, b) => a[1].localeCompare(b[1]) || a[0].localeCompare(b[0]))) {
    if (only.length && !only.includes(cat)) continue;
    const results = runCategory(cat);
    const pass = results.filter((r) => r.pass).length;
    const t = totals.get(tier) ?? { pass: 0, total: 0 };
    t.pass += pass;
    t.total += results.length;
    totals.set(tier, t);
    rows.push(`${tier.padEnd(14)} ${cat.padEnd(38)} ${String(pass).padStart(4)} ${String(results.length - pass).padStart(4)} ${String(results.length).padStart(5)}`);
    if (verbose) for (const r of results.filter((x) => !x.pass)) rows.push(`   FAIL ${r.file} ${r.note}\n     ${r.reason}`);
  }
  console.log(`${'tier'.padEnd(14)} ${'category'.padEnd(38)} pass fail total`);
  for (const r of rows) console.log(r);
  const line = (label: string, keys: string[]) => {
    const p = keys.reduce((a, k) => a + (totals.get(k)?.pass ?? 0), 0);
    const t = keys.reduce((a, k) => a + (totals.get(k)?.total ?? 0), 0);
    console.log(`${label}: ${p}/${t} (${t ? ((100 * p) / t).toFixed(1) : '0.0'}%)`);
  };
  console.log('');
  line('tier 1', ['1-core']);
  line('tier 1+2', ['1-core', '2-builtin-ext']);
  line('all tiers', ['1-core', '2-builtin-ext', '3-optional']);
  console.log(`elapsed: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) main();
