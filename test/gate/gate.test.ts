// `paved quality-gate` end to end on git repositories built in temp dirs: checks as gates, test
// and coverage reports, the thresholds (total, diff against the base branch, ratchet), the files it
// writes, and every way the input can be wrong.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { secrets } from '../../src/platform/redact';
import { gateCommands } from '../../src/gate/cli';
import { parseCoverageReport } from '../../src/gate/coverage-formats';
import { parseTestReport, foldTests } from '../../src/gate/tests';
import { changedLines, parseUnifiedDiff } from '../../src/gate/diff';
import type { QualityGateData } from '../../src/gate/gate';

// Only the gate's commands are loaded: the other domains' modules play no part in these tests.
jest.mock('../../src/cli/commands', () => ({ commands: [] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = require('../../src/cli/main') as typeof import('../../src/cli/main');

const FIXTURES = path.join(__dirname, 'fixtures');
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'quality-evidence.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const validateEvidence = ajv.compile(schema);

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=gate@test', '-c', 'user.name=gate', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

/** A repository holding the sample project, committed on `main`. */
function sampleRepo(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gate-'));
  dirs.push(dir);
  fs.cpSync(path.join(FIXTURES, 'sample'), dir, { recursive: true });
  fs.mkdirSync(path.join(dir, 'reports'));
  for (const f of fs.readdirSync(path.join(FIXTURES, 'coverage'))) fs.copyFileSync(path.join(FIXTURES, 'coverage', f), path.join(dir, 'reports', f));
  for (const f of fs.readdirSync(path.join(FIXTURES, 'junit'))) fs.copyFileSync(path.join(FIXTURES, 'junit', f), path.join(dir, 'reports', f));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'sample');
  return dir;
}

const env = { PATH: process.env.PATH };
const node = (code: string) => `${JSON.stringify(process.execPath)} -e ${JSON.stringify(code)}`;
const gate = (cwd: string, ...args: string[]) => runCli(['quality-gate', '--evidence-dir', '', ...args], { cwd, env, commands: gateCommands });
const json = async (cwd: string, ...args: string[]) => {
  const r = await gate(cwd, '--format', 'json', ...args);
  return { ...r, data: JSON.parse(r.stdout || 'null') as QualityGateData };
};

describe('checks as named gates', () => {
  test('each check runs from an argument array with its own status, duration and log section; a failing one fails the gate', async () => {
    const repo = sampleRepo();
    const r = await json(repo, '--run', `ok=${node("console.log('all good; $HOME is not expanded')")}`, '--run', `bad=${node("console.error('boom'); process.exit(3)")}`, '--run', 'missing=paved-no-such-tool --version');
    expect(r.exitCode).toBe(1);
    expect(r.data.gates.map((g) => [g.name, g.status, g.exitCode])).toEqual([
      ['ok', 'passed', 0],
      ['bad', 'failed', 3],
      ['missing', 'failed', null],
    ]);
    expect(r.data.gates[2].problem).toMatch(/command not found: paved-no-such-tool/);
    for (const g of r.data.gates) expect(typeof g.durationMs).toBe('number');
    expect(r.stderr).toContain('all good; $HOME is not expanded');
    expect(r.stderr).toMatch(/▶ bad: /);
    expect(r.data.conditions.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(['check:bad', 'check:missing']);
  });

  test('a check that outlives --check-timeout is stopped and fails its gate', async () => {
    const repo = sampleRepo();
    const r = await json(repo, '--check-timeout', '0.5', '--run', `slow=${node('setTimeout(() => {}, 30000)')}`);
    expect(r.exitCode).toBe(1);
    expect(r.data.gates[0]).toMatchObject({ name: 'slow', status: 'failed', problem: 'stopped after 1 s (check timeout)' });
  });

  test('without checks or reports, the checks come from the repository (package.json scripts)', async () => {
    const repo = sampleRepo();
    fs.writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'sample', scripts: { test: 'node -e "process.exit(0)"' } }));
    const r = await json(repo);
    expect(r.stderr).toContain('checks detected from the repository: test');
    expect(r.data.gates).toEqual([expect.objectContaining({ name: 'test', command: 'npm run test', status: 'passed' })]);
    expect(r.exitCode).toBe(0);
  });

  test('the output of a failed check ends up in the summary, with registered secrets masked', async () => {
    const repo = sampleRepo();
    secrets.add('hunter2-token-value');
    const r = await gate(repo, '--format', 'markdown', '--run', `leak=${node("console.log('token=hunter2-token-value'); process.exit(1)")}`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('Output of failed check `leak`');
    expect(r.stdout).toContain('token=***');
    expect(r.stdout + r.stderr).not.toContain('hunter2-token-value');
  });
});

describe('tests and coverage', () => {
  test('--format json: verdict, test totals, line and branch coverage', async () => {
    const repo = sampleRepo();
    const r = await json(repo, '--junit', 'reports/pytest.xml', '--coverage', 'reports/calc.lcov', '--min-coverage', '80');
    expect(r.data.verdict).toBe('fail');
    expect(r.data.tests).toMatchObject({ total: 3, passed: 1, failed: 2, skipped: 0 });
    expect(r.data.coverage?.lines).toEqual({ covered: 4, total: 5, percent: 80 });
    expect(r.data.coverage?.branches).toEqual({ covered: 3, total: 4, percent: 75 });
    expect(r.data.conditions.map((c) => [c.id, c.status])).toEqual([
      ['tests', 'fail'],
      ['coverage', 'pass'],
    ]);
    expect(validateEvidence(r.data)).toBe(true);
  });

  test('the metric is stated and switchable: branches at 75% fail an 80% threshold that lines pass', async () => {
    const repo = sampleRepo();
    const lines = await json(repo, '--coverage', 'reports/calc.cobertura.xml');
    expect(lines.exitCode).toBe(0);
    expect(lines.data.conditions[0]).toMatchObject({ label: 'coverage (lines)', status: 'pass', actual: '80.00% (4/5)' });
    const branches = await json(repo, '--coverage', 'reports/calc.cobertura.xml', '--metric', 'branches');
    expect(branches.exitCode).toBe(1);
    expect(branches.data.conditions[0]).toMatchObject({ label: 'coverage (branches)', status: 'fail', message: 'branches coverage 75.00% is below 80%' });
  });

  test('several reports merge per repository file: foreign absolute paths, Cobertura sources, Windows paths and Go import paths all resolve', async () => {
    const repo = sampleRepo();
    const r = await json(repo, '--coverage', 'reports/calc.{lcov,cobertura.xml,clover.xml}', '--coverage', 'reports/calc-go.coverage.out', '--min-coverage', '0');
    expect(r.data.coverage?.reports.map((x) => [x.file, x.unmatched])).toEqual([
      ['reports/calc.clover.xml', []],
      ['reports/calc.cobertura.xml', []],
      ['reports/calc.lcov', []],
      ['reports/calc-go.coverage.out', []],
    ]);
    // calc.js 4/5 (the same lines in three reports count once) + calc.go 5/8.
    expect(r.data.coverage?.lines).toEqual({ covered: 9, total: 13, percent: 69.23 });
  });

  test('--coverage-exclude leaves files out of every figure, diff coverage included', async () => {
    const repo = sampleRepo();
    const r = await json(repo, '--coverage', 'reports/calc.lcov', '--coverage', 'reports/calc-go.coverage.out', '--coverage-exclude', '**/*.go', '--min-coverage', '0');
    expect(r.data.coverage?.lines).toEqual({ covered: 4, total: 5, percent: 80 });
    expect(r.data.warnings).toContain('1 file record(s) left out of the coverage by the exclude patterns (**/*.go)');
  });

  test('text output carries the line GitLab\'s coverage regex reads, and failing tests name file and line', async () => {
    const repo = sampleRepo();
    const r = await gate(repo, '--junit', 'reports/jest.xml', '--coverage', 'reports/calc.lcov');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/Coverage: \d+\.\d+%/);
    expect(/Coverage: \d+\.\d+%/.exec(r.stdout)?.[0]).toBe('Coverage: 80.00%');
    expect(r.stdout).toContain('failed: calc sign is zero at zero (test/calc.test.js:14)');
  });

  test('markdown: verdict first, then the numbers that decided it', async () => {
    const repo = sampleRepo();
    const r = await gate(repo, '--format', 'markdown', '--junit', 'reports/jest.xml', '--coverage', 'reports/calc.lcov', '--min-coverage', '90');
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('## ❌ Quality gate failed');
    expect(r.stdout.indexOf('**tests**: 1 of 4 tests failed')).toBeLessThan(r.stdout.indexOf('| Condition |'));
    expect(r.stdout).toContain('| coverage (lines) | ❌ fail | 80.00% (4/5) | ≥ 90% |');
    expect(r.stdout).toContain('Slowest tests');
  });

  test('retried tests: separate by default (with a hint), folded into a flaky pass with --retries fold', async () => {
    const repo = sampleRepo();
    const separate = await json(repo, '--junit', 'reports/retries.xml');
    expect(separate.data.tests).toMatchObject({ total: 4, failed: 3 });
    expect(separate.data.warnings.join('\n')).toMatch(/set --retries to fold/);
    const folded = await json(repo, '--junit', 'reports/retries.xml', '--retries', 'fold');
    expect(folded.data.tests).toMatchObject({ total: 2, passed: 1, failed: 1, flaky: 1 });
    expect(folded.data.tests?.flakyTests).toEqual([expect.objectContaining({ name: 'uploads a file', attempts: 2 })]);
  });
});

