// The project's own fixtures: one run of test/gate/fixtures/sample measured in every coverage
// format, and small test reports in every dialect the gate reads, including the broken ones.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { fileMetric, MergedCoverage, mergeFile, newFile, totals } from '../../src/gate/coverage';
import { parseCoverageReport } from '../../src/gate/coverage-formats';
import { foldTests, parseTestReport } from '../../src/gate/tests';
import { parseXml, XmlSyntaxError } from '../../src/gate/xml';
import { coberturaXml, partFileName } from '../../src/gate/writers';

const FIXTURES = path.join(__dirname, 'fixtures');
const read = (...parts: string[]) => fs.readFileSync(path.join(FIXTURES, ...parts), 'utf8');

function coverageOf(file: string): MergedCoverage {
  const report = parseCoverageReport(read('coverage', file), file);
  const merged: MergedCoverage = { files: new Map(), extra: report.reportCounters ?? {} };
  for (const f of report.files) {
    const into = merged.files.get(f.path) ?? newFile(f.path);
    mergeFile(into, f);
    merged.files.set(f.path, into);
  }
  return merged;
}

function testsOf(file: string, mode: 'separate' | 'fold' = 'separate') {
  return foldTests([parseTestReport(read('junit', file), file)], mode);
}

describe('coverage formats: one run of the sample, every format agrees', () => {
  // src/calc.js: lines 2 (0 hits), 6, 7, 9, 12 → 4/5; branches on 6 (2/2) and 9 (1/2) → 3/4.
  const jsReports = ['calc.lcov', 'calc.cobertura.xml', 'calc.jacoco.xml', 'calc.clover.xml', 'calc.coverage-final.json', 'calc.coverage-summary.json', 'calc.sonar.xml'];

  test.each(jsReports)('%s: lines 4/5 and branches 3/4', (file) => {
    const merged = coverageOf(file);
    expect(totals(merged, 'lines')).toEqual({ covered: 4, total: 5 });
    expect(totals(merged, 'branches')).toEqual({ covered: 3, total: 4 });
  });

  test.each(['calc.lcov', 'calc.cobertura.xml', 'calc.jacoco.xml', 'calc.clover.xml', 'calc.coverage-final.json', 'calc.coverage-summary.json'])('%s: functions 1/2', (file) => {
    expect(totals(coverageOf(file), 'functions')).toEqual({ covered: 1, total: 2 });
  });

  test.each(['calc.lcov', 'calc.cobertura.xml', 'calc.jacoco.xml', 'calc.coverage-final.json', 'calc.sonar.xml', 'calc.clover.xml'])('%s: line detail names the uncovered line', (file) => {
    const [only] = coverageOf(file).files.values();
    expect(only.lines?.get(2)).toBe(0);
    expect(only.lines?.get(6)).toBeGreaterThan(0);
    expect([...(only.lines?.keys() ?? [])].sort((a, b) => a - b)).toEqual([2, 6, 7, 9, 12]);
  });

  test('the Cobertura reader keeps the report source roots for path resolution', () => {
    const report = parseCoverageReport(read('coverage', 'calc.cobertura.xml'), 'calc.cobertura.xml');
    expect(report.sourceRoots).toEqual(['/builds/group/sample']);
    expect(report.files[0].path).toBe('src/calc.js');
  });

  test('Go coverprofile: every line of a block counts, overlapping blocks keep the best count, statements from the blocks', () => {
    const merged = coverageOf('calc-go.coverage.out');
    expect(totals(merged, 'lines')).toEqual({ covered: 5, total: 8 });
    expect(totals(merged, 'statements')).toEqual({ covered: 3, total: 4 });
    const [go] = merged.files.values();
    expect(go.path).toBe('example.com/sample/src/calc.go');
    expect(go.lines?.get(8)).toBe(3);
  });

  test('merging two reports of the same file adds hits and never double-counts lines', () => {
    const merged: MergedCoverage = { files: new Map(), extra: {} };
    for (const file of ['calc.lcov', 'calc.jacoco.xml']) {
      const report = parseCoverageReport(read('coverage', file), file);
      for (const f of report.files) {
        const into = merged.files.get('src/calc.js') ?? newFile('src/calc.js');
        mergeFile(into, f);
        merged.files.set('src/calc.js', into);
      }
    }
    const file = merged.files.get('src/calc.js')!;
    expect(fileMetric(file, 'lines')).toEqual({ covered: 4, total: 5 });
    expect(file.lines?.get(6)).toBe(6);
  });

  test.each([
    ['empty', '', /coverage report is empty/],
    ['text', 'hello world\n', /not a coverage report/],
    ['truncated lcov', 'SF:src/a.js\nDA:1,1\n', /no end_of_record/],
    ['lcov DA without hits', 'SF:src/a.js\nDA:12\nend_of_record\n', /line 2: DA record without a hit count/],
    ['truncated XML', '<coverage line-rate="1"><packages><package>', /malformed XML: document ends inside <package>/],
    ['unknown XML', '<results/>', /unknown coverage XML: root element <results>/],
    ['bad JSON', '{"a": ', /malformed JSON/],
    ['empty coverage map', '{}', /coverage map is empty/],
    ['unknown JSON', '{"foo": {"bar": 1}}', /unknown JSON coverage format/],
    ['bad Go block', 'mode: set\nnot a block\n', /line 2 is not a coverprofile block/],
  ])('%s input fails with a message naming the file', (_name, text, message) => {
    let caught: unknown;
    try {
      parseCoverageReport(text, 'reports/x');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).message).toMatch(message);
    expect((caught as InputError).context.file).toBe('reports/x');
  });
});

