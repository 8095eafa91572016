// The quality-gate step's core: runs the named checks, reads test and coverage reports, applies the
// thresholds (total coverage, diff coverage, ratchet against the default branch's baseline), and
// returns one outcome. The CLI and the GitHub action both call `runQualityGate` with the same options.

import * as path from 'node:path';
import { InputError } from '../platform/errors';
import { run } from '../platform/exec';
import { readText, writeFilesAtomic } from '../platform/files';
import type { StepOutcome } from '../platform/step';
import { BASELINE_SCHEMA, CoverageBaseline, readBaseline, RecordMode, shouldRecord } from './baseline';
import { CheckLog, CheckResult, CheckSpec, detectChecks, parseCheck, runChecks } from './checks';
import { Counter, CoverageReport, mergeFile, MergedCoverage, Metric, METRICS, newFile, percent, totals } from './coverage';
import { parseCoverageReport } from './coverage-formats';
import { changedLines, DiffCoverage, diffCoverage } from './diff';
import { expandGlob, globToRegExp, hasMagic } from './glob';
import { RepoPaths } from './paths';
import { renderOutcome } from './report';
import type { TestReport } from './test-model';
import { foldTests, parseTestReport, RetryMode, testLabel, TestResult, TestTotals } from './tests';
import { coberturaXml, ConditionCase, junitXml, partFileName } from './writers';

export const EVIDENCE_SCHEMA = 'paved/quality-evidence/v1';

export interface QualityGateOptions {
  /** Repository root: commands run here, relative paths resolve from here. */
  root: string;
  env: NodeJS.ProcessEnv;
  junit: string[];
  coverage: string[];
  /** Repository paths (globs) left out of the coverage: tests, generated code. */
  coverageExclude?: string[];
  /** `NAME=COMMAND` checks; when none and no reports are given, checks are detected from the repository. */
  run: string[];
  metric: Metric;
  /** Whether repeated runs of one test are retries (`fold`) or tests of their own (`separate`, the default). */
  retries: RetryMode;
  /** Total coverage threshold in percent (default 80). */
  minCoverage?: number;
  /** Threshold for the changed lines (default: the total threshold, applied when a base is known). */
  minDiffCoverage?: number;
  /** Base ref for diff coverage; defaults to the pull/merge request's target from the CI environment. */
  base?: string;
  /** The ratchet's baseline file. */
  baseline?: string;
  recordBaseline: RecordMode;
  /** Percentage points coverage may drop below the baseline before the ratchet fails (default 0). */
  maxCoverageDrop?: number;
  evidenceDir?: string;
  coberturaOut?: string;
  junitOut?: string;
  /** Per-check time limit. */
  checkTimeoutMs?: number;
  /** How a setting is named in error messages: `--junit` on the CLI, `with.junit` in the action. */
  field?: (name: string) => string;
  now?: Date;
}

export type GateLog = CheckLog & { warning(message: string): void };

export interface Condition {
  id: string;
  label: string;
  status: 'pass' | 'fail' | 'skip';
  /** What was measured, as shown in the summary. */
  actual: string;
  /** What was required. */
  required: string;
  message: string;
}

export interface MetricFigure extends Counter {
  percent: number | null;
}

export interface FailedTest {
  name: string;
  classname: string;
  file?: string;
  line?: number;
  status: 'failed' | 'error';
  message: string;
  attempts: number;
}

export interface QualityGateData {
  schema: typeof EVIDENCE_SCHEMA;
  verdict: 'pass' | 'fail';
  commit?: string;
  branch?: string;
  recordedAt: string;
  metric: Metric;
  conditions: Condition[];
  gates: Array<Omit<CheckResult, 'tail'>>;
  tests: (TestTotals & {
    reports: Array<{ file: string; format: string; runs: number }>;
    failures: FailedTest[];
    slowest: Array<{ name: string; classname: string; file?: string; seconds: number }>;
    flakyTests: Array<{ name: string; classname: string; attempts: number; lastFailure?: string }>;
  }) | null;
  coverage:
    | ({
        metric: Metric;
        reports: Array<{ file: string; format: string; tool?: string; files: number; unmatched: string[] }>;
        diff?: Omit<DiffCoverage, 'files'> & { percent: number | null; base: string; files: Array<{ path: string; covered: number; total: number; uncoveredLines: number[] }> };
        baseline?: { file: string; previous?: number; recorded: boolean };
      } & Partial<Record<Metric, MetricFigure>>)
    | null;
  thresholds: { minCoverage?: number; minDiffCoverage?: number; maxCoverageDrop: number; metric: Metric };
  warnings: string[];
  files: { evidence?: string; cobertura?: string; junit?: string; baseline?: string };
}