describe('diff coverage against the base branch', () => {
  function featureBranch(): string {
    const repo = sampleRepo();
    git(repo, 'checkout', '-q', '-b', 'feature');
    const source = fs.readFileSync(path.join(repo, 'src', 'calc.js'), 'utf8').split('\n');
    // Lines 13-17 are new: a comment and braces (not instrumented), one line that runs, one that never runs.
    source.splice(12, 0, '// clamps n into [lo, hi]', 'function clamp(n, lo, hi) {', '  if (n < lo) return lo;', '  return n > hi ? hi : n;', '}');
    fs.writeFileSync(path.join(repo, 'src', 'calc.js'), source.join('\n'));
    git(repo, 'commit', '-q', '-am', 'clamp');
    // A report of the new code: lines 2, 6, 7, 9, 12 as before, then 15 (ran) and 16 (never ran).
    fs.writeFileSync(path.join(repo, 'reports', 'new.lcov'), ['SF:src/calc.js', 'DA:2,0', 'DA:6,3', 'DA:7,1', 'DA:9,2', 'DA:12,1', 'DA:15,2', 'DA:16,0', 'end_of_record', ''].join('\n'));
    return repo;
  }

  test('changed lines come from git diff against the merge base; covered, uncovered and not instrumented are told apart', async () => {
    const repo = featureBranch();
    expect(await changedLines(repo, 'main')).toEqual(new Map([['src/calc.js', [13, 14, 15, 16, 17]]]));
    const r = await json(repo, '--coverage', 'reports/new.lcov', '--min-coverage', '0', '--base', 'main', '--min-diff-coverage', '60');
    expect(r.data.coverage?.diff).toMatchObject({ base: 'main', covered: 1, total: 2, percent: 50, changedLines: 5, notInstrumented: 3 });
    expect(r.data.coverage?.diff?.files).toEqual([{ path: 'src/calc.js', covered: 1, total: 2, uncoveredLines: [16] }]);
    expect(r.data.conditions.find((c) => c.id === 'diff-coverage')).toMatchObject({ status: 'fail', message: 'changed lines coverage 50.00% is below 60% (1 uncovered)' });
    expect(r.exitCode).toBe(1);
  });

  test('uncommitted edits count too, and a change touching no instrumented line passes', async () => {
    const repo = featureBranch();
    fs.appendFileSync(path.join(repo, 'README.md'), 'more words\n');
    expect((await changedLines(repo, 'main')).get('README.md')).toEqual([3]);
    git(repo, 'checkout', '-q', '-b', 'docs-only', 'main');
    fs.appendFileSync(path.join(repo, 'README.md'), 'docs\n');
    const r = await json(repo, '--coverage', 'reports/calc.lcov', '--base', 'main');
    expect(r.data.conditions.find((c) => c.id === 'diff-coverage')).toMatchObject({ status: 'pass', actual: 'no coverable lines changed' });
  });

  test('without a base (not a pull/merge request) the diff threshold is skipped and says why', async () => {
    const repo = featureBranch();
    const r = await json(repo, '--coverage', 'reports/new.lcov', '--min-coverage', '0', '--min-diff-coverage', '90');
    expect(r.exitCode).toBe(0);
    expect(r.data.conditions.find((c) => c.id === 'diff-coverage')).toMatchObject({ status: 'skip', actual: 'no base' });
  });

  test('the base defaults to the pull request target from the CI environment; an unknown base is a clear error', async () => {
    const repo = featureBranch();
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'main');
    const r = await runCli(['quality-gate', '--evidence-dir', '', '--format', 'json', '--coverage', 'reports/new.lcov', '--min-coverage', '0'], { cwd: repo, env: { ...env, GITHUB_BASE_REF: 'main' }, commands: gateCommands });
    expect((JSON.parse(r.stdout) as QualityGateData).coverage?.diff).toMatchObject({ base: 'origin/main', covered: 1, total: 2 });
    const bad = await gate(repo, '--coverage', 'reports/new.lcov', '--base', 'origin/nope');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--base: cannot find the merge base of origin\/nope and HEAD/);
    expect(bad.stderr).toMatch(/fetch-depth: 0/);
  });

  test('unified diff parsing: new files, renames, deletions and quoted paths', () => {
    const diff = [
      'diff --git a/a.ts b/a.ts',
      '--- a/a.ts',
      '+++ b/a.ts',
      '@@ -3,0 +4,2 @@',
      '+x',
      '+y',
      '@@ -10 +12 @@',
      '-old',
      '+new',
      '@@ -20,3 +22,0 @@',
      'diff --git a/gone.ts b/gone.ts',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '+++ "b/caf\\303\\251 file.ts"',
      '@@ -0,0 +1 @@',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual(new Map([
      ['a.ts', [4, 5, 12]],
      ['café file.ts', [1]],
    ]));
  });
});

