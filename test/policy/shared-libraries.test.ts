// The real Terraform policy libraries in ../shared/fixtures/policies: their own unit tests pass under
// `paved policy test`, and their documented decisions come out of `paved policy check`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { compilePolicies } from '../../src/policy/engines/builtin';
import { collectFiles, loadPolicySources } from '../../src/policy/documents';
import { describeShared, hasShared, sharedPath } from '../helpers/shared';
import { tempDir, writeFile } from './helpers';

const LIBRARIES = hasShared ? sharedPath('fixtures', 'policies') : '';

function regoFiles(dir: string): string[] {
  return collectFiles([dir], (f) => f.endsWith('.rego'), 'library').map((f) => f.abs);
}

/** v1 unless the sources use v0-only forms (rule bodies without `if`, `import future.keywords`). */
function regoVersionOf(dir: string): 'v0' | 'v1' {
  const texts = regoFiles(dir).map((f) => fs.readFileSync(f, 'utf8'));
  if (texts.some((t) => /^import rego\.v1/m.test(t))) return 'v1';
  const v0Head = /^[A-Za-z_][\w.]*(\[[^\]]*\])?\s*(=[^=\n]*)?\{\s*$/m;
  return texts.some((t) => v0Head.test(t) || /^import future\.keywords/m.test(t)) ? 'v0' : 'v1';
}

/** Group folders whose modules define test_ rules. */
function librariesWithTests(): string[] {
  if (!hasShared) return [];
  return fs
    .readdirSync(LIBRARIES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join(LIBRARIES, e.name))
    .filter((dir) => regoFiles(dir).some((f) => /^test_\w+/m.test(fs.readFileSync(f, 'utf8'))));
}

describeShared('real policy libraries: their own tests pass under paved policy test', () => {
  it('finds libraries with tests', () => {
    expect(librariesWithTests().length).toBeGreaterThan(0);
  });

  for (const dir of librariesWithTests()) {
    const version = regoVersionOf(dir);
    it(`${path.basename(dir)} (--rego-version ${version})`, async () => {
      const run = await runCli(['policy', 'test', '--rego-version', version, '--format', 'json', dir], { cwd: LIBRARIES, env: {} });
      expect(run.stderr).toBe('');
      const report = JSON.parse(run.stdout);
      const notPassing = report.results.filter((t: { status: string }) => t.status !== 'pass' && t.status !== 'skip').map((t: { name: string; status: string; error?: string }) => `${t.name}: ${t.status} ${t.error ?? ''}`);
      expect(notPassing).toEqual([]);
      expect(report.summary.pass).toBeGreaterThan(0);
      expect(run.exitCode).toBe(0);
    });
  }
});

describeShared('real policy libraries: documented decisions', () => {
  it('conftest hcl1 example: the GKE plan changes prohibited resource namespaces', async () => {
    const dir = sharedPath('fixtures', 'policies', 'conftest-examples', 'examples', 'hcl1');
    const run = await runCli(['policy', 'check', '-p', 'policy', '--format', 'json', 'gke-show.json'], { cwd: dir, env: {} });
    expect(run.exitCode).toBe(1);
    expect(JSON.parse(run.stdout).results[0].failures.map((f: { msg: string }) => f.msg)).toEqual([
      'Terraform plan will change prohibited resources in the following namespaces: google_iam, google_container',
    ]);
  });

  it('OPA docs terraform.rego: authz is true and the score is 11 for tfplan.json', () => {
    const dir = sharedPath('fixtures', 'policies', 'opa-docs-terraform');
    const policy = compilePolicies(loadPolicySources(['terraform.rego'], dir), 'v1');
    const input = JSON.parse(fs.readFileSync(path.join(dir, 'tfplan.json'), 'utf8'));
    expect(policy.evaluate('data.terraform.analysis.authz', { input })).toBe(true);
    expect(policy.evaluate('data.terraform.analysis.score', { input })).toBe(11);
  });

  it('Azure AVM policies: every invalid* mock fails, every other mock passes (conftest --all-namespaces)', async () => {
    const root = sharedPath('fixtures', 'policies', 'azure-policy-library-avm', 'policy');
    const mocks = collectFiles([root], (f) => f.endsWith('.mock.json'), 'mocks').map((f) => f.abs);
    expect(mocks.length).toBeGreaterThan(0);
    const outcomes: string[] = [];
    const expected: string[] = [];
    for (const mock of mocks) {
      const policyFile = mock.replace(/\.mock\.json$/, '.rego');
      const cases = JSON.parse(fs.readFileSync(mock, 'utf8')).mock as Record<string, unknown>;
      const work = tempDir();
      for (const [name, input] of Object.entries(cases)) {
        const inputFile = writeFile(work, `${name}.json`, JSON.stringify(input));
        const run = await runCli(['policy', 'check', '--all-namespaces', '-p', policyFile, '-p', path.join(root, 'common', 'common.utils.rego'), inputFile], { cwd: work, env: {} });
        outcomes.push(`${path.basename(mock)}#${name}: exit ${run.exitCode}${run.stderr ? ` ${run.stderr}` : ''}`);
        expected.push(`${path.basename(mock)}#${name}: exit ${name.startsWith('invalid') ? 1 : 0}`);
      }
    }
    expect(outcomes).toEqual(expected);
  });
});
