// Data-driven tests over ../shared/fixtures/{coverage,junit}: every report parses (or is rejected
// with a clear message when it is not a report), and where a fixture states expected figures
// (SOURCES.md, dorny's rendered summaries, EnricoMi's results.json, go-junit-report's pairs) the
// gate reports the same numbers.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { Counter, CoverageReport, MergedCoverage, mergeFile, Metric, newFile, percent, totals } from '../../src/gate/coverage';
import { parseCoverageReport, parseIstanbulMap } from '../../src/gate/coverage-formats';
import { foldTests, parseTestReport } from '../../src/gate/tests';
import { describeShared, hasShared, sharedPath } from '../helpers/shared';

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function merge(reports: CoverageReport[]): MergedCoverage {
  const merged: MergedCoverage = { files: new Map(), extra: {} };
  for (const report of reports) {
    for (const f of report.files) {
      const into = merged.files.get(f.path) ?? newFile(f.path);
      mergeFile(into, f);
      merged.files.set(f.path, into);
    }
    for (const [metric, c] of Object.entries(report.reportCounters ?? {}) as Array<[Metric, Counter]>) {
      merged.extra[metric] = { covered: (merged.extra[metric]?.covered ?? 0) + c.covered, total: (merged.extra[metric]?.total ?? 0) + c.total };
    }
  }
  return merged;
}

const COVERAGE = hasShared ? sharedPath('fixtures', 'coverage') : '';
const JUNIT = hasShared ? sharedPath('fixtures', 'junit') : '';
const rel = (root: string) => (file: string) => path.relative(root, file);

/** Files in the coverage folder that are not coverage reports, with the message the gate gives. */
const NOT_COVERAGE: Record<string, RegExp> = {
  'gcovr-nested-gcc5/coverage.txt': /not a coverage report this gate reads/,
  'php-code-coverage/Crap4j/BankAccount.xml': /Crap4j \(CRAP index\) report, not a coverage report/,
};
const isSchema = (file: string) => /\.(dtd|xsd)$/.test(file) || path.basename(file) === 'SOURCES.md';