describe('ratchet', () => {
  test('the default branch records a baseline; a later drop below it fails; other metrics are not compared', async () => {
    const repo = sampleRepo();
    const record = await json(repo, '--coverage', 'reports/calc.lcov', '--baseline', '.paved/baseline.json', '--record-baseline', 'always');
    expect(record.data.coverage?.baseline).toEqual({ file: '.paved/baseline.json', recorded: true });
    const baseline = JSON.parse(fs.readFileSync(path.join(repo, '.paved', 'baseline.json'), 'utf8'));
    expect(baseline).toMatchObject({ schema: 'paved/coverage-baseline/v1', metric: 'lines', percent: 80, covered: 4, total: 5, sources: ['lcov'] });

    fs.writeFileSync(path.join(repo, 'reports', 'worse.lcov'), 'SF:src/calc.js\nDA:2,0\nDA:6,3\nDA:7,0\nDA:9,2\nDA:12,1\nend_of_record\n');
    const drop = await json(repo, '--coverage', 'reports/worse.lcov', '--min-coverage', '50', '--baseline', '.paved/baseline.json');
    expect(drop.exitCode).toBe(1);
    expect(drop.data.conditions.find((c) => c.id === 'ratchet')).toMatchObject({ status: 'fail', message: 'lines coverage dropped from 80.00% to 60.00%' });
    expect(drop.data.coverage?.baseline).toEqual({ file: '.paved/baseline.json', previous: 80, recorded: false });

    const tolerated = await json(repo, '--coverage', 'reports/worse.lcov', '--min-coverage', '50', '--baseline', '.paved/baseline.json', '--max-coverage-drop', '25');
    expect(tolerated.exitCode).toBe(0);

    const otherMetric = await json(repo, '--coverage', 'reports/calc.lcov', '--metric', 'branches', '--min-coverage', '50', '--baseline', '.paved/baseline.json');
    expect(otherMetric.data.conditions.find((c) => c.id === 'ratchet')).toMatchObject({ status: 'skip' });
  });

  test('on CI, only the default branch records (GitLab variables), and a tool change is not compared', async () => {
    const repo = sampleRepo();
    const args = ['quality-gate', '--evidence-dir', '', '--format', 'json', '--coverage', 'reports/calc.lcov', '--baseline', 'baseline.json'];
    const mr = await runCli(args, { cwd: repo, env: { ...env, GITLAB_CI: 'true', CI_DEFAULT_BRANCH: 'main', CI_COMMIT_BRANCH: 'feature' }, commands: gateCommands });
    expect(fs.existsSync(path.join(repo, 'baseline.json'))).toBe(false);
    expect(mr.exitCode).toBe(0);
    await runCli(args, { cwd: repo, env: { ...env, GITLAB_CI: 'true', CI_DEFAULT_BRANCH: 'main', CI_COMMIT_BRANCH: 'main' }, commands: gateCommands });
    expect(fs.existsSync(path.join(repo, 'baseline.json'))).toBe(true);
    const other = await json(repo, '--coverage', 'reports/calc.jacoco.xml', '--baseline', 'baseline.json');
    expect(other.data.conditions.find((c) => c.id === 'ratchet')?.message).toMatch(/measured by lcov, this run by jacoco\/jacoco/);
  });

  test('a hand-written baseline without sources is compared; a file that is not a baseline is an error', async () => {
    const repo = sampleRepo();
    fs.writeFileSync(path.join(repo, 'b.json'), JSON.stringify({ schema: 'paved/coverage-baseline/v1', metric: 'lines', percent: 85 }));
    const r = await json(repo, '--coverage', 'reports/calc.lcov', '--baseline', 'b.json', '--min-coverage', '0');
    expect(r.data.conditions.find((c) => c.id === 'ratchet')).toMatchObject({ status: 'fail', message: 'lines coverage dropped from 85.00% to 80.00%' });
    fs.writeFileSync(path.join(repo, 'b.json'), '{"percent": "high"}');
    const bad = await gate(repo, '--coverage', 'reports/calc.lcov', '--baseline', 'b.json');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/b\.json: not a coverage baseline/);
  });
});

