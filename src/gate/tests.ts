// Test results: reads JUnit XML as the many runners write it (jest-junit, vitest, node:test, pytest,
// Maven Surefire, go-junit-report, mocha, ...), plus the neighbouring formats TRX, NUnit and Go's
// test output, into one list of runs; then folds runs into tests and totals them.

import { InputError } from '../platform/errors';
import { childrenNamed, firstChild, localName, parseXml, XmlElement, XmlSyntaxError } from './xml';
import { isGoTestText, parseGoTestJson, parseGoTestText } from './go-test';
import { CountOnly, emptyReport, RunStatus, TestReport, TestRun, UNNAMED } from './test-model';

/** `go test -json` events (plain-text build errors may sit between them). */
const GO_TEST_JSON = /^\{"(Time|Action)"/m;

export function parseTestReport(text: string, file: string): TestReport {
  if (text.trim() === '') {
    throw new InputError('test report is empty', { file, hint: 'the test runner did not write its report; check that the tests ran' });
  }
  const trimmed = text.replace(/^\ufeff/, '').trimStart();
  if (!trimmed.startsWith('<')) {
    if (GO_TEST_JSON.test(text)) return parseGoTestJson(text, file);
    if (isGoTestText(text)) return parseGoTestText(text, file);
    throw new InputError('not a test report: expected JUnit XML (or TRX, NUnit, go test -json / -v output)', { file, hint: 'point --junit at the XML file your test runner writes' });
  }
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (err) {
    if (err instanceof XmlSyntaxError) throw new InputError(`malformed XML: ${err.message}`, { file, hint: 'the report may be truncated (did the test run crash or time out?)' });
    throw err;
  }
  const rootName = localName(root.name);
  if (rootName === 'testsuites' || rootName === 'testsuite') return parseJUnit(root, file);
  if (rootName === 'TestRun') return parseTrx(root, file);
  if (rootName === 'test-run' || rootName === 'test-results') return parseNUnit(root, file);
  throw new InputError(`not a JUnit report: the root element is <${root.name}>, expected <testsuites> or <testsuite>`, {
    file,
    hint: 'JUnit, TRX (<TestRun>) and NUnit (<test-run>/<test-results>) XML are read; convert other formats to JUnit first',
  });
}

function seconds(raw: string | undefined): number {
  if (!raw) return 0;
  const value = Number(raw.replace(/,/g, ''));
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function intAttr(el: XmlElement, ...names: string[]): number {
  let sum = 0;
  for (const name of names) {
    const v = Number(el.attrs[name]);
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

const SKIPPED_STATUS = /^(disabled|skipped|skip|notrun|not[ _-]?run|ignored|pending)$/i;

function parseJUnit(root: XmlElement, file: string): TestReport {
  const report = emptyReport(file, 'junit');
  const visit = (suite: XmlElement, path: string[]) => {
    const name = suite.attrs.name ?? '';
    const suitePath = localName(suite.name) === 'testsuite' ? [...path, name] : path;
    const cases = childrenNamed(suite, 'testcase');
    const nested = childrenNamed(suite, 'testsuite');
    for (const tc of cases) report.runs.push(junitRun(tc, suite, suitePath.join(' › '), file));
    for (const child of nested) visit(child, suitePath);
    if (localName(suite.name) === 'testsuite' && cases.length === 0 && nested.length === 0 && intAttr(suite, 'tests') > 0) {
      const claimed: CountOnly = {
        total: intAttr(suite, 'tests'),
        failed: intAttr(suite, 'failures'),
        errors: intAttr(suite, 'errors'),
        skipped: intAttr(suite, 'skipped', 'skips', 'disabled'),
      };
      report.countOnly.total += claimed.total;
      report.countOnly.failed += claimed.failed;
      report.countOnly.errors += claimed.errors;
      report.countOnly.skipped += claimed.skipped;
      report.warnings.push(`suite "${name}" claims ${claimed.total} tests but lists no <testcase>; its attribute counts are used`);
    }
  };
  visit(root, []);
  return report;
}

function junitRun(tc: XmlElement, suite: XmlElement, suitePath: string, report: string): TestRun {
  const failure = firstChild(tc, 'failure');
  const error = firstChild(tc, 'error');
  const skipped = firstChild(tc, 'skipped');
  const flaky = tc.children.filter((c) => /^flaky(Failure|Error)$/.test(localName(c.name)));
  let status: RunStatus = 'passed';
  let outcome: XmlElement | undefined;
  if (error) [status, outcome] = ['error', error];
  else if (failure) [status, outcome] = ['failed', failure];
  else if (skipped || SKIPPED_STATUS.test(tc.attrs.status ?? '')) [status, outcome] = ['skipped', skipped];
  // A flaky pass keeps its last failed attempt, so the summary can say what went wrong.
  else if (flaky.length) outcome = flaky[flaky.length - 1];
  const line = Number(tc.attrs.line ?? tc.attrs.lineno);
  return {
    suite: suitePath,
    classname: tc.attrs.classname ?? tc.attrs.class ?? '',
    name: tc.attrs.name ?? UNNAMED,
    file: tc.attrs.file ?? tc.attrs.filepath ?? suite.attrs.file ?? suite.attrs.filepath,
    line: Number.isInteger(line) && line > 0 ? line : undefined,
    status,
    failedReruns: status === 'passed' && flaky.length ? flaky.length : undefined,
    seconds: seconds(tc.attrs.time),
    message: outcome?.attrs.message,
    details: outcome ? outcomeText(outcome) : undefined,
    report,
  };
}

/** Failure text: the element's own text, or Surefire's nested `<stackTrace>`, or NUnit's `<message>`/`<stack-trace>`. */
function outcomeText(el: XmlElement): string | undefined {
  const parts = [el.text, ...el.children.filter((c) => /^(stackTrace|message|stack-trace)$/.test(localName(c.name))).map((c) => c.text)];
  const text = parts.map((p) => p.trim()).filter(Boolean).join('\n');
  return text || undefined;
}

/** Visual Studio TRX: `<Results><UnitTestResult outcome=...>` joined to `<TestDefinitions><UnitTest><TestMethod className>`. */
function parseTrx(root: XmlElement, file: string): TestReport {
  const report = emptyReport(file, 'trx');
  const classOf = new Map<string, string>();
  for (const defs of childrenNamed(root, 'TestDefinitions')) {
    for (const test of childrenNamed(defs, 'UnitTest')) {
      const method = firstChild(test, 'TestMethod');
      if (test.attrs.id && method) classOf.set(test.attrs.id, method.attrs.className ?? '');
    }
  }
  for (const results of childrenNamed(root, 'Results')) {
    for (const result of childrenNamed(results, 'UnitTestResult')) {
      const outcome = (result.attrs.outcome ?? '').toLowerCase();
      const status: RunStatus =
        outcome === 'passed' ? 'passed' : outcome === 'failed' ? 'failed' : outcome === 'error' || outcome === 'timeout' || outcome === 'aborted' ? 'error' : 'skipped';
      const info = firstChild(firstChild(result, 'Output') ?? result, 'ErrorInfo');
      const message = info && firstChild(info, 'Message')?.text.trim();
      const stack = info && firstChild(info, 'StackTrace')?.text.trim();
      report.runs.push({
        suite: classOf.get(result.attrs.testId ?? '') ?? '',
        classname: classOf.get(result.attrs.testId ?? '') ?? '',
        name: result.attrs.testName ?? UNNAMED,
        status,
        seconds: timeSpanSeconds(result.attrs.duration),
        message: message || undefined,
        details: [message, stack].filter(Boolean).join('\n') || undefined,
        report: file,
      });
    }
  }
  return report;
}

/** `hh:mm:ss.fffffff` as TRX writes durations. */
function timeSpanSeconds(raw: string | undefined): number {
  const m = /^(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(raw ?? '');
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

/** NUnit 3 (`<test-run>`, `<test-case result=...>`) and NUnit 2 (`<test-results>`, `executed`/`success`). */
function parseNUnit(root: XmlElement, file: string): TestReport {
  const report = emptyReport(file, 'nunit');
  const visit = (el: XmlElement, suite: string) => {
    for (const child of el.children) {
      const name = localName(child.name);
      if (name === 'test-case') report.runs.push(nunitRun(child, suite, file));
      else if (name === 'test-suite') visit(child, child.attrs.type === 'Assembly' || !suite ? child.attrs.name ?? '' : `${suite} › ${child.attrs.name ?? ''}`);
      else if (name === 'results') visit(child, suite);
    }
  };
  visit(root, '');
  return report;
}

function nunitRun(tc: XmlElement, suite: string, report: string): TestRun {
  const result = (tc.attrs.result ?? '').toLowerCase();
  let status: RunStatus;
  if (tc.attrs.result !== undefined) {
    const label = (tc.attrs.label ?? '').toLowerCase();
    status = result === 'passed' ? 'passed' : result === 'failed' ? (label === 'error' || label === 'invalid' ? 'error' : 'failed') : 'skipped';
  } else if (tc.attrs.executed === 'False') status = 'skipped';
  else status = tc.attrs.success === 'False' ? (tc.attrs.result === 'Error' ? 'error' : 'failed') : 'passed';
  const failure = firstChild(tc, 'failure') ?? firstChild(tc, 'reason');
  const message = failure && firstChild(failure, 'message')?.text.trim();
  const fullName = tc.attrs.fullname ?? tc.attrs.name ?? UNNAMED;
  return {
    suite,
    classname: tc.attrs.classname ?? fullName.slice(0, Math.max(0, fullName.lastIndexOf('.'))),
    name: tc.attrs.name ?? fullName,
    status,
    seconds: seconds(tc.attrs.duration ?? tc.attrs.time),
    message: message || undefined,
    details: failure ? outcomeText(failure) : undefined,
    report,
  };
}

/** A test after its runs are folded together: retries collapse, and a test that failed then passed is flaky. */
export interface TestResult extends TestRun {
  flaky: boolean;
  attempts: number;
}

export interface TestTotals {
  total: number;
  passed: number;
  /** Tests that did not pass, errors included (`errors` is the subset that errored rather than failed an assertion). */
  failed: number;
  errors: number;
  skipped: number;
  /** Passed in the end after failing at least once (counted in `passed`). */
  flaky: number;
  /** Every execution, before retries are folded. */
  runs: number;
  seconds: number;
}

/**
 * How repeated runs of one test (same suite, class, name and file) count. `separate`: each is a test
 * of its own (parameterised tests often share a name), and only explicit rerun markers make a test
 * flaky. `fold`: they are retries of one test, which passes (as flaky) when any attempt passed.
 */
export type RetryMode = 'separate' | 'fold';

export function foldTests(reports: readonly TestReport[], mode: RetryMode = 'separate'): { tests: TestResult[]; totals: TestTotals; repeated: number } {
  const tests: TestResult[] = [];
  if (mode === 'separate') {
    for (const report of reports) for (const run of report.runs) tests.push(foldRuns([run]));
  } else {
    const groups = new Map<string, TestRun[]>();
    for (const report of reports) {
      for (const run of report.runs) {
        // Unnamed cases cannot be told apart, so they are never taken for retries of each other.
        if (run.name === UNNAMED) {
          tests.push(foldRuns([run]));
          continue;
        }
        const key = identity(run);
        const group = groups.get(key);
        if (group) group.push(run);
        else groups.set(key, [run]);
      }
    }
    for (const runs of groups.values()) tests.push(foldRuns(runs));
  }
  const totals: TestTotals = { total: 0, passed: 0, failed: 0, errors: 0, skipped: 0, flaky: 0, runs: 0, seconds: 0 };
  for (const test of tests) {
    totals.total++;
    if (test.status === 'passed') totals.passed++;
    else if (test.status === 'skipped') totals.skipped++;
    else totals.failed++;
    if (test.status === 'error') totals.errors++;
    if (test.flaky) totals.flaky++;
  }
  for (const report of reports) {
    totals.runs += report.runs.length + report.countOnly.total;
    for (const run of report.runs) totals.seconds += run.seconds;
    const c = report.countOnly;
    totals.total += c.total;
    totals.failed += c.failed + c.errors;
    totals.errors += c.errors;
    totals.skipped += c.skipped;
    totals.passed += Math.max(0, c.total - c.failed - c.errors - c.skipped);
  }
  totals.seconds = Math.round(totals.seconds * 1000) / 1000;
  return { tests, totals, repeated: mode === 'fold' ? 0 : countRepeated(tests) };
}

/** Suites are part of a test's identity, but never alone: jest-junit may name every suite "undefined". */
function identity(run: TestRun): string {
  return `${run.suite}\0${run.classname}\0${run.name}\0${run.file ?? ''}`;
}

const PASSED = 1;
const FAILED = 2;

/** Tests whose identity occurs more than once with different outcomes: retries, if `fold` is wanted. */
function countRepeated(tests: readonly TestResult[]): number {
  const outcomes = new Map<string, number>();
  for (const t of tests) {
    if (t.name === UNNAMED || t.status === 'skipped') continue;
    const key = identity(t);
    outcomes.set(key, (outcomes.get(key) ?? 0) | (t.status === 'passed' ? PASSED : FAILED));
  }
  let n = 0;
  for (const bits of outcomes.values()) if (bits === (PASSED | FAILED)) n++;
  return n;
}

function foldRuns(runs: TestRun[]): TestResult {
  if (runs.length === 1) return { ...runs[0], flaky: (runs[0].failedReruns ?? 0) > 0, attempts: 1 + (runs[0].failedReruns ?? 0) };
  const has = (status: RunStatus) => runs.some((r) => r.status === status);
  const passedOnce = has('passed');
  const failedOnce = has('failed') || has('error');
  let status: RunStatus;
  if (passedOnce) status = 'passed';
  else if (has('error')) status = 'error';
  else if (has('failed')) status = 'failed';
  else status = 'skipped';
  // The run that speaks for the test: its last failure when it failed, else its last run.
  const representative = [...runs].reverse().find((r) => r.status === status) ?? runs[runs.length - 1];
  const lastFailure = [...runs].reverse().find((r) => r.status === 'failed' || r.status === 'error');
  return {
    ...representative,
    status,
    message: status === 'passed' ? lastFailure?.message : representative.message,
    details: status === 'passed' ? lastFailure?.details : representative.details,
    seconds: Math.max(...runs.map((r) => r.seconds)),
    flaky: (passedOnce && failedOnce) || runs.some((r) => (r.failedReruns ?? 0) > 0),
    attempts: runs.reduce((n, r) => n + 1 + (r.failedReruns ?? 0), 0),
  };
}

/** "Class › test", without repeating a class name that already is (or ends with) the test name, as jest-junit writes it. */
export function testLabel(classname: string, name: string): string {
  if (!classname || classname === name) return name;
  if (classname.endsWith(` ${name}`)) return classname;
  return `${classname} › ${name}`;
}