describe('Cobertura writer', () => {
  test('splits at whole files under the size limit, and the parts read back to the same coverage', () => {
    const merged: MergedCoverage = { files: new Map(), extra: {} };
    for (const [file, path] of [['calc.lcov', 'src/calc.js'], ['calc-go.coverage.out', 'src/calc.go']]) {
      const [f] = parseCoverageReport(read('coverage', file), file).files;
      merged.files.set(path, { ...f, path });
    }
    const whole = coberturaXml(merged, '/repo', 1);
    expect(whole).toHaveLength(1);
    const parts = coberturaXml(merged, '/repo', 1, 1800);
    expect(parts).toHaveLength(2);
    const back = parts.map((xml, i) => parseCoverageReport(xml, partFileName('paved/cobertura.xml', i)));
    expect(back.map((r) => r.files.map((f) => f.path))).toEqual([['src/calc.go'], ['src/calc.js']]);
    expect(back.every((r) => r.reportCounters === undefined)).toBe(true);
    const reread: MergedCoverage = { files: new Map(), extra: {} };
    for (const f of back.flatMap((r) => r.files)) reread.files.set(f.path, f);
    expect(totals(reread, 'lines')).toEqual(totals(merged, 'lines'));
    expect(totals(reread, 'branches')).toEqual(totals(merged, 'branches'));
    expect([0, 1, 2].map((i) => partFileName('paved/cobertura.xml', i))).toEqual(['paved/cobertura.xml', 'paved/cobertura.2.xml', 'paved/cobertura.3.xml']);
  });
});

