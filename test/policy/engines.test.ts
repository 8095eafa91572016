import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { checkPolicies } from '../../src/policy/check';
import { scanRules } from '../../src/policy/engines/inventory';
import { FIXTURES, markerPolicyWasm, tarGz, tempDir, writeFile } from './helpers';

describe('wasm engine (OPA Wasm ABI module through @open-policy-agent/opa-wasm)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    const wasm = await markerPolicyWasm();
    fs.writeFileSync(path.join(dir, 'policy.wasm'), wasm);
    fs.writeFileSync(
      path.join(dir, 'bundle.tar.gz'),
      tarGz({
        '/.manifest': JSON.stringify({ revision: 'test', roots: [''], wasm: [{ entrypoint: 'main/deny', module: '/policy.wasm' }, { entrypoint: 'main/warn', module: '/policy.wasm' }] }),
        '/policy.wasm': wasm,
        '/data.json': '{}',
      }),
    );
    writeFile(dir, 'bad.json', JSON.stringify({ notes: 'see FORBIDDEN-12 and "FORBIDDEN-7"', todo: 'TODO-3' }));
    writeFile(dir, 'fine.yaml', 'notes: all good\n');
  });

  it('auto picks the wasm engine for a bundle; built-ins the module lacks come from the builtin engine', async () => {
    const run = await runCli(['policy', 'check', '-p', 'bundle.tar.gz', '--format', 'json', 'bad.json', 'fine.yaml'], { cwd: dir, env: {} });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.engine).toBe('wasm');
    expect(report.results[0].failures.map((f: { msg: string }) => f.msg)).toEqual(['FORBIDDEN-12', 'FORBIDDEN-7']);
    expect(report.results[0].warnings.map((f: { msg: string }) => f.msg)).toEqual(['TODO-3']);
    expect(report.results[1]).toMatchObject({ filename: 'fine.yaml', successes: 2, failures: [], warnings: [] });
  });

  it('decides exactly as the builtin engine does on the Rego source the module was compiled from', async () => {
    const inputs = ['bad.json', 'fine.yaml'];
    const wasm = await checkPolicies({ policies: ['bundle.tar.gz'], inputs, cwd: dir });
    const builtin = await checkPolicies({ policies: [path.join(FIXTURES, 'marker-policy.rego')], inputs, cwd: dir });
    expect([wasm.engine, builtin.engine]).toEqual(['wasm', 'builtin']);
    expect(wasm.results).toEqual(builtin.results);
    expect(wasm.summary).toEqual(builtin.summary);
  });

  it('runs a bare policy.wasm with --engine wasm and says so in the table', async () => {
    const run = await runCli(['policy', 'check', '--engine', 'wasm', '-p', 'policy.wasm', 'bad.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toContain('(engine: wasm)');
  });

  it('refuses mixed or missing bundles with a clear error', async () => {
    const mixed = await runCli(['policy', 'check', '-p', 'bundle.tar.gz', '-p', path.join(FIXTURES, 'conftest', 'policy'), 'bad.json'], { cwd: dir, env: {} });
    expect(mixed.exitCode).toBe(2);
    expect(mixed.stderr).toContain('give one compiled bundle and no Rego sources');
    const none = await runCli(['policy', 'check', '--engine', 'wasm', '-p', path.join(FIXTURES, 'conftest', 'policy'), 'bad.json'], { cwd: dir, env: {} });
    expect(none.stderr).toContain('--engine wasm needs a compiled bundle');
    const builtin = await runCli(['policy', 'check', '--engine', 'builtin', '-p', 'bundle.tar.gz', 'bad.json'], { cwd: dir, env: {} });
    expect(builtin.stderr).toContain('runs only on the wasm engine');
  });

  it('names a bundle that is not one', async () => {
    writeFile(dir, 'fake.tar.gz', 'not gzip');
    const run = await runCli(['policy', 'check', '-p', 'fake.tar.gz', 'bad.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('fake.tar.gz');
    expect(run.stderr).toContain('not a gzip-compressed bundle');
  });
});

describe('opa engine (the opa CLI on PATH)', () => {
  /** A stand-in `opa` that records its arguments and answers the way `opa eval --format json` does. */
  function fakeOpa(answer: string, exitCode = 0): { bin: string; log: string } {
    const bin = tempDir('paved-fake-opa-');
    const log = path.join(bin, 'calls.log');
    writeFile(bin, 'answer.json', answer);
    const script = [
      '#!/bin/sh',
      `printf '%s\\n' "$*" >> "${log}"`,
      `cat > "${bin}/stdin.json"`,
      `cat "${bin}/answer.json"`,
      `exit ${exitCode}`,
    ].join('\n');
    writeFile(bin, 'opa', `${script}\n`);
    fs.chmodSync(path.join(bin, 'opa'), 0o755);
    return { bin, log };
  }

  const conftest = path.join(FIXTURES, 'conftest');

  it('evaluates each namespace with opa eval, input on stdin, and reports engine opa', async () => {
    const answer = { result: [{ expressions: [{ value: { deny: ['from opa'], warn_replicas: [], name: 'x', exception: [] }, text: 'data.main', location: { row: 1, col: 1 } }] }] };
    const opa = fakeOpa(JSON.stringify(answer));
    const report = await checkPolicies({ policies: ['policy'], data: ['data'], inputs: ['service.yaml'], engine: 'opa', cwd: conftest, env: { PATH: `${opa.bin}${path.delimiter}${process.env.PATH}` } });
    expect(report.engine).toBe('opa');
    expect(report.results[0].failures.map((f) => f.msg)).toEqual(['from opa']);
    const args = fs.readFileSync(opa.log, 'utf8').trim();
    expect(args).toMatch(/^eval --format json --stdin-input --data policy\/kubernetes.rego --data policy\/lib.rego --data policy\/services.rego --data \S+data.json data.main$/);
    expect(JSON.parse(fs.readFileSync(path.join(opa.bin, 'stdin.json'), 'utf8'))).toMatchObject({ kind: 'Service' });
    // deny (2 bodies) + violation + warn + deny_image_registry + warn_replicas = 6 bodies, one result
    expect(report.results[0].successes).toBe(5);
  });

  it('passes --v0-compatible for v0 policies', async () => {
    const opa = fakeOpa('{}');
    await checkPolicies({ policies: ['legacy.rego'], inputs: ['../conftest/service.yaml'], engine: 'opa', regoVersion: 'v0', cwd: path.join(FIXTURES, 'v0'), env: { PATH: `${opa.bin}${path.delimiter}${process.env.PATH}` } });
    expect(fs.readFileSync(opa.log, 'utf8')).toContain('--v0-compatible data.main');
  });

  it("reports opa's own errors", async () => {
    const opa = fakeOpa(JSON.stringify({ errors: [{ code: 'rego_type_error', message: 'undefined function foo', location: { file: 'policy/kubernetes.rego', row: 7 } }] }), 1);
    const run = await runCli(['policy', 'check', '--engine', 'opa', '-p', 'policy', 'service.yaml'], { cwd: conftest, env: { PATH: `${opa.bin}${path.delimiter}${process.env.PATH}` } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('opa eval failed: policy/kubernetes.rego:7: rego_type_error: undefined function foo');
  });

  it('says so when opa is not on PATH', async () => {
    const run = await runCli(['policy', 'check', '--engine', 'opa', '-p', 'policy', 'service.yaml'], { cwd: conftest, env: { PATH: tempDir() } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('no `opa` binary is on PATH');
  });

  it('inventories packages, rule bodies and METADATA annotations from v0 and v1 sources', () => {
    const rules = scanRules([
      {
        file: 'a.rego',
        text: [
          'package main',
          '',
          '# METADATA',
          '# title: No public buckets',
          '# description: Buckets must not be readable by everyone.',
          '# custom:',
          '#   severity: HIGH',
          'deny contains msg if {',
          '}',
          '',
          'deny contains msg if {',
          '}',
          'warn_x[msg] {',
          '}',
          'helper := 1',
          'exception contains r if { r := ["x"] }',
        ].join('\n'),
      },
      { file: 'b.rego', text: 'package k8s.pods\nviolation[{"msg": m}] {\n}\n' },
    ]);
    expect([...rules].map(([ns, r]) => [ns, Object.fromEntries(r)])).toEqual([
      ['main', { deny: { bodies: 2, title: 'No public buckets', description: 'Buckets must not be readable by everyone.', severity: 'high' }, warn_x: { bodies: 1 }, exception: { bodies: 1 } }],
      ['k8s.pods', { violation: { bodies: 1 } }],
    ]);
  });
});
