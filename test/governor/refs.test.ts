// `paved audit refs`: every use of shared CI code in a checkout, on the real pipelines in
// ../shared/fixtures/pipelines (facts from its SOURCES.md) and on the project's own fixtures.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { gitlabVariables, pinOf, scanRepository, type CheckoutScan, type CiReference } from '../../src/governor/refs';
import { LocalRepoFiles } from '../../src/governor/repo-files';
import { describeShared, sharedPath } from '../helpers/shared';

const FIXTURES = path.join(__dirname, 'fixtures', 'portfolio', 'repos');

async function refsJson(dir: string, ...extra: string[]): Promise<CheckoutScan> {
  const res = await runCli(['audit', 'refs', dir, '--format', 'json', ...extra]);
  expect(res.stderr).not.toMatch(/error/);
  expect(res.exitCode).toBe(0);
  return JSON.parse(res.stdout) as CheckoutScan;
}

function only(scan: CheckoutScan, file: string, filter: Partial<CiReference> = {}): CiReference[] {
  return scan.references.filter((r) => r.file === file && Object.entries(filter).every(([k, v]) => (r as unknown as Record<string, unknown>)[k] === v));
}

describe('pin kinds from the ref alone', () => {
  it.each([
    ['df4cb1c069e1874edd31b4311f1884172cec0e10', 'sha'],
    ['$CI_COMMIT_SHA', 'sha'],
    ['v2.1.0', 'tag'],
    ['3.4.0', 'tag'],
    ['26.1', 'tag'],
    ['v1', 'tag'],
    ['send-slack-message/v3.0.2', 'tag'],
    ['~latest', 'tag'],
    ['main', 'branch'],
    ['master', 'branch'],
    ['releases/v-next', 'branch'],
    [null, 'none'],
  ] as const)('%s is pinned by %s', (ref, pin) => {
    expect(pinOf(ref)).toBe(pin);
  });
});

