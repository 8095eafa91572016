// Real Terraform policy libraries (../shared/fixtures/policies) compile, their own unit tests pass,
// and documented results come out as their authors wrote them.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileModules, type RegoVersion } from '../../src/rego';
import { describeShared, sharedPath } from '../helpers/shared';

function regoFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? regoFiles(path.join(dir, e.name)) : e.name.endsWith('.rego') ? [path.join(dir, e.name)] : []));
}

function load(group: string, regoVersion: RegoVersion) {
  const files = regoFiles(sharedPath('fixtures', 'policies', group));
  return compileModules(files.map((f) => ({ file: f, text: fs.readFileSync(f, 'utf8') })), { regoVersion });
}

const readJson = (...p: string[]) => JSON.parse(fs.readFileSync(sharedPath('fixtures', 'policies', ...p), 'utf8'));

describeShared('real policy libraries', () => {
  test.each([
    ['opa-library-terraform', 'v0'],
    ['azure-policy-library-avm', 'v1'],
  ] as const)('%s compiles and its test_* rules pass', (group, version) => {
    const policy = load(group, version);
    const tests = policy.packages().flatMap((pkg) => policy.rules(pkg).filter((r) => r.name.startsWith('test_')).map((r) => `data.${pkg}.${r.name}`));
    expect(tests.length).toBeGreaterThan(3);
    const failing = tests.filter((t) => policy.evaluate(t) !== true);
    expect(failing).toEqual([]);
  });

  test('OPA docs terraform example: authz true, score 11', () => {
    const policy = load('opa-docs-terraform', 'v1');
    const input = readJson('opa-docs-terraform', 'tfplan.json');
    expect(policy.evaluate('data.terraform.analysis.authz', { input })).toBe(true);
    expect(policy.evaluate('data.terraform.analysis.score', { input })).toBe(11);
  });

  test('conftest hcl1 example denies the GKE plan', () => {
    const policy = load('conftest-examples', 'v1');
    const input = readJson('conftest-examples', 'examples', 'hcl1', 'gke-show.json');
    expect(policy.evaluate('data.main.deny', { input })).toEqual(['Terraform plan will change prohibited resources in the following namespaces: google_iam, google_container']);
  });
});
