// The policy-check action and `paved policy check` are one core: the same inputs give the same
// findings, delivered as action outputs, a SARIF file, annotations and a job summary.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CheckReport } from '../../src/policy/types';
import { FIXTURES, REPO_ROOT, tempDir } from './helpers';
import { readGithubOutput } from '../helpers/github-output';

const saved = { ...process.env };

afterAll(() => {
  process.env = saved;
});

test('same inputs as the CLI give the same findings; outputs, SARIF, annotations and summary written', async () => {
  const workspace = tempDir('paved-policy-action-');
  fs.cpSync(path.join(FIXTURES, 'library'), workspace, { recursive: true });
  fs.cpSync(path.join(REPO_ROOT, 'policies'), path.join(workspace, 'policies'), { recursive: true });

  const cli = await runCli(['policy', 'check', '-p', 'policies', '-n', 'paved.plan', '-d', 'team.yaml', '--format', 'json', 'plan-prod.json'], { cwd: workspace, env: { PATH: saved.PATH } });
  const report = JSON.parse(cli.stdout) as CheckReport;

  const outputFile = path.join(workspace, 'github-output');
  const summaryFile = path.join(workspace, 'github-summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  process.env = {
    PATH: saved.PATH,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    INPUT_POLICY: 'policies',
    // The test passes its own copy of the library, so the copy shipped with the action stays off.
    'INPUT_PLATFORM-POLICIES': 'false',
    INPUT_FILES: 'plan-prod.json',
    INPUT_DATA: 'team.yaml',
    INPUT_NAMESPACE: 'paved.plan',
    INPUT_ENGINE: 'auto',
    'INPUT_REGO-VERSION': 'v1',
    'INPUT_FAIL-ON-WARN': 'false',
    INPUT_FORMAT: 'github',
    'INPUT_SARIF-FILE': 'policy.sarif',
  };
  const written: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    jest.isolateModules(() => {
      require('../../actions/policy-check/main');
    });
    process.exitCode = undefined;
    for (let i = 0; i < 400 && (!fs.readFileSync(summaryFile, 'utf8') || process.exitCode === undefined); i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    stdout.mockRestore();
  }

  const outputs = readGithubOutput(outputFile);
  expect(outputs).toMatchObject({
    verdict: 'fail',
    failures: String(report.summary.failures),
    warnings: String(report.summary.warnings),
    engine: 'builtin',
    'sarif-file': 'policy.sarif',
  });
  const sarif = JSON.parse(fs.readFileSync(path.join(workspace, 'policy.sarif'), 'utf8'));
  expect(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId).sort()).toEqual(report.results[0].failures.map((f) => `paved/plan/${f.rule}`).sort());
  expect(fs.readFileSync(summaryFile, 'utf8')).toContain('Policy check failed: 2 failures');
  const log = written.join('');
  expect(log).toContain('::error file=plan-prod.json,line=21,title=paved.plan.deny_open_admin_port (aws_security_group.bastion)::');
  expect(process.exitCode).toBe(1);
  process.exitCode = 0;
});

test('a bad input value names the input', async () => {
  const workspace = tempDir('paved-policy-action-');
  const outputFile = path.join(workspace, 'github-output');
  fs.writeFileSync(outputFile, '');
  process.env = { PATH: saved.PATH, GITHUB_WORKSPACE: workspace, GITHUB_OUTPUT: outputFile, INPUT_POLICY: 'policies', INPUT_FILES: 'x.json', INPUT_ENGINE: 'rocket' };
  const written: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
  try {
    jest.isolateModules(() => {
      require('../../actions/policy-check/main');
    });
    process.exitCode = undefined;
    for (let i = 0; i < 200 && process.exitCode === undefined; i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    stdout.mockRestore();
  }
  expect(written.join('')).toContain('::error::policy-check: with.engine: "rocket" is not one of: auto, builtin, wasm, opa');
  expect(process.exitCode).toBe(1);
  process.exitCode = 0;
});