describeShared('real pipelines (../shared/fixtures/pipelines)', () => {
  const dir = (p: string) => sharedPath('fixtures', 'pipelines', p);

  it('actions/cache calls a cross-org reusable workflow pinned to a branch', async () => {
    const scan = await refsJson(dir('github/actions__cache'));
    expect(scan.references).toEqual([
      expect.objectContaining({
        file: '.github/workflows/check-dist.yml',
        line: 20,
        platform: 'github',
        kind: 'reusable-workflow',
        target: 'actions/reusable-workflows/.github/workflows/check-dist.yml',
        ref: 'main',
        pin: 'branch',
      }),
    ]);
  });

  it('the reusable-workflows callee uses tag-pinned actions and calls no workflow', async () => {
    const scan = await refsJson(dir('github/actions__reusable-workflows'));
    expect(scan.references.map((r) => [r.kind, r.target, r.ref, r.pin])).toEqual([
      ['action', 'actions/checkout', 'v5', 'tag'],
      ['action', 'actions/setup-node', 'v6', 'tag'],
      ['action', 'actions/upload-artifact', 'v5', 'tag'],
    ]);
  });

  it('typescript-action has no shared template: a local action and tag-pinned checkout', async () => {
    const scan = await refsJson(dir('github/actions__typescript-action'));
    expect(scan.references.some((r) => r.kind === 'reusable-workflow')).toBe(false);
    expect(only(scan, '.github/workflows/ci.yml', { target: './' })).toEqual([expect.objectContaining({ kind: 'action', pin: 'local', resolved: false })]);
    expect(only(scan, '.github/workflows/ci.yml', { target: 'actions/checkout' }).every((r) => r.ref === 'v6' && r.pin === 'tag')).toBe(true);
  });

  it('codeql-action calls a same-repository workflow (present) and local composite actions (absent, reported)', async () => {
    const scan = await refsJson(dir('github/github__codeql-action'));
    const caller = only(scan, '.github/workflows/update-release-branch.yml', { kind: 'reusable-workflow' });
    expect(caller).toEqual([expect.objectContaining({ target: './.github/workflows/prepare-release.yml', pin: 'local', resolved: true, job: 'prepare' })]);
    const local = scan.references.filter((r) => r.kind === 'action' && r.pin === 'local');
    expect(local.length).toBeGreaterThanOrEqual(3);
    expect(local.every((r) => r.resolved === false)).toBe(true);
    const checkout = only(scan, '.github/workflows/prepare-release.yml', { target: 'actions/checkout' })[0];
    expect(checkout).toMatchObject({ pin: 'sha', ref: 'df4cb1c069e1874edd31b4311f1884172cec0e10', versionComment: 'v6.0.3' });
  });

  it('grafana: a local reusable workflow, and SHA pins whose comments carry monorepo tags', async () => {
    const scan = await refsJson(dir('github/grafana__shared-workflows'));
    expect(only(scan, '.github/workflows/zizmor.yml')).toEqual([
      expect.objectContaining({ kind: 'reusable-workflow', target: './.github/workflows/reusable-zizmor.yml', pin: 'local', resolved: true }),
    ]);
    const callee = only(scan, '.github/workflows/reusable-zizmor.yml');
    expect(callee.length).toBeGreaterThan(10);
    expect(callee.every((r) => r.pin === 'sha')).toBe(true);
    expect(callee.find((r) => r.target === 'grafana/shared-workflows/actions/send-slack-message')?.versionComment).toBe('send-slack-message/v3.0.2');
  });

  it('gnome-calculator: a project include with no ref and a component pinned to a branch', async () => {
    const scan = await refsJson(dir('gitlab/GNOME__gnome-calculator'));
    expect(scan.references).toEqual([
      expect.objectContaining({ kind: 'include-project', target: 'gnome/citemplates', path: 'flatpak/flatpak_ci_initiative.yml', ref: null, pin: 'none' }),
      expect.objectContaining({ kind: 'include-component', target: 'gitlab.gnome.org/GNOME/citemplates/release-service', ref: 'master', pin: 'branch' }),
    ]);
  });

  it('gitlab-runner: local includes followed, $CI_SERVER_FQDN expanded, tag-pinned project and components, !reference read', async () => {
    const scan = await refsJson(dir('gitlab/gitlabhq__gitlab-runner'));
    expect(scan.errors).toEqual([]);
    const root = only(scan, '.gitlab-ci.yml');
    expect(root.filter((r) => r.kind === 'include-local')).toHaveLength(17);
    expect(root.find((r) => r.kind === 'include-component')).toMatchObject({ target: 'gitlab.com/gitlab-org/components/danger-review/danger-review', ref: '2.1.0', pin: 'tag' });
    expect(root.find((r) => r.kind === 'include-project')).toMatchObject({
      target: 'gitlab-com/gl-security/security-operations/infrastructure-security-public/oidc-modules',
      ref: '3.4.0',
      pin: 'tag',
      path: 'templates/gcp_auth.yaml',
    });
    const test = only(scan, '.gitlab/ci/test.gitlab-ci.yml');
    expect(test.map((r) => [r.kind, r.target, r.ref, r.pin])).toEqual([
      ['include-component', 'gitlab.com/components/dependency-scanning/main', '1.1.1', 'tag'],
      ['include-component', 'gitlab.com/components/sast/sast', '3.4.0', 'tag'],
      ['include-template', 'Security/Coverage-Fuzzing.latest.gitlab-ci.yml', null, 'none'],
    ]);
    expect(scan.files.find((f) => f.file === '.gitlab/ci/test.gitlab-ci.yml')?.via).toBe('include-local from .gitlab-ci.yml');
  });

  it('GNOME citemplates: component self-test pinned to $CI_COMMIT_SHA, and a two-document spec file', async () => {
    const scan = await refsJson(dir('gitlab/GNOME__citemplates'), '--project-path', 'GNOME/citemplates', '--server-host', 'gitlab.gnome.org');
    expect(scan.errors).toEqual([]);
    const selfTest = only(scan, 'test-the-templates/test-tarball-dist.yml', { kind: 'include-component' });
    expect(selfTest).toHaveLength(3);
    expect(selfTest.every((r) => r.pin === 'sha' && r.ref === '$CI_COMMIT_SHA')).toBe(true);
    expect(selfTest.map((r) => r.target)).toContain('gitlab.gnome.org/GNOME/citemplates/release-service');
    expect(scan.files.map((f) => f.file)).toContain('templates/release-service.yml');
    expect(only(scan, '.gitlab-ci.yml').every((r) => r.kind === 'include-local')).toBe(true);
  });

  it('reads every fixture present without a crash or a YAML error', async () => {
    for (const platform of ['github', 'gitlab']) {
      for (const project of fs.readdirSync(dir(platform))) {
        const scan = await scanRepository(new LocalRepoFiles(dir(`${platform}/${project}`)), { variables: gitlabVariables({}) });
        expect(scan.errors).toEqual([]);
        expect(scan.files.length).toBeGreaterThan(0);
        for (const r of scan.references) {
          expect(['sha', 'tag', 'branch', 'none', 'local']).toContain(r.pin);
          expect(r.line).toBeGreaterThan(0);
        }
      }
    }
  });
});