describe('test report dialects', () => {
  test('jest-junit: totals, file attribute and failure text', () => {
    const { totals: t, tests } = testsOf('jest.xml');
    expect(t).toMatchObject({ total: 4, passed: 2, failed: 1, errors: 0, skipped: 1, runs: 4 });
    const failed = tests.find((x) => x.status === 'failed')!;
    expect(failed.file).toBe('test/calc.test.js');
    expect(failed.details).toContain('calc.test.js:14:27');
  });

  test('pytest: file and line attributes, errors counted apart from failures, entities decoded', () => {
    const { totals: t, tests } = testsOf('pytest.xml');
    expect(t).toMatchObject({ total: 3, passed: 1, failed: 2, errors: 1, skipped: 0 });
    const failed = tests.find((x) => x.status === 'failed')!;
    expect(failed).toMatchObject({ name: 'test_sign[<0]', file: 'tests/test_calc.py', line: 7, message: 'AssertionError: assert 1 == -1' });
    expect(tests.find((x) => x.status === 'error')?.message).toBe('failed on setup with "ConnectionRefusedError"');
  });

  test('Surefire: flakyFailure passes as flaky, rerunFailure stays a failure', () => {
    const { totals: t, tests } = testsOf('surefire-flaky.xml');
    expect(t).toMatchObject({ total: 3, passed: 2, failed: 1, flaky: 1 });
    expect(tests.find((x) => x.name === 'talksToServer')).toMatchObject({ status: 'passed', flaky: true, attempts: 2, message: 'connection reset' });
    expect(tests.find((x) => x.name === 'divides')?.details).toContain('CalcTest.java:42');
  });

  test('repeated cases count separately by default and fold into flaky retries on request', () => {
    const separate = testsOf('retries.xml');
    expect(separate.totals).toMatchObject({ total: 4, passed: 1, failed: 3, flaky: 0, runs: 4 });
    expect(separate.repeated).toBe(1);
    const folded = testsOf('retries.xml', 'fold');
    expect(folded.totals).toMatchObject({ total: 2, passed: 1, failed: 1, flaky: 1, runs: 4 });
    const upload = folded.tests.find((x) => x.name === 'uploads a file')!;
    expect(upload).toMatchObject({ status: 'passed', flaky: true, attempts: 2, message: 'timeout' });
  });

  test('a suite that lists no cases contributes the counts its attributes claim', () => {
    const report = parseTestReport(read('junit', 'suite-counts.xml'), 'suite-counts.xml');
    expect(report.warnings[0]).toMatch(/claims 6 tests but lists no <testcase>/);
    expect(foldTests([report]).totals).toMatchObject({ total: 6, passed: 3, failed: 1, skipped: 2 });
  });

  test('go test -json: tests, and a package that fails without a failing test becomes an error', () => {
    const { totals: t, tests } = testsOf('go-test.json');
    expect(t).toMatchObject({ total: 3, passed: 1, failed: 2, errors: 1 });
    expect(tests.find((x) => x.name === 'TestSign')?.details).toContain('calc_test.go:12');
    expect(tests.find((x) => x.name === 'Failure')).toMatchObject({ suite: 'example.com/sample/broken', status: 'error', details: 'panic: init failed' });
  });

  test('go test -v text: subtests, benchmarks and build failures', () => {
    const { totals: t, tests } = testsOf('go-test.txt');
    expect(t).toMatchObject({ total: 6, passed: 2, failed: 3, errors: 1, skipped: 1 });
    expect(tests.map((x) => x.name)).toEqual(['TestAdd', 'TestSign', 'TestSign/negative', 'TestSign/zero', 'BenchmarkAdd', '[build failed]']);
    expect(tests.find((x) => x.name === 'TestSign/negative')?.details).toContain('want -1, got 1');
    expect(tests.find((x) => x.name === '[build failed]')?.details).toContain('syntax error');
  });

  test('TRX and NUnit 3', () => {
    const trx = testsOf('results.trx');
    expect(trx.totals).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(trx.tests.find((x) => x.status === 'failed')).toMatchObject({ classname: 'Sample.CalcTests', message: 'Assert.Equal() Failure: expected -1, actual 1', seconds: 1.5 });
    const nunit = testsOf('nunit3.xml');
    expect(nunit.totals).toMatchObject({ total: 3, passed: 1, failed: 1, errors: 1, skipped: 1 });
  });

  test.each([
    ['malformed.xml', /malformed XML: document ends inside <failure> opened at line 6/],
    ['empty.xml', /test report is empty/],
    ['not-junit.xml', /not a JUnit report: the root element is <suites>/],
  ])('%s is rejected with a clear message, not read as zero tests', (file, message) => {
    expect(() => parseTestReport(read('junit', file), file)).toThrow(message);
  });
});

describe('XML reader', () => {
  test('decodes entities and CDATA, skips DOCTYPE and comments, never expands custom entities', () => {
    const root = parseXml('<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY boom "BOOM">]>\n<!-- c --><r a="&lt;&#65;&#x42;&amp;&boom;&constructor; & x;"><![CDATA[<raw>]]>t&gt;</r>');
    expect(root.attrs.a).toBe('<AB&&boom;&constructor; & x;');
    expect(root.text).toBe('<raw>t>');
  });

  test.each([
    ['<a><b></a>', /expected <\/b> \(opened at line 1\) but found <\/a>/],
    ['<a><![CDATA[x</a>', /unterminated CDATA section/],
    ['<a/><b/>', /a second root element <b>/],
    ['', /no root element/],
    ['<a>\n<b>\n', /document ends inside <b> opened at line 2 \(line 3\)/],
  ])('%j is malformed', (text, message) => {
    expect(() => parseXml(text)).toThrow(XmlSyntaxError);
    expect(() => parseXml(text)).toThrow(message);
  });
});
