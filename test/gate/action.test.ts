// The quality-gate action and `paved quality-gate` are one core with one set of settings: the same
// inputs give the same verdict and figures, delivered as action outputs and a job summary.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { gateCommands } from '../../src/gate/cli';
import type { QualityGateData } from '../../src/gate/gate';
import { readGithubOutput } from '../helpers/github-output';

jest.mock('../../src/cli/commands', () => ({ commands: [] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = require('../../src/cli/main') as typeof import('../../src/cli/main');

const FIXTURES = path.join(__dirname, 'fixtures');
const saved = { ...process.env };
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gate-action-'));
  fs.cpSync(path.join(FIXTURES, 'sample'), dir, { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'coverage'), path.join(dir, 'reports'), { recursive: true });
  fs.copyFileSync(path.join(FIXTURES, 'junit', 'pytest.xml'), path.join(dir, 'reports', 'pytest.xml'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
});

afterAll(() => {
  process.env = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

test('same inputs, same verdict and figures as the CLI; outputs and job summary written', async () => {
  const cli = await runCli(['quality-gate', '--format', 'json', '--evidence-dir', '', '--junit', 'reports/pytest.xml', '--coverage', 'reports/calc.lcov', '--coverage', 'reports/calc-go.coverage.out', '--min-coverage', '70'], {
    cwd: dir,
    env: { PATH: process.env.PATH },
    commands: gateCommands,
  });
  const data = JSON.parse(cli.stdout) as QualityGateData;

  const outputFile = path.join(dir, 'github-output');
  const summaryFile = path.join(dir, 'github-summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  // A clean environment: no pull request (so no diff coverage or comment), no cache service.
  process.env = {
    PATH: saved.PATH,
    GITHUB_WORKSPACE: dir,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    INPUT_JUNIT: 'reports/pytest.xml',
    INPUT_COVERAGE: 'reports/calc.lcov\nreports/calc-go.coverage.out',
    'INPUT_MIN-COVERAGE': '70',
    'INPUT_EVIDENCE-DIR': 'none',
    INPUT_METRIC: 'lines',
    'INPUT_RECORD-BASELINE': 'auto',
    INPUT_RETRIES: 'separate',
  };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    jest.isolateModules(() => {
      require('../../actions/quality-gate/main');
    });
    // runAction finishes asynchronously: the summary, then the failed status, are its last acts.
    process.exitCode = undefined;
    for (let i = 0; i < 400 && (!fs.readFileSync(summaryFile, 'utf8') || process.exitCode === undefined); i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    stdout.mockRestore();
  }

  const outputs = readGithubOutput(outputFile);
  expect(outputs).toMatchObject({
    verdict: data.verdict,
    'tests-total': String(data.tests!.total),
    'tests-failed': String(data.tests!.failed),
    coverage: data.coverage!.lines!.percent!.toFixed(2),
    'coverage-lines': data.coverage!.lines!.percent!.toFixed(2),
  });
  expect(outputs.verdict).toBe('fail');
  expect(fs.existsSync(path.join(dir, '.paved'))).toBe(false);
  expect(fs.readFileSync(summaryFile, 'utf8')).toContain('## ❌ Quality gate failed');
  expect(process.exitCode).toBe(1);
  process.exitCode = 0;
});