describe('files written', () => {
  test('evidence record (schema-valid), Cobertura of the merged coverage and JUnit of tests plus conditions', async () => {
    const repo = sampleRepo();
    const r = await runCli(
      ['quality-gate', '--format', 'json', '--junit', 'reports/surefire-flaky.xml', '--coverage', 'reports/calc.jacoco.xml', '--coverage', 'reports/calc-go.coverage.out', '--min-coverage', '0', '--evidence-dir', 'evidence', '--cobertura-out', 'out/cobertura.xml', '--junit-out', 'out/junit.xml'],
      { cwd: repo, env, commands: gateCommands },
    );
    const data = JSON.parse(r.stdout) as QualityGateData;
    expect(data.files.evidence).toMatch(/^evidence\/quality-gate-\d{8}T\d{6}Z-[0-9a-f]{12}\.json$/);
    const evidence = JSON.parse(fs.readFileSync(path.join(repo, data.files.evidence!), 'utf8'));
    expect(validateEvidence(evidence)).toBe(true);
    expect(evidence).toMatchObject({ verdict: data.verdict, commit: git(repo, 'rev-parse', 'HEAD').trim(), branch: 'main' });

    const cobertura = parseCoverageReport(fs.readFileSync(path.join(repo, 'out/cobertura.xml'), 'utf8'), 'cobertura.xml');
    expect(cobertura.files.map((f) => f.path).sort()).toEqual(['src/calc.go', 'src/calc.js']);
    const lines = cobertura.files.reduce((n, f) => n + (f.lines?.size ?? 0), 0);
    expect(lines).toBe(data.coverage!.lines!.total);

    const junit = foldTests([parseTestReport(fs.readFileSync(path.join(repo, 'out/junit.xml'), 'utf8'), 'junit.xml')]);
    // 3 tests (the flaky one passes, `divides` fails) + the conditions `tests` (failed) and `coverage` (passed).
    expect(junit.totals).toMatchObject({ total: 5, passed: 3, failed: 2, flaky: 0 });
    expect(junit.tests.find((t) => t.name === 'talksToServer')).toMatchObject({ status: 'passed', details: undefined });
  });
});