const DEFAULT_MIN_COVERAGE = 80;
const SLOWEST = 10;
const MAX_FAILURES_RECORDED = 100;

export async function runQualityGate(options: QualityGateOptions, log: GateLog): Promise<StepOutcome<QualityGateData>> {
  const root = path.resolve(options.root);
  const abs = (p: string) => path.resolve(root, p);
  const field = options.field ?? ((name: string) => `--${name}`);
  validateThreshold(options.minCoverage, field('min-coverage'));
  validateThreshold(options.minDiffCoverage, field('min-diff-coverage'));
  const base = options.base || baseFromEnv(options.env);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log.warning(message);
  };

  // 1. Checks (they may write the reports read next).
  let checks: CheckSpec[] = options.run.map((spec) => parseCheck(spec, field('run')));
  if (checks.length === 0 && options.junit.length === 0 && options.coverage.length === 0) {
    checks = detectChecks(root);
    if (checks.length === 0) {
      throw new InputError('nothing to check: no checks or reports given, and no package.json scripts, pyproject.toml tools, go.mod or Cargo.toml found', {
        hint: `give the checks (${field('run')} "test=npm test") or the reports earlier jobs wrote (${field('junit')}, ${field('coverage')})`,
      });
    }
    log.info(`checks detected from the repository: ${checks.map((c) => c.name).join(', ')}`);
  }
  const checkResults = await runChecks(checks, { cwd: root, env: options.env, log, timeoutMs: options.checkTimeoutMs });

  // 2. Reports.
  const repo = new RepoPaths(root);
  const testReports = readReports(options.junit, field('junit'), root, (text, file) => parseTestReport(text, file));
  const coverageReports = readReports(options.coverage, field('coverage'), root, (text, file) => parseCoverageReport(text, file));
  for (const r of [...testReports, ...coverageReports]) r.warnings.forEach(warn);
  const folded = testReports.length ? foldTests(testReports, options.retries) : undefined;
  if (folded?.repeated) warn(`${folded.repeated} test(s) ran more than once and both failed and passed; if the runner retries failures, set ${field('retries')} to fold to count them as flaky passes`);
  const { merged, unmatched } = mergeCoverage(coverageReports, repo, options.coverageExclude ?? [], warn);

  // 3. Conditions.
  const conditions: Condition[] = checkResults.map((c) => ({
    id: `check:${c.name}`,
    label: `check \`${c.name}\``,
    status: c.status === 'passed' ? 'pass' : 'fail',
    actual: c.problem ?? `exit ${c.exitCode} in ${(c.durationMs / 1000).toFixed(1)} s`,
    required: 'exit 0',
    message: c.status === 'passed' ? `${c.name} passed` : `${c.name} failed${c.problem ? `: ${c.problem}` : ` (exit ${c.exitCode})`}`,
  }));
  if (folded) conditions.push(testCondition(folded.totals, testReports.length));

  const metric = options.metric;
  const minCoverage = options.minCoverage ?? DEFAULT_MIN_COVERAGE;
  const figures: Partial<Record<Metric, MetricFigure>> = {};
  for (const m of METRICS) {
    const t = totals(merged, m);
    if (t) figures[m] = { ...t, percent: percent(t) };
  }
  const current = figures[metric];
  let diff: NonNullable<QualityGateData['coverage']>['diff'];
  let baselineInfo: NonNullable<QualityGateData['coverage']>['baseline'];
  let baselineToWrite: CoverageBaseline | undefined;
  const maxDrop = options.maxCoverageDrop ?? 0;
  const sources = [...new Set(coverageReports.map((r) => `${r.format}${r.tool ? `/${r.tool}` : ''}`))].sort();

  if (coverageReports.length > 0) {
    conditions.push(coverageCondition(current, metric, minCoverage));
    if (base) {
      const minDiff = options.minDiffCoverage ?? minCoverage;
      const d = diffCoverage(await changedLines(root, base, field('base')), merged, metric);
      diff = { ...d, percent: percent(d), base };
      conditions.push(diffCondition(diff, minDiff));
    } else if (options.minDiffCoverage !== undefined) {
      // Templates pass the threshold on every pipeline; only pull/merge requests have a base.
      conditions.push({ id: 'diff-coverage', label: `diff coverage (${metric})`, status: 'skip', actual: 'no base', required: `≥ ${options.minDiffCoverage}%`, message: `no base branch to diff against (not a pull/merge request; set ${field('base')} to compare)` });
    }
    if (options.baseline) {
      const file = abs(options.baseline);
      const previous = readBaseline(file);
      conditions.push(ratchetCondition(previous, current, metric, sources, maxDrop, options.baseline));
      baselineInfo = { file: options.baseline, previous: previous?.metric === metric ? previous.percent : undefined, recorded: false };
    }
  } else if (options.minCoverage !== undefined || options.minDiffCoverage !== undefined || options.baseline) {
    // Templates pass thresholds on every job; without a report they cannot apply, and the summary says so.
    warn(`coverage thresholds were given but no coverage report (${field('coverage')}), so coverage was not checked`);
    conditions.push({ id: 'coverage', label: `coverage (${metric})`, status: 'skip', actual: 'no report', required: `≥ ${minCoverage}%`, message: `no coverage report given (${field('coverage')})` });
  }

  const verdict: 'pass' | 'fail' = conditions.some((c) => c.status === 'fail') ? 'fail' : 'pass';
  const now = options.now ?? new Date();
  const { commit, branch } = await revision(root, options.env);

  // 4. Files: the ratchet's new baseline, report files for GitLab, the evidence record; all or nothing.
  if (options.baseline && current && current.percent !== null && verdict === 'pass' && shouldRecord(options.recordBaseline, options.env)) {
    baselineToWrite = { schema: BASELINE_SCHEMA, metric, percent: current.percent, covered: current.covered, total: current.total, sources, commit, branch, recordedAt: now.toISOString() };
    if (baselineInfo) baselineInfo.recorded = true;
  }
  const files: QualityGateData['files'] = {};
  const coberturaFiles: string[] = [];
  const writes: Array<{ file: string; data: string }> = [];
  const tests = folded ? testData(folded.tests, folded.totals, testReports, repo) : null;
  if (options.coberturaOut && coverageReports.length === 0) warn(`no coverage report, so ${options.coberturaOut} was not written`);
  else if (options.coberturaOut) {
    const parts = coberturaXml(merged, root, now.getTime());
    parts.forEach((xml, i) => {
      coberturaFiles.push(partFileName(options.coberturaOut!, i));
      writes.push({ file: abs(coberturaFiles[i]), data: xml });
    });
    if (parts.length > 1) warn(`the Cobertura report is split into ${parts.length} files of at most 10 MiB (GitLab's limit): use a wildcard in coverage_report:path`);
    files.cobertura = options.coberturaOut;
  }
  if (options.junitOut) {
    const located = folded ? folded.tests.map((t) => ({ ...t, ...locate(t, repo) })) : [];
    writes.push({ file: abs(options.junitOut), data: junitXml(located, conditions.map(conditionCase(checkResults))) });
    files.junit = options.junitOut;
  }
  if (baselineToWrite && options.baseline) {
    writes.push({ file: abs(options.baseline), data: `${JSON.stringify(baselineToWrite, null, 2)}\n` });
    files.baseline = options.baseline;
  }
  const data: QualityGateData = {
    schema: EVIDENCE_SCHEMA,
    verdict,
    commit,
    branch,
    recordedAt: now.toISOString(),
    metric,
    conditions,
    gates: checkResults.map(({ tail: _tail, ...rest }) => rest),
    tests,
    coverage:
      coverageReports.length > 0
        ? {
            metric,
            ...figures,
            reports: coverageReports.map((r) => ({ file: r.file, format: r.format, tool: r.tool, files: r.files.length, unmatched: unmatched.get(r.file) ?? [] })),
            diff,
            baseline: baselineInfo,
          }
        : null,
    thresholds: { minCoverage: coverageReports.length ? minCoverage : undefined, minDiffCoverage: diff ? options.minDiffCoverage ?? minCoverage : undefined, maxCoverageDrop: maxDrop, metric },
    warnings,
    files,
  };
  if (options.evidenceDir) {
    const name = `quality-gate-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}${commit ? `-${commit.slice(0, 12)}` : ''}.json`;
    files.evidence = path.join(options.evidenceDir, name);
    writes.push({ file: abs(files.evidence), data: `${JSON.stringify(data, null, 2)}\n` });
  }
  writeFilesAtomic(writes);

  const outcome = renderOutcome(data, checkResults);
  outcome.annotations = failureAnnotations(data.tests?.failures ?? []);
  outcome.files = [
    ...coberturaFiles.map((p) => ({ path: p, kind: 'cobertura' })),
    ...(files.junit ? [{ path: files.junit, kind: 'junit' }] : []),
    ...(files.evidence ? [{ path: files.evidence, kind: 'evidence' }] : []),
  ];
  return outcome;
}