describeShared('../shared/fixtures/coverage', () => {
  const files = walk(COVERAGE).filter((f) => !isSchema(f) && !path.relative(COVERAGE, f).startsWith('istanbul-reports-specs/'));
  const parse = (file: string) => parseCoverageReport(fs.readFileSync(file, 'utf8'), file);

  test.each(files.map(rel(COVERAGE)))('%s parses, or is rejected as not a coverage report', (file) => {
    const full = path.join(COVERAGE, file);
    if (NOT_COVERAGE[file]) {
      expect(() => parse(full)).toThrow(InputError);
      expect(() => parse(full)).toThrow(NOT_COVERAGE[file]);
    } else {
      const report = parse(full);
      expect(report.format).toBeTruthy();
      for (const f of report.files) expect(f.path).not.toBe('');
    }
  });

  // Expected totals from fixtures/coverage/SOURCES.md ("Expected totals").
  const expected: Array<{ folder: string; only?: RegExp; metric: Metric; covered: number; total: number }> = [
    { folder: 'gcovr-nested-gcc5', metric: 'lines', covered: 25, total: 42 },
    { folder: 'gcovr-nested-gcc5', only: /cobertura|jacoco/, metric: 'branches', covered: 4, total: 14 },
    { folder: 'gcovr-nested-gcc5', only: /jacoco/, metric: 'functions', covered: 6, total: 10 },
    { folder: 'coveragepy/x_xml', metric: 'lines', covered: 2, total: 3 },
    { folder: 'coveragepy/y_xml_branch', metric: 'lines', covered: 4, total: 5 },
    { folder: 'coveragepy/y_xml_branch', metric: 'branches', covered: 1, total: 2 },
    { folder: 'php-code-coverage', only: /Cobertura\/BankAccount-line/, metric: 'lines', covered: 5, total: 8 },
    { folder: 'php-code-coverage', only: /Clover\/BankAccount-line/, metric: 'functions', covered: 3, total: 4 },
    { folder: 'php-code-coverage', only: /Clover\/BankAccount-line/, metric: 'statements', covered: 5, total: 8 },
    { folder: 'jacoco-madrapps', only: /\/report\.xml$/, metric: 'lines', covered: 12, total: 27 },
    { folder: 'jacoco-madrapps', only: /\/report\.xml$/, metric: 'branches', covered: 2, total: 6 },
    { folder: 'jacoco-madrapps', only: /\/report\.xml$/, metric: 'functions', covered: 10, total: 22 },
    { folder: 'jacoco-madrapps', only: /\/report\.xml$/, metric: 'statements', covered: 43, total: 122 },
    { folder: 'generated/jest-istanbul', metric: 'lines', covered: 10, total: 14 },
    { folder: 'generated/jest-istanbul', metric: 'branches', covered: 5, total: 10 },
    { folder: 'generated/jest-istanbul', metric: 'functions', covered: 5, total: 6 },
    { folder: 'generated/jest-istanbul', only: /coverage-(final|summary)\.json/, metric: 'statements', covered: 12, total: 18 },
    { folder: 'generated/vitest-v8', metric: 'lines', covered: 15, total: 21 },
    { folder: 'generated/vitest-v8', metric: 'branches', covered: 6, total: 9 },
    { folder: 'generated/vitest-v8', metric: 'functions', covered: 5, total: 6 },
    { folder: 'generated/vitest-v8', only: /coverage-(final|summary)\.json/, metric: 'statements', covered: 15, total: 21 },
    { folder: 'generated/node-test', metric: 'lines', covered: 33, total: 38 },
    { folder: 'generated/node-test', metric: 'branches', covered: 18, total: 21 },
    { folder: 'generated/node-test', metric: 'functions', covered: 13, total: 15 },
    { folder: 'real-project/actions-dependency-review-action', metric: 'lines', covered: 680, total: 963 },
    { folder: 'real-project/actions-dependency-review-action', metric: 'branches', covered: 270, total: 546 },
    { folder: 'real-project/actions-dependency-review-action', metric: 'functions', covered: 103, total: 136 },
    { folder: 'real-project/actions-dependency-review-action', only: /coverage-summary\.json/, metric: 'statements', covered: 694, total: 990 },
  ];
  const cases = expected.flatMap((e) =>
    walk(path.join(COVERAGE, e.folder))
      .filter((f) => !isSchema(f) && !NOT_COVERAGE[path.relative(COVERAGE, f)] && (!e.only || e.only.test(f)))
      .map((f) => [path.relative(COVERAGE, f), e.metric, e.covered, e.total] as const),
  );

  test.each(cases)('%s: %s %i/%i', (file, metric, covered, total) => {
    expect(totals(merge([parse(path.join(COVERAGE, file))]), metric)).toEqual({ covered, total });
  });

  test('go coverprofile and its expected LCOV conversion agree line by line', () => {
    const dir = path.join(COVERAGE, 'go-coverprofile', 'gcov2lcov');
    const profile = [...merge([parse(path.join(dir, 'coverage.out'))]).files.values()];
    const lcov = [...merge([parse(path.join(dir, 'coverage_expected.lcov'))]).files.values()];
    expect(profile).toHaveLength(lcov.length);
    for (const file of lcov) {
      const same = profile.find((p) => p.path.endsWith(`/${file.path}`) || p.path === file.path);
      expect(same?.lines).toEqual(file.lines);
    }
  });

  // istanbul-reports specs: a coverage map under `map`, with the text table istanbul renders for it.
  const specs = walk(path.join(COVERAGE, 'istanbul-reports-specs')).filter((f) => f.endsWith('.json'));
  test.each(specs.map(rel(COVERAGE)))('%s: the same percentages as istanbul\'s text report', (file) => {
    const spec = JSON.parse(fs.readFileSync(path.join(COVERAGE, file), 'utf8')) as { map: Record<string, unknown>; textReportExpected: string };
    const merged = merge([parseIstanbulMap(spec.map, file)]);
    // eslint-disable-next-line no-control-regex
    const row = spec.textReportExpected.replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.startsWith('All files'));
    const [stmts, branches, funcs, lines] = row!.split('|').slice(1, 5).map((c) => c.trim());
    const cells = { statements: stmts, branches, functions: funcs, lines };
    for (const [metric, cell] of Object.entries(cells) as Array<[Metric, string]>) {
      const p = percent(totals(merged, metric));
      // Nothing measured is "n/a" for the gate; istanbul prints 0 or 100 for it depending on its version.
      if (p === null) expect(['0', '100']).toContain(cell);
      else expect(String(p)).toBe(cell);
    }
  });
});