describe('bad input: a clear message, exit 2, nothing written', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['malformed XML', ['--junit', 'reports/malformed.xml'], /reports\/malformed\.xml: malformed XML: document ends inside <failure> opened at line 6/],
    ['an empty report', ['--coverage', 'reports/empty.xml'], /reports\/empty\.xml: coverage report is empty/],
    ['a non-JUnit XML', ['--junit', 'reports/not-junit.xml'], /not a JUnit report: the root element is <suites>/],
    ['a glob that matches nothing', ['--junit', 'reports/**/TEST-*.xml'], /--junit: no file matches reports\/\*\*\/TEST-\*\.xml/],
    ['a missing file', ['--coverage', 'reports/nope.lcov'], /reports\/nope\.lcov: report not found/],
    ['a bad NAME=COMMAND', ['--run', 'npm test'], /--run: expected NAME=COMMAND, got "npm test"/],
    ['an unterminated quote', ['--run', 'x=echo "hi'], /--run: unterminated " quote/],
    ['a percentage over 100', ['--coverage', 'reports/calc.lcov', '--min-coverage', '120'], /--min-coverage: must be a percentage from 0 to 100, got 120/],
    ['an unknown metric', ['--coverage', 'reports/calc.lcov', '--metric', 'mutations'], /--metric: "mutations" is not one of/],
  ];
  test.each(cases)('%s', async (_name, args, message) => {
    const repo = sampleRepo();
    const r = await runCli(['quality-gate', '--evidence-dir', 'evidence', '--cobertura-out', 'out/c.xml', ...args], { cwd: repo, env, commands: gateCommands });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(fs.existsSync(path.join(repo, 'evidence'))).toBe(false);
    expect(fs.existsSync(path.join(repo, 'out'))).toBe(false);
  });

  test('a coverage report whose paths match no file in the repository', async () => {
    const repo = sampleRepo();
    fs.writeFileSync(path.join(repo, 'reports', 'elsewhere.lcov'), 'SF:/other/project/lib/thing.js\nDA:1,1\nend_of_record\n');
    const r = await gate(repo, '--coverage', 'reports/elsewhere.lcov');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/reports\/elsewhere\.lcov: none of the 1 files in this coverage report exists under .* \(for example \/other\/project\/lib\/thing\.js\)/);
  });

  test('thresholds without a coverage report are shown as skipped, with a warning', async () => {
    const repo = sampleRepo();
    const r = await json(repo, '--junit', 'reports/pytest.xml', '--min-coverage', '80', '--baseline', 'b.json', '--retries', 'fold');
    expect(r.data.conditions.find((c) => c.id === 'coverage')).toMatchObject({ status: 'skip', actual: 'no report' });
    expect(r.data.warnings).toContain('coverage thresholds were given but no coverage report (--coverage), so coverage was not checked');
    expect(r.data.coverage).toBeNull();
  });

  test('reports that parse but hold nothing fail the gate instead of passing it', async () => {
    const repo = sampleRepo();
    fs.writeFileSync(path.join(repo, 'reports', 'none.xml'), '<testsuites><testsuite name="a" tests="0"/></testsuites>');
    fs.writeFileSync(path.join(repo, 'reports', 'jacoco-empty.xml'), '<report name="empty"/>');
    const r = await json(repo, '--junit', 'reports/none.xml', '--coverage', 'reports/jacoco-empty.xml');
    expect(r.exitCode).toBe(1);
    expect(r.data.conditions.map((c) => [c.id, c.status, c.actual])).toEqual([
      ['tests', 'fail', 'no tests'],
      ['coverage', 'fail', 'no data'],
    ]);
  });
});