describe('own fixtures', () => {
  it('a ref supplied by a YAML anchor through a merge key, and an unresolved nested local include', async () => {
    const scan = await refsJson(path.join(FIXTURES, 'events'));
    expect(only(scan, '.gitlab-ci.yml', { kind: 'include-project' })).toEqual([
      expect.objectContaining({ target: 'acme/devops-templates', ref: 'main', pin: 'branch', path: '.gitlab/ci-templates/azure-functions-python.yml', line: 6 }),
    ]);
    expect(only(scan, '.gitlab/ci/extra.yml')).toEqual([expect.objectContaining({ kind: 'include-local', target: '.gitlab/ci/missing.yml', resolved: false })]);
    expect(scan.jobs.find((j) => j.name === 'test')?.text).toContain('pytest');
  });

  it('a file list in one project include becomes one reference per file; $CI_SERVER_FQDN uses --server-host', async () => {
    const scan = await refsJson(path.join(FIXTURES, 'api'), '--server-host', 'gitlab.acme.dev');
    expect(only(scan, '.gitlab-ci.yml', { kind: 'include-project' }).map((r) => r.path)).toEqual([
      '.gitlab/ci-templates/quality-gates.yml',
      '.gitlab/ci-templates/python-aks.yml',
    ]);
    expect(only(scan, '.gitlab-ci.yml', { kind: 'include-component' })[0]).toMatchObject({ target: 'gitlab.acme.dev/acme/devops-templates/security-scanning', ref: '2.3.0' });
  });

  it('string includes, remote URLs with their ref, trigger includes and docker actions', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-refs-'));
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, '.gitlab-ci.yml'),
      [
        'include:',
        "  - 'https://gitlab.com/acme/t/-/raw/v1.2.0/ci/base.yml'",
        '  - remote: https://example.com/ci.yml',
        '    integrity: sha256-abc',
        '  - ci/local.yml',
        'child:',
        '  trigger:',
        '    include:',
        '      - project: acme/child',
        '        ref: 2.0.0',
        '        file: pipeline.yml',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, '.github', 'workflows', 'x.yml'), 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: docker://alpine:3.20\n');
    const scan = await refsJson(dir);
    expect(scan.references.map((r) => [r.kind, r.target, r.ref, r.pin])).toEqual([
      ['action', 'docker://alpine', '3.20', 'tag'],
      ['include-remote', 'https://gitlab.com/acme/t/-/raw/v1.2.0/ci/base.yml', 'v1.2.0', 'tag'],
      ['include-remote', 'https://example.com/ci.yml', null, 'sha'],
      ['include-local', 'ci/local.yml', null, 'local'],
      ['include-project', 'acme/child', '2.0.0', 'tag'],
    ]);
    expect(scan.references.find((r) => r.kind === 'include-project')?.job).toBe('child');
  });

  it("takes $CI_SERVER_FQDN and $CI_PROJECT_PATH from the checkout's origin remote", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-refs-'));
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'config'), '[core]\n\tbare = false\n[remote "origin"]\n\turl = git@gitlab.acme.dev:platform/ci-lib.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n');
    fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), 'include:\n  - component: $CI_SERVER_FQDN/$CI_PROJECT_PATH/lint@$CI_COMMIT_SHA\n');
    const scan = await refsJson(dir);
    expect(scan.references[0]).toMatchObject({ target: 'gitlab.acme.dev/platform/ci-lib/lint', pin: 'sha' });
  });

  it('reports broken YAML with its position and carries on with the other files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-refs-'));
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.github', 'workflows', 'bad.yml'), 'jobs:\n  a: [unclosed\n');
    fs.writeFileSync(path.join(dir, '.github', 'workflows', 'good.yml'), 'jobs:\n  a:\n    uses: acme/paved/.github/workflows/x.yml@v1\n');
    const res = await runCli(['audit', 'refs', dir, '--format', 'json']);
    const scan = JSON.parse(res.stdout) as CheckoutScan;
    expect(scan.errors[0]).toMatchObject({ file: '.github/workflows/bad.yml', line: expect.any(Number) });
    expect(scan.references).toHaveLength(1);
  });

  it('fails with exit 2 naming the path when the directory does not exist', async () => {
    const res = await runCli(['audit', 'refs', '/nonexistent/checkout']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('/nonexistent/checkout');
  });
});