function validateThreshold(value: number | undefined, field: string): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > 100)) {
    throw new InputError(`must be a percentage from 0 to 100, got ${value}`, { field });
  }
}

/** The pull/merge request's target branch from the CI environment. */
function baseFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_BASE_REF) return `origin/${env.GITHUB_BASE_REF}`;
  if (env.CI_MERGE_REQUEST_DIFF_BASE_SHA) return env.CI_MERGE_REQUEST_DIFF_BASE_SHA;
  if (env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME) return `origin/${env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME}`;
  return undefined;
}

function readReports<T extends TestReport | CoverageReport>(patterns: readonly string[], field: string, root: string, parse: (text: string, file: string) => T): T[] {
  const reports: T[] = [];
  for (const pattern of patterns) {
    const files = expandGlob(pattern, root);
    if (files.length === 0) {
      throw new InputError(`no file matches ${pattern}`, { field, hint: `patterns are resolved from ${root}; check that the earlier step wrote its reports there` });
    }
    for (const file of files) {
      const full = path.resolve(root, file);
      reports.push(parse(readText(full, hasMagic(pattern) ? `report (from ${pattern})` : 'report'), file));
    }
  }
  return reports;
}

function mergeCoverage(reports: readonly CoverageReport[], repo: RepoPaths, exclude: readonly string[], warn: (m: string) => void): { merged: MergedCoverage; unmatched: Map<string, string[]> } {
  const merged: MergedCoverage = { files: new Map(), extra: {} };
  const unmatched = new Map<string, string[]>();
  const excluded = exclude.map((g) => globToRegExp(g.replace(/^\.\//, '')));
  let excludedCount = 0;
  for (const report of reports) {
    const missing: string[] = [];
    let found = 0;
    for (const file of report.files) {
      const resolved = repo.resolve(file.path, report.sourceRoots);
      if (excluded.some((re) => re.test(resolved.path))) {
        excludedCount++;
        continue;
      }
      if (resolved.exists) found++;
      else missing.push(file.path);
      const into = merged.files.get(resolved.path) ?? newFile(resolved.path);
      mergeFile(into, file);
      merged.files.set(resolved.path, into);
    }
    for (const m of METRICS) {
      const c = report.reportCounters?.[m];
      if (c) merged.extra[m] = { covered: (merged.extra[m]?.covered ?? 0) + c.covered, total: (merged.extra[m]?.total ?? 0) + c.total };
    }
    if (missing.length > 0 && found === 0) {
      throw new InputError(`none of the ${missing.length} files in this coverage report exists under ${repo.root} (for example ${missing[0]})`, {
        file: report.file,
        hint: 'run the gate from the repository root the report was made for, or produce the report in this checkout',
      });
    }
    if (missing.length > 0) {
      warn(`${report.file}: ${missing.length} of ${report.files.length} files are not in the repository (for example ${missing[0]}); they still count towards the totals`);
      unmatched.set(report.file, missing);
    }
  }
  if (excludedCount > 0) warn(`${excludedCount} file record(s) left out of the coverage by the exclude patterns (${exclude.join(', ')})`);
  return { merged, unmatched };
}

function testCondition(t: TestTotals, reports: number): Condition {
  const actual = `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped${t.flaky ? ` (${t.flaky} flaky)` : ''}`;
  if (t.total === 0) {
    return { id: 'tests', label: 'tests', status: 'fail', actual: 'no tests', required: 'at least one test, none failing', message: `the ${reports} test report(s) contain no test` };
  }
  if (t.passed + t.failed === 0) {
    return { id: 'tests', label: 'tests', status: 'fail', actual, required: 'at least one test, none failing', message: `all ${t.total} tests were skipped` };
  }
  return {
    id: 'tests',
    label: 'tests',
    status: t.failed > 0 ? 'fail' : 'pass',
    actual,
    required: 'no failures',
    message: t.failed > 0 ? `${t.failed} of ${t.total} tests failed` : `${t.passed} tests passed`,
  };
}

const pct = (p: number | null | undefined) => (p === null || p === undefined ? 'n/a' : `${p.toFixed(2)}%`);

function coverageCondition(c: MetricFigure | undefined, metric: Metric, min: number): Condition {
  const label = `coverage (${metric})`;
  if (!c || c.percent === null) {
    return { id: 'coverage', label, status: 'fail', actual: 'no data', required: `≥ ${min}%`, message: `the coverage reports measure no ${metric}${metric === 'branches' ? ' (use --metric lines, or a tool that records branches)' : ''}` };
  }
  const ok = c.percent >= min;
  return {
    id: 'coverage',
    label,
    status: ok ? 'pass' : 'fail',
    actual: `${pct(c.percent)} (${c.covered}/${c.total})`,
    required: `≥ ${min}%`,
    message: ok ? `${metric} coverage ${pct(c.percent)}` : `${metric} coverage ${pct(c.percent)} is below ${min}%`,
  };
}

function diffCondition(d: NonNullable<NonNullable<QualityGateData['coverage']>['diff']>, min: number): Condition {
  const label = `diff coverage (${d.metric}, vs ${d.base})`;
  if (d.total === 0) {
    return { id: 'diff-coverage', label, status: 'pass', actual: `no coverable ${d.metric} changed`, required: `≥ ${min}%`, message: `${d.changedLines} changed lines, none instrumented` };
  }
  const ok = (d.percent ?? 0) >= min;
  return {
    id: 'diff-coverage',
    label,
    status: ok ? 'pass' : 'fail',
    actual: `${pct(d.percent)} (${d.covered}/${d.total})`,
    required: `≥ ${min}%`,
    message: ok ? `changed ${d.metric} coverage ${pct(d.percent)}` : `changed ${d.metric} coverage ${pct(d.percent)} is below ${min}% (${d.total - d.covered} uncovered)`,
  };
}

function ratchetCondition(previous: CoverageBaseline | undefined, c: MetricFigure | undefined, metric: Metric, sources: string[], maxDrop: number, file: string): Condition {
  const label = 'ratchet';
  if (!previous) return { id: 'ratchet', label, status: 'skip', actual: 'no baseline yet', required: 'not below the baseline', message: `no baseline at ${file}; the default branch records one` };
  if (previous.metric !== metric) {
    return { id: 'ratchet', label, status: 'skip', actual: `baseline measures ${previous.metric}`, required: 'not below the baseline', message: `the baseline measures ${previous.metric}, this run ${metric}; not compared` };
  }
  if (previous.sources.length > 0 && previous.sources.join(',') !== sources.join(',')) {
    return { id: 'ratchet', label, status: 'skip', actual: `baseline from ${previous.sources.join(', ')}`, required: 'not below the baseline', message: `the baseline was measured by ${previous.sources.join(', ')}, this run by ${sources.join(', ')}; tools count differently, so they are not compared` };
  }
  const now = c?.percent ?? null;
  const floor = Math.round((previous.percent - maxDrop) * 100) / 100;
  const ok = now !== null && now >= floor;
  return {
    id: 'ratchet',
    label,
    status: ok ? 'pass' : 'fail',
    actual: `${pct(now)} vs ${pct(previous.percent)}${previous.commit ? ` at ${previous.commit.slice(0, 8)}` : ''}`,
    required: maxDrop > 0 ? `≥ ${floor}% (baseline − ${maxDrop})` : `≥ ${pct(previous.percent)}`,
    message: ok ? `${metric} coverage did not drop below the baseline` : `${metric} coverage dropped from ${pct(previous.percent)} to ${pct(now)}`,
  };
}

function conditionCase(checks: readonly CheckResult[]): (c: Condition) => ConditionCase {
  return (c) => ({
    name: c.label,
    passed: c.status !== 'fail',
    skipped: c.status === 'skip',
    message: `${c.message}: ${c.actual} (required ${c.required})`,
    seconds: (checks.find((r) => `check:${r.name}` === c.id)?.durationMs ?? 0) / 1000,
  });
}

async function revision(root: string, env: NodeJS.ProcessEnv): Promise<{ commit?: string; branch?: string }> {
  const git = async (args: string[]) => {
    try {
      const r = await run('git', args, { cwd: root });
      return r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
    } catch {
      return undefined; // no git on PATH: the record simply has no commit
    }
  };
  const commit = env.GITHUB_SHA || env.CI_COMMIT_SHA || (await git(['rev-parse', 'HEAD']));
  const branch = env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME || env.CI_COMMIT_REF_NAME || (await git(['rev-parse', '--abbrev-ref', 'HEAD']));
  return { commit, branch: branch === 'HEAD' ? undefined : branch };
}

const LOCATION = /([^\s()'"[\]<>]+\.[A-Za-z0-9]+):(\d+)(?::\d+)?/g;

/** Where a failing test lives: the report's file/line attributes, else the first stack frame in a repository file. */
function locate(test: TestResult, repo: RepoPaths): { file?: string; line?: number } {
  const own = test.file ? repo.resolve(test.file) : undefined;
  if (own?.exists && test.line) return { file: own.path, line: test.line };
  for (const m of (test.details ?? '').matchAll(LOCATION)) {
    if (/node_modules|^node:|^internal\//.test(m[1])) continue;
    const where = repo.resolve(m[1]);
    if (!where.exists) continue;
    if (own?.exists && where.path !== own.path) continue;
    return { file: where.path, line: Number(m[2]) };
  }
  return own?.exists ? { file: own.path, line: test.line } : { file: test.file ? own?.path : undefined, line: test.line };
}

function testData(tests: TestResult[], totals: TestTotals, reports: TestReport[], repo: RepoPaths): NonNullable<QualityGateData['tests']> {
  // The record keeps the first failures only: a broken build can fail thousands of tests.
  const failures: FailedTest[] = tests
    .filter((t) => t.status === 'failed' || t.status === 'error')
    .slice(0, MAX_FAILURES_RECORDED)
    .map((t) => ({ name: t.name, classname: t.classname, ...locate(t, repo), status: t.status as 'failed' | 'error', message: firstLines(t.message || t.details || t.status, 6), attempts: t.attempts }));
  const slowest = [...tests]
    .filter((t) => t.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, SLOWEST)
    .map((t) => ({ name: t.name, classname: t.classname, file: t.file, seconds: t.seconds }));
  const flakyTests = tests.filter((t) => t.flaky).map((t) => ({ name: t.name, classname: t.classname, attempts: t.attempts, lastFailure: t.message ? firstLines(t.message, 2) : undefined }));
  return { ...totals, reports: reports.map((r) => ({ file: r.file, format: r.format, runs: r.runs.length })), failures, slowest, flakyTests };
}

function firstLines(text: string, n: number): string {
  const lines = text.trim().split(/\r?\n/);
  return lines.length > n ? `${lines.slice(0, n).join('\n')}\n…` : lines.join('\n');
}

const MAX_ANNOTATIONS = 50;

function failureAnnotations(failures: readonly FailedTest[]): StepOutcome['annotations'] {
  return failures.slice(0, MAX_ANNOTATIONS).map((f) => ({
    level: 'error' as const,
    title: `${f.status === 'error' ? 'Test error' : 'Test failed'}: ${testLabel(f.classname, f.name)}`,
    message: f.message,
    file: f.file,
    line: f.line,
  }));
}
