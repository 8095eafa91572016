import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { checkPolicies } from '../../src/policy/check';
import type { CheckReport } from '../../src/policy/types';
import { FIXTURES, tempDir, writeFile } from './helpers';

const CONFTEST = path.join(FIXTURES, 'conftest');

function check(args: string[]) {
  return runCli(['policy', 'check', ...args], { cwd: CONFTEST, env: {} });
}

async function jsonReport(args: string[]): Promise<{ exitCode: number; report: CheckReport; stderr: string }> {
  const run = await check([...args, '--format', 'json']);
  return { exitCode: run.exitCode, report: run.stdout ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

describe('paved policy check: conftest conventions', () => {
  it('reports deny, violation and deny_* failures, warn_* warnings and exceptions per file and namespace', async () => {
    const { exitCode, report } = await jsonReport(['-p', 'policy', '-d', 'data', 'deployment.yaml']);
    expect(exitCode).toBe(1);
    expect(report.engine).toBe('builtin');
    const [result] = report.results;
    expect(result).toMatchObject({ filename: 'deployment.yaml', namespace: 'main', successes: 6 });
    expect(result.failures.map((f) => f.msg).sort()).toEqual([
      'Container hello in Deployment hello-kubernetes is privileged',
      'Containers must not run as root in Deployment hello-kubernetes',
      'Deployment hello-kubernetes must provide app label for pod selectors',
      'image docker.io/paulbouwer/hello-kubernetes:1.5 does not come from registry.acme.dev/',
    ]);
    const violation = result.failures.find((f) => f.rule === 'violation');
    expect(violation?.metadata).toEqual({ severity: 'high', query: 'data.main.violation' });
    expect(violation?.loc).toEqual({ file: 'deployment.yaml', line: 21 });
    expect(result.warnings.map((w) => [w.msg, w.document])).toEqual([['Deployment platform-agent runs a single replica', 1]]);
    expect(result.exceptions.map((e) => e.msg)).toEqual(['data.main.exception[_][_] == "image_registry"']);
    // One decision per rule over both documents: the worst of fail (document 0) and exception (document 1).
    expect(Object.fromEntries(result.decisions.map((d) => [d.rule, d.decision]))).toEqual({ deny: 'fail', violation: 'fail', warn: 'pass', deny_image_registry: 'fail', warn_replicas: 'warn' });
  });

  it('passes clean inputs with exit 0 and counts every rule body as a success', async () => {
    const { exitCode, report } = await jsonReport(['-p', 'policy', '-d', 'data', 'good.json']);
    expect(exitCode).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(report.results[0]).toMatchObject({ successes: 6, failures: [], warnings: [], exceptions: [] });
  });

  it('warnings alone pass unless --fail-on-warn', async () => {
    expect((await check(['-p', 'policy', '-d', 'data', 'service.yaml'])).exitCode).toBe(0);
    const strict = await check(['-p', 'policy', '-d', 'data', 'service.yaml', '--fail-on-warn']);
    expect(strict.exitCode).toBe(1);
    expect(strict.stdout).toContain('WARN');
  });

  it('selects namespaces by name, glob or all', async () => {
    const services = await jsonReport(['-p', 'policy', '-d', 'data', '-n', 'services', 'service.yaml']);
    expect(services.report.results.map((r) => [r.namespace, r.failures.length])).toEqual([['services', 1]]);
    const all = await jsonReport(['-p', 'policy', '-d', 'data', '--all-namespaces', 'service.yaml']);
    expect(all.report.results.map((r) => r.namespace)).toEqual(['kubernetes', 'main', 'services']);
    const glob = await jsonReport(['-p', 'policy', '-d', 'data', '-n', 'serv*', '-n', 'main', 'service.yaml']);
    expect(glob.report.summary.namespaces).toEqual(['main', 'services']);
  });

  it('says which packages exist when the namespace matches none', async () => {
    const run = await check(['-p', 'policy', '-n', 'nope', 'service.yaml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no policy package matches --namespace nope');
    expect(run.stderr).toContain('the policies define: kubernetes, main, services');
  });

  it('reads stdin for -', async () => {
    const report = await checkPolicies({ policies: ['policy'], data: ['data'], inputs: ['-'], cwd: CONFTEST, readStdin: () => fs.readFileSync(path.join(CONFTEST, 'service.yaml'), 'utf8') });
    expect(report.results[0]).toMatchObject({ filename: '-', warnings: [{ msg: 'Service hello-kubernetes uses a NodePort' }] });
  });

  it('gives policies data.conftest.file', async () => {
    const dir = tempDir();
    writeFile(dir, 'p.rego', 'package main\n\ndeny contains sprintf("%s in %s", [data.conftest.file.name, data.conftest.file.dir]) if input.bad\n');
    writeFile(dir, 'in.json', '{"bad": true}');
    const report = await checkPolicies({ policies: ['p.rego'], inputs: ['in.json'], cwd: dir });
    expect(report.results[0].failures[0].msg).toBe(`in.json in ${dir}`);
  });

  it('runs v0 policies with --rego-version v0 and explains the error without it', async () => {
    const v0 = path.join(FIXTURES, 'v0');
    const ok = await runCli(['policy', 'check', '-p', 'legacy.rego', '--rego-version', 'v0', '--format', 'json', '../conftest/deployment.yaml'], { cwd: v0, env: {} });
    expect(JSON.parse(ok.stdout).results[0].failures.map((f: { msg: string }) => f.msg)).toEqual(['Containers must not run as root in hello-kubernetes']);
    const bad = await runCli(['policy', 'check', '-p', 'legacy.rego', '../conftest/deployment.yaml'], { cwd: v0, env: {} });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('legacy.rego');
    expect(bad.stderr).toContain('--rego-version v0');
  });

  it('names the input file that is malformed and writes no report file', async () => {
    const dir = tempDir();
    writeFile(dir, 'broken.json', '{"kind": "Service",,}');
    const run = await runCli(['policy', 'check', '-p', path.join(CONFTEST, 'policy'), '--sarif-file', 'out.sarif', 'broken.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/broken\.json: not valid JSON: .* at line 1, column \d+/);
    expect(fs.existsSync(path.join(dir, 'out.sarif'))).toBe(false);
  });

  it('rejects boolean deny rules the way conftest does', async () => {
    const dir = tempDir();
    writeFile(dir, 'p.rego', 'package main\n\ndeny if input.bad\n');
    writeFile(dir, 'in.json', '{"bad": true}');
    const run = await runCli(['policy', 'check', '-p', 'p.rego', 'in.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('data.main.deny is a boolean');
  });

  it('reports evaluation errors (a conflict) naming the rule and the policy line, exit 2', async () => {
    const dir = tempDir();
    writeFile(dir, 'p.rego', 'package main\n\ndeny := "a" if input.x\n\ndeny := "b" if input.x\n');
    writeFile(dir, 'in.json', '{"x": true}');
    const run = await runCli(['policy', 'check', '-p', 'p.rego', 'in.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('p.rego:');
    expect(run.stderr).toContain('eval_conflict_error');
    expect(run.stderr).toContain('evaluating data.main.deny failed');
  });

  it('writes SARIF and JUnit report files alongside the printed format', async () => {
    const dir = tempDir();
    const run = await runCli(['policy', 'check', '-p', path.join(CONFTEST, 'policy'), '-d', path.join(CONFTEST, 'data'), '--sarif-file', 'r/policy.sarif', '--junit-file', 'r/policy.xml', path.join(CONFTEST, 'deployment.yaml')], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(1);
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'r/policy.sarif'), 'utf8'));
    expect(sarif.runs[0].results).toHaveLength(6);
    expect(fs.readFileSync(path.join(dir, 'r/policy.xml'), 'utf8')).toContain('<testcase name="main.deny_image_registry"');
  });

  it('prints every documented format', async () => {
    for (const format of ['table', 'json', 'junit', 'gitlab', 'codequality', 'sarif', 'github', 'markdown', 'text']) {
      const run = await check(['-p', 'policy', '-d', 'data', '--format', format, 'service.yaml']);
      expect({ format, exitCode: run.exitCode }).toEqual({ format, exitCode: 0 });
      expect(run.stdout.length).toBeGreaterThan(0);
    }
    const bad = await check(['-p', 'policy', '--format', 'tap', 'service.yaml']);
    expect(bad.exitCode).toBe(2);
  });
});

describe('paved policy test', () => {
  it('runs test_ rules like opa test: PASS/FAIL with file:line, skipped todo tests, summary, exit 1', async () => {
    const run = await runCli(['policy', 'test', '--rego-version', 'v0', 'v0'], { cwd: FIXTURES, env: {} });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain(`${path.join('v0', 'legacy_test.rego')}:3: data.main.test_root_denied: PASS`);
    expect(run.stdout).toContain(`${path.join('v0', 'legacy_test.rego')}:11: data.main.test_this_one_fails: FAIL`);
    expect(run.stdout).toMatch(/PASS: 2\/4\nFAIL: 1\/4\nSKIPPED: 1\/4/);
  });

  it('loads mock data files beside the tests into data, as opa test DIR does (Scalr-style *_mock.json)', async () => {
    const run = await runCli(['policy', 'test', '--rego-version', 'v0', '-v', 'mocked'], { cwd: FIXTURES, env: {} });
    expect(run.stdout).toContain('data.terraform.test_public_bucket_denied: PASS');
    expect(run.stdout).toContain('PASS: 2/2');
    expect(run.exitCode).toBe(0);
  });

  it('filters tests with --run and reports JUnit', async () => {
    const run = await runCli(['policy', 'test', '--rego-version', 'v0', '--run', 'root', '--format', 'junit', 'v0'], { cwd: FIXTURES, env: {} });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toContain('name="data.main.test_root_denied"');
    expect(run.stdout).not.toContain('test_this_one_fails');
  });

  it('rejects a bad --run expression', async () => {
    const run = await runCli(['policy', 'test', '--run', '(', 'v0'], { cwd: FIXTURES, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--run');
  });
});
