// `paved policy test`: runs Rego unit tests the way `opa test` does. Every `test_*` rule of every
// loaded module is a test (PASS when it evaluates to true, FAIL when false or undefined, ERROR when
// evaluation fails); `todo_test_*` rules are reported as skipped. Data files beside the policies
// (e.g. `*_mock.json`) are loaded into `data`, as `opa test DIR` does.

import { InputError } from '../platform/errors';
import { loadData, loadPolicySources } from './documents';
import { compilePolicies, namespaceOf } from './engines/builtin';
import type { PolicyTestReport, PolicyTestResult, RegoVersion } from './types';
import { regoRef } from './engines/engine';

export interface TestOptions {
  paths: string[];
  /** Only tests whose full name (`data.pkg.test_x`) matches. */
  run?: string;
  regoVersion?: RegoVersion;
  /** Per-test evaluation limit. */
  timeoutMs?: number;
  cwd?: string;
}

export function runPolicyTests(options: TestOptions): PolicyTestReport {
  const regoVersion = options.regoVersion ?? 'v1';
  let filter: RegExp | undefined;
  if (options.run) {
    try {
      filter = new RegExp(options.run);
    } catch (err) {
      throw new InputError(`not a valid regular expression: ${(err as Error).message}`, { field: '--run' });
    }
  }
  const sources = loadPolicySources(options.paths, options.cwd);
  const data = loadData(options.paths, { policyPaths: true, cwd: options.cwd });
  const policy = compilePolicies(sources, regoVersion);

  const results: PolicyTestResult[] = [];
  for (const pkg of policy.packages()) {
    const seen = new Set<string>();
    for (const rule of policy.rules(pkg)) {
      const isTest = rule.name.startsWith('test_');
      const isTodo = rule.name.startsWith('todo_test_');
      if ((!isTest && !isTodo) || rule.kind === 'function' || seen.has(rule.name)) continue;
      seen.add(rule.name);
      const namespace = namespaceOf(pkg);
      const name = `${regoRef(namespace)}.${rule.name}`;
      if (filter && !filter.test(name)) continue;
      const base = { name, package: namespace, file: rule.location.file, line: rule.location.row };
      if (isTodo) {
        results.push({ ...base, status: 'skip', durationMs: 0, output: [] });
        continue;
      }
      const output: string[] = [];
      const started = process.hrtime.bigint();
      let status: PolicyTestResult['status'];
      let error: string | undefined;
      try {
        const value = policy.evaluate(regoRef(namespace, rule.name), { data, timeoutMs: options.timeoutMs, printHook: (msg) => output.push(msg) });
        status = value === true ? 'pass' : 'fail';
      } catch (err) {
        status = 'error';
        error = (err as Error).message;
      }
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      results.push({ ...base, status, durationMs, output, ...(error ? { error } : {}) });
    }
  }
  const summary = { pass: 0, fail: 0, error: 0, skip: 0, total: results.length };
  for (const r of results) summary[r.status]++;
  return { engine: 'builtin', regoVersion, results, summary };
}

/** `opa test`-style text: failures (or, verbose, every test) by file with file:line, then the tallies. */
export function renderTestReport(report: PolicyTestReport, verbose: boolean): string {
  const lines: string[] = [];
  const failing = report.summary.fail + report.summary.error > 0;
  const shown = verbose || failing ? report.results : [];
  let file: string | undefined;
  for (const t of shown) {
    if (t.file !== file) {
      if (file !== undefined) lines.push('');
      file = t.file;
      lines.push(`${t.file}:`);
    }
    lines.push(`${t.file}:${t.line}: ${t.name}: ${t.status.toUpperCase()} (${formatDuration(t.durationMs)})`);
    if (t.error) lines.push(...t.error.split('\n').map((l) => `  ${l}`));
    if ((verbose || t.status !== 'pass') && t.output.length) lines.push(...t.output.map((l) => `  ${l}`));
  }
  if (shown.length) lines.push('-'.repeat(80));
  const { pass, fail, error, skip, total } = report.summary;
  if (total === 0) lines.push('no tests found (test rules are named test_*)');
  if (pass) lines.push(`PASS: ${pass}/${total}`);
  if (fail) lines.push(`FAIL: ${fail}/${total}`);
  if (error) lines.push(`ERROR: ${error}/${total}`);
  if (skip) lines.push(`SKIPPED: ${skip}/${total}`);
  return `${lines.join('\n')}\n`;
}

function formatDuration(ms: number): string {
  if (ms < 1) return `${Math.round(ms * 1000)}µs`;
  if (ms < 1000) return `${ms.toFixed(1)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}