describeShared('../shared/fixtures/junit', () => {
  const parse = (file: string) => parseTestReport(fs.readFileSync(path.join(JUNIT, file), 'utf8'), file);
  /** Test-report inputs in the folder: XML/TRX/JSON reports and go-junit-report's go test inputs. */
  const isReport = (file: string) => /\.(xml|trx|junit-xml|json|txt)$/.test(file) && !/\.results\.json$/.test(file) && !file.includes('expected-summary-md');
  const BROKEN: Record<string, RegExp> = {
    'enricomi-publish-unit-test-result/junit-xml/pytest/corrupt-xml.xml': /malformed XML: document ends inside <skipped> opened at line 9/,
    'enricomi-publish-unit-test-result/junit-xml/non-junit.xml': /not a JUnit report: the root element is <suites>/,
    'mikepenz-action-junit-report/test_results/corrupt-junit/e2e-tests/corrupt/target/sf-reports/TEST-test.CorruptTest.xml': /malformed XML: unterminated CDATA section/,
  };
  const files = walk(JUNIT).map(rel(JUNIT)).filter(isReport);

  test.each(files)('%s parses, or is rejected with a clear message', (file) => {
    if (BROKEN[file]) {
      expect(() => parse(file)).toThrow(InputError);
      expect(() => parse(file)).toThrow(BROKEN[file]);
    } else {
      expect(() => parse(file)).not.toThrow();
    }
  });

  // fixtures/junit/SOURCES.md, "Expected counts (testcase elements)".
  test.each([
    ['generated/jest-junit/junit.xml', 7, 1, 0, 1],
    ['generated/vitest/junit.xml', 7, 1, 0, 1],
    ['generated/node-test/junit.xml', 7, 1, 0, 1],
    ['real-project/actions-dependency-review-action/junit.xml', 188, 4, 0, 0],
    ['dorny-test-reporter/fixtures/jest-junit.xml', 6, 4, 0, 1],
    ['dorny-test-reporter/fixtures/external/java/pulsar-test-report.xml', 808, 1, 0, 14],
    ['enricomi-publish-unit-test-result/junit-xml/pytest/junit.fail.xml', 5, 1, 0, 1],
    ['enricomi-publish-unit-test-result/junit-xml/testsuite-root.xml', 5, 0, 0, 0],
    ['go-junit-report/testdata/001-report.xml', 5, 1, 0, 2],
    ['go-junit-report/testdata/014-report.xml', 2, 0, 2, 0],
    ['mikepenz-action-junit-report/test_results/maven_surefire_flaky/surefire-report.xml', 1, 0, 0, 0],
    ['mikepenz-action-junit-report/test_results/flaky_retries/flaky_success_first.xml', 3, 1, 1, 0],
  ])('%s: %i cases, %i failures, %i errors, %i skipped', (file, cases, failures, errors, skipped) => {
    const report = parse(file);
    const { totals: t } = foldTests([report]);
    expect(t.runs).toBe(cases);
    expect(t.failed - t.errors).toBe(failures);
    expect(t.errors).toBe(errors);
    expect(t.skipped).toBe(skipped);
  });

  test('the three runners of the same 7 tests agree, and the Surefire flaky rerun counts as a flaky pass', () => {
    for (const runner of ['jest-junit', 'vitest', 'node-test']) {
      expect(foldTests([parse(`generated/${runner}/junit.xml`)]).totals).toMatchObject({ total: 7, passed: 5, failed: 1, skipped: 1 });
    }
    expect(foldTests([parse('mikepenz-action-junit-report/test_results/maven_surefire_flaky/surefire-report.xml')]).totals).toMatchObject({ passed: 1, flaky: 1 });
  });

  // dorny/test-reporter's rendered summaries name their fixture and its passed/failed/skipped counts.
  const dorny = walk(path.join(JUNIT, 'dorny-test-reporter', 'expected-summary-md')).flatMap((md) => {
    const rows = [...fs.readFileSync(md, 'utf8').matchAll(/^\|\[(fixtures\/[^\]]+)\]\(#[^)]*\)\|(\d+)?[^|]*\|(\d+)?[^|]*\|(\d+)?[^|]*\|/gm)];
    return rows
      .map((m) => [path.join('dorny-test-reporter', m[1].replace(/\\/g, '/')), Number(m[2] ?? 0), Number(m[3] ?? 0), Number(m[4] ?? 0)] as const)
      .filter(([file]) => fs.existsSync(path.join(JUNIT, file)));
  });
  test.each(dorny)('%s: %i passed, %i failed, %i skipped as dorny/test-reporter renders it', (file, passed, failed, skipped) => {
    expect(foldTests([parse(file)]).totals).toMatchObject({ passed, failed, skipped });
  });

  // EnricoMi: `tests` in results.json count distinct tests, each with its worst result.
  const enrico = walk(path.join(JUNIT, 'enricomi-publish-unit-test-result')).filter((f) => f.endsWith('.results.json'));
  test.each(enrico.map(rel(JUNIT)))('%s: the same test statistics', (file) => {
    const stats = (JSON.parse(fs.readFileSync(path.join(JUNIT, file), 'utf8')) as { stats: Record<string, number | unknown[]> }).stats;
    const input = file.replace(/\.results\.json$/, '.xml');
    if ((stats.errors as unknown[]).length > 0) {
      expect(() => parse(input)).toThrow(InputError);
      return;
    }
    const { totals: t } = foldTests([parse(input)], 'fold');
    expect({ tests: t.total, passed: t.passed, skipped: t.skipped, failed: t.failed - t.errors, errors: t.errors }).toEqual({
      tests: stats.tests,
      passed: stats.tests_succ,
      skipped: stats.tests_skip,
      failed: stats.tests_fail,
      errors: stats.tests_error,
    });
  });

  // go-junit-report: each go test input (-v text or -json) and the JUnit it expects give the same totals.
  const goDir = path.join(JUNIT, 'go-junit-report', 'testdata');
  const pairs = walk(goDir)
    .filter((f) => f.endsWith('.txt'))
    .map((f) => [path.relative(JUNIT, f), path.relative(JUNIT, path.join(goDir, `${path.basename(f).slice(0, 3)}-report.xml`))] as const)
    .filter(([, xml]) => fs.existsSync(path.join(JUNIT, xml)));
  test.each(pairs)('%s reads like %s', (input, xml) => {
    const pick = (t: ReturnType<typeof foldTests>['totals']) => ({ total: t.total, passed: t.passed, failed: t.failed, errors: t.errors, skipped: t.skipped });
    expect(pick(foldTests([parse(input)]).totals)).toEqual(pick(foldTests([parse(xml)]).totals));
  });
});
