// The portfolio audit: drift classes, non-negotiable checks, compliance status, reports and the
// registry write-back, from local checkouts and through the GitHub/GitLab API emulator.

import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { GitHubClient } from '../../src/forge/github';
import { GitLabClient } from '../../src/forge/gitlab';
import { auditRegistry, type AuditReport, type ProjectAudit } from '../../src/governor/audit';
import { loadRegistry, parseRegistry } from '../../src/governor/registry';
import type { CiReference } from '../../src/governor/refs';
import { buildReleaseIndex, classifyReference } from '../../src/governor/versions';
import { ForgeEmulator } from '../helpers/forge-emulator';
import { describeShared, sharedPath } from '../helpers/shared';

const PORTFOLIO = path.join(__dirname, 'fixtures', 'portfolio');
const NOW = new Date('2026-03-02T12:00:00Z');

function copyPortfolio(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-audit-'));
  fs.cpSync(PORTFOLIO, dir, { recursive: true });
  return dir;
}

const check = (p: ProjectAudit, id: string) => p.checks.find((c) => c.id === id)!;

describe('drift classification', () => {
  const index = buildReleaseIndex([
    { tag: 'v1.4.0', sha: 'a'.repeat(40) },
    { tag: 'v2.2.0', sha: 'b'.repeat(40) },
    { tag: 'v2.3.0', sha: 'c'.repeat(40) },
    { tag: 'v3.0.0-rc.1', sha: 'd'.repeat(40) },
  ]);
  const ref = (r: string | null, pin: CiReference['pin'], extra: Partial<CiReference> = {}): CiReference => ({
    file: 'ci.yml',
    platform: 'github',
    kind: 'reusable-workflow',
    target: 'acme/paved/.github/workflows/x.yml',
    ref: r,
    pin,
    raw: '',
    ...extra,
  });

  it.each([
    ['v2.3.0', 'tag', 'current'],
    ['v2', 'tag', 'current'],
    ['v2.2.0', 'tag', 'behind-minor'],
    ['v2.2', 'tag', 'behind-minor'],
    ['v1.4.0', 'tag', 'behind-major'],
    ['v1', 'tag', 'behind-major'],
    ['v9.9.9', 'tag', 'unknown-ref'],
    ['main', 'branch', 'unpinned-branch'],
    [null, 'none', 'unpinned-branch'],
    ['c'.repeat(40), 'sha', 'current'],
    ['a'.repeat(40), 'sha', 'behind-major'],
    ['e'.repeat(40), 'sha', 'unknown-ref'],
  ] as const)('%s (%s) is %s', (r, pin, expected) => {
    expect(classifyReference(ref(r, pin), index).status).toBe(expected);
  });

  it('ignores prereleases for "latest" and notes a version comment that disagrees with the SHA', () => {
    expect(index.latest?.tag).toBe('v2.3.0');
    const v = classifyReference(ref('b'.repeat(40), 'sha', { versionComment: 'v2.3.0' }), index);
    expect(v).toMatchObject({ status: 'behind-minor', resolved: 'v2.2.0' });
    expect(v.detail).toContain('the comment says v2.3.0');
  });

  it('credits a SHA by its version comment when the releases carry no SHAs', () => {
    const noShas = buildReleaseIndex([{ tag: 'v1.0.0' }, { tag: 'v1.1.0' }]);
    expect(classifyReference(ref('f'.repeat(40), 'sha', { versionComment: 'v1.0.0' }), noShas)).toMatchObject({ status: 'behind-minor', resolved: 'v1.0.0' });
  });
});

describe('audit from local checkouts', () => {
  let report: AuditReport;
  const project = (slug: string) => report.projects.find((p) => p.slug === slug)!;

  beforeAll(async () => {
    report = await auditRegistry({ registry: loadRegistry(path.join(PORTFOLIO, 'registry.yaml')), now: NOW, auditors: {} });
  });

  it('decides one status per project', () => {
    expect(Object.fromEntries(report.projects.map((p) => [p.slug, p.status]))).toEqual({
      'web-app': 'compliant',
      api: 'non_compliant',
      events: 'non_compliant',
      analytics: 'non_compliant',
      reports: 'drifting',
    });
    expect(report.summary).toEqual({ projects: 5, compliant: 1, drifting: 1, non_compliant: 3, unknown: 0 });
  });

  it('resolves tags, major aliases and SHAs to releases', () => {
    const web = project('web-app');
    expect(web.references.map((r) => [r.template, r.ref, r.release, r.drift])).toEqual([
      ['.github/workflows/quality-gate.yml', 'v2', 'v2', 'current'],
      ['actions/security-scan', 'b2300000000000000000000000000000000000a0', 'v2.3.0', 'current'],
      ['.github/workflows/deploy-fly.yml', 'v2.3.0', 'v2.3.0', 'current'],
      ['.github/workflows/deploy-fly.yml', 'v2.3.0', 'v2.3.0', 'current'],
      ['actions/deploy-fly', 'v2.3.0', 'v2.3.0', 'current'],
    ]);
    expect(check(web, 'rollback')).toMatchObject({ status: 'pass' });
    expect(check(web, 'health-checks').detail).toContain('prod');
    expect(check(web, 'metrics').detail).toContain('86.4%');
  });

  it('classifies each drift: behind major, branch through an anchor, missing, behind minor', () => {
    expect(project('api').references.filter((r) => r.kind === 'include-project').every((r) => r.drift === 'behind-major')).toBe(true);
    expect(project('api').references.find((r) => r.kind === 'include-component')).toMatchObject({ drift: 'current', target: 'gitlab.acme.dev/acme/devops-templates/security-scanning' });
    expect(project('events').references[0]).toMatchObject({ drift: 'unpinned-branch', ref: 'main' });
    expect(project('analytics').references).toEqual([expect.objectContaining({ drift: 'missing', template: 'databricks-jobs.yml' })]);
    expect(check(project('analytics'), 'template-present').status).toBe('fail');
    expect(check(project('reports'), 'template-current')).toMatchObject({ status: 'warn', file: '.github/workflows/ci.yml', line: 9 });
  });

  it('checks the non-negotiables from CI content, registry and evidence', () => {
    expect(check(project('api'), 'security-scanning').status).toBe('pass');
    expect(check(project('events'), 'security-scanning').status).toBe('fail');
    expect(check(project('events'), 'quality-gates')).toMatchObject({ status: 'warn', detail: expect.stringContaining('missing type-check') });
    expect(check(project('analytics'), 'environment-separation')).toMatchObject({ status: 'warn', detail: 'databricks has no staging environment' });
    expect(check(project('api'), 'rollback').status).toBe('fail');
    expect(check(project('api'), 'manifest').status).toBe('warn');
    expect(project('events').errors).toEqual([expect.stringContaining('.gitlab/ci/missing.yml is not in the repository')]);
  });

  it('lists which projects use each template version', () => {
    expect(report.templateVersions).toContainEqual({ template: '.github/workflows/deploy-fly.yml', version: 'v2.2.0', drift: 'behind-minor', projects: ['reports'] });
    expect(report.templateVersions).toContainEqual({ template: '.github/workflows/deploy-fly.yml', version: 'v2.3.0', drift: 'current', projects: ['web-app'] });
  });

  it("runs the security-scan step's workflow checks by default, leaving the platform's own pins to the drift check", async () => {
    const reg = loadRegistry(path.join(PORTFOLIO, 'registry.yaml'));
    const r = await auditRegistry({ registry: reg, now: NOW }, reg.projects.filter((p) => ['api', 'reports'].includes(p.slug)));
    expect(check(r.projects[0], 'workflow-security')).toMatchObject({ status: 'fail', file: '.gitlab-ci.yml', line: 11, detail: expect.stringContaining('gl-unprotected-deploy') });
    expect(check(r.projects[1], 'workflow-security').status).toBe('pass');
  });

  it('fails on high findings of the workflow checks it is given', async () => {
    const auditors = {
      github: (text: string, file: string) => (text.includes('secrets: inherit') ? [{ rule: 'secrets-inherit', severity: 'high', message: 'passes every secret', file, line: 3 }] : []),
    };
    const text = fs.readFileSync(path.join(PORTFOLIO, 'registry.yaml'), 'utf8');
    const reg = parseRegistry(text, path.join(PORTFOLIO, 'registry.yaml'));
    const one = await auditRegistry({ registry: reg, now: NOW, auditors }, reg.projects.filter((p) => p.slug === 'web-app'));
    expect(check(one.projects[0], 'workflow-security')).toMatchObject({ status: 'pass' });
    const withInherit = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-inherit-'));
    fs.cpSync(path.join(PORTFOLIO, 'repos', 'web-app'), withInherit, { recursive: true });
    fs.appendFileSync(path.join(withInherit, '.github', 'workflows', 'ci.yml'), '    secrets: inherit\n');
    const reg2 = parseRegistry(text.replace('checkout: repos/web-app', `checkout: ${withInherit}`), path.join(PORTFOLIO, 'registry.yaml'));
    const two = await auditRegistry({ registry: reg2, now: NOW, auditors }, reg2.projects.filter((p) => p.slug === 'web-app'));
    expect(check(two.projects[0], 'workflow-security')).toMatchObject({ status: 'fail', file: '.github/workflows/ci.yml', line: 3 });
    expect(two.projects[0].status).toBe('non_compliant');
  });

  it('validates the project manifest with located problems and compares it with the registry', async () => {
    const text = fs.readFileSync(path.join(PORTFOLIO, 'registry.yaml'), 'utf8');
    const audit = async (manifest: string) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-manifest-'));
      fs.cpSync(path.join(PORTFOLIO, 'repos', 'web-app'), dir, { recursive: true });
      fs.writeFileSync(path.join(dir, '.paved', 'manifest.yaml'), manifest);
      const reg = parseRegistry(text.replace('checkout: repos/web-app', `checkout: ${dir}`), path.join(PORTFOLIO, 'registry.yaml'));
      return (await auditRegistry({ registry: reg, now: NOW, auditors: {} }, reg.projects.filter((p) => p.slug === 'web-app'))).projects[0];
    };
    const invalid = await audit('slug: web-app\ndeployment_targets:\n  - type: ec2\n    environments: [prod]\n');
    expect(check(invalid, 'manifest')).toMatchObject({ status: 'fail', file: '.paved/manifest.yaml', line: 3, detail: expect.stringContaining('deployment_targets[0].type: must be one of') });
    const mismatch = await audit('slug: web-app\ndeployment_targets:\n  - type: fly\n    environments: [dev, qa, prod]\n');
    expect(check(mismatch, 'manifest')).toMatchObject({ status: 'warn', detail: 'fly: environments qa are in the manifest but not in the registry' });
    expect(mismatch.status).toBe('drifting');
  });

  it('honours an exemption until it expires', async () => {
    const text = fs.readFileSync(path.join(PORTFOLIO, 'registry.yaml'), 'utf8').replace(
      '    ci_template: "databricks-jobs.yml"\n',
      '    ci_template: "databricks-jobs.yml"\n    exemptions:\n      - { check: environment-separation, reason: "no staging workspace yet", expires: "2026-06-30" }\n      - { check: manifest, reason: "old", expires: "2026-01-01" }\n',
    );
    const reg = parseRegistry(text, path.join(PORTFOLIO, 'registry.yaml'));
    const r = await auditRegistry({ registry: reg, now: NOW, auditors: {} }, reg.projects.filter((p) => p.slug === 'analytics'));
    expect(check(r.projects[0], 'environment-separation')).toMatchObject({ status: 'exempt', detail: expect.stringContaining('exempt until 2026-06-30') });
    expect(check(r.projects[0], 'manifest')).toMatchObject({ status: 'warn', evidence: [expect.stringContaining('exemption expired')] });
  });
});

describe('evidence written by the other steps', () => {
  it("the fixtures follow the quality gate's and the deploy step's schemas, so the reader is tested on their real shape", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const dir = path.join(PORTFOLIO, 'repos', 'web-app', '.paved', 'evidence');
    const schema = (name: string) => ajv.compile(JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', `${name}.schema.json`), 'utf8')));
    const quality = schema('quality-evidence');
    const deploy = schema('deploy-record');
    const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    expect(quality(read('quality-2026-02-27.json')) ? [] : quality.errors).toEqual([]);
    for (const f of ['deploy-prod-2026-02-27.json', 'rollback-drill-2026-02-10.json']) expect(deploy(read(f)) ? [] : deploy.errors).toEqual([]);
  });
});

describe('paved audit run', () => {
  it('writes the JSON report, the Markdown summary, SARIF per project and the registry, and exits 1 on non-compliance', async () => {
    const dir = copyPortfolio();
    const res = await runCli(['audit', 'run', '--registry', 'registry.yaml', '--out-dir', 'out', '--write-registry', '--now', '2026-03-02'], { cwd: dir, env: {} });
    expect(res.exitCode).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'audit.json'), 'utf8')) as AuditReport;
    expect(report.summary.compliant).toBe(1);
    expect(fs.readFileSync(path.join(dir, 'out', 'audit.md'), 'utf8')).toContain('| reports | 🟡 drifting |');
    expect(fs.readdirSync(path.join(dir, 'out', 'sarif')).sort()).toEqual(['analytics.sarif', 'api.sarif', 'events.sarif', 'reports.sarif', 'web-app.sarif']);
    const registry = fs.readFileSync(path.join(dir, 'registry.yaml'), 'utf8');
    expect(registry).toContain('# Platform registry for the governor');
    expect(registry).toContain('  - slug: "api"\n    repo: "gitlab.acme.dev/acme/apps/api"');
    expect(registry).toMatch(/slug: "api"[\s\S]*?last_audit: "2026-03-02"\n {4}compliance_status: non_compliant/);
    expect(registry).toMatch(/slug: "reports"[\s\S]*?ci_template: "deploy-fly.yml"\n {4}last_audit: "2026-03-02"\n {4}compliance_status: drifting/);
  });

  it('--fail-on never exits 0; --format sarif prints one run per project; --project narrows', async () => {
    const res = await runCli(['audit', 'run', '--registry', path.join(PORTFOLIO, 'registry.yaml'), '--fail-on', 'never', '--format', 'sarif', '--project', 'api,events'], { env: {} });
    expect(res.exitCode).toBe(0);
    const sarif = JSON.parse(res.stdout);
    expect(sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id)).toEqual(['paved-audit/api/', 'paved-audit/events/']);
    const apiResults = sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId);
    expect(apiResults).toContain('paved/drift/behind-major');
  });

  it('exits 2 naming an unknown project, and writes nothing when an output cannot be written', async () => {
    const bad = await runCli(['audit', 'run', '--registry', path.join(PORTFOLIO, 'registry.yaml'), '--project', 'nope'], { env: {} });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('no project "nope" in the registry');
    const dir = copyPortfolio();
    fs.mkdirSync(path.join(dir, 'out'));
    fs.writeFileSync(path.join(dir, 'out', 'sarif'), 'a file where the sarif folder should go');
    const before = fs.readFileSync(path.join(dir, 'registry.yaml'), 'utf8');
    const blocked = await runCli(['audit', 'run', '--registry', 'registry.yaml', '--out-dir', 'out', '--write-registry'], { cwd: dir, env: {} });
    expect(blocked.exitCode).toBe(2);
    expect(blocked.stderr).toContain('cannot write output');
    expect(fs.readFileSync(path.join(dir, 'registry.yaml'), 'utf8')).toBe(before);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['sarif']);
  });

  it('reports a project whose checkout is missing as unknown, without stopping the others', async () => {
    const text = fs.readFileSync(path.join(PORTFOLIO, 'registry.yaml'), 'utf8').replace('checkout: repos/api', 'checkout: repos/gone');
    const reg = parseRegistry(text, path.join(PORTFOLIO, 'registry.yaml'));
    const r = await auditRegistry({ registry: reg, now: NOW, auditors: {} });
    expect(r.projects.find((p) => p.slug === 'api')).toMatchObject({ status: 'unknown', summary: expect.stringContaining('repos/gone') });
    expect(r.projects.find((p) => p.slug === 'web-app')?.status).toBe('compliant');
  });
});

describeShared('SARIF output', () => {
  it('each project log validates against the SARIF 2.1.0 schema', async () => {
    const dir = copyPortfolio();
    await runCli(['audit', 'run', '--registry', 'registry.yaml', '--out-dir', 'out'], { cwd: dir, env: {} });
    const schemaFile = fs.readdirSync(sharedPath('schemas-external', 'sarif')).find((f) => f.endsWith('.json'))!;
    const schema = JSON.parse(fs.readFileSync(sharedPath('schemas-external', 'sarif', schemaFile), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    for (const f of fs.readdirSync(path.join(dir, 'out', 'sarif'))) {
      const log = JSON.parse(fs.readFileSync(path.join(dir, 'out', 'sarif', f), 'utf8'));
      expect(validate(log) ? [] : validate.errors).toEqual([]);
    }
  });
});

describe('audit through the forge APIs', () => {
  let forge: ForgeEmulator;
  beforeAll(async () => {
    forge = await new ForgeEmulator().start();
    forge.github['acme/paved'] = {
      tags: [
        { name: 'v2.2.0', sha: 'b'.repeat(40) },
        { name: 'v2.3.0', sha: 'c'.repeat(40) },
      ],
    };
    forge.github['acme/web'] = {
      defaultBranch: 'trunk',
      files: {
        '.github/workflows/ci.yml': `on: push\njobs:\n  ship:\n    uses: acme/paved/.github/workflows/deploy-fly.yml@${'c'.repeat(40)} # v2.3.0\n`,
      },
      runs: [
        {
          id: 1,
          event: 'push',
          status: 'completed',
          conclusion: 'success',
          head_sha: 'x',
          head_branch: 'trunk',
          path: '.github/workflows/ci.yml',
          created_at: '2026-03-01T10:00:00Z',
          updated_at: '2026-03-01T10:00:00Z',
          referenced_workflows: [{ path: `acme/paved/.github/workflows/deploy-fly.yml@${'c'.repeat(40)}`, sha: 'c'.repeat(40), ref: 'refs/tags/v2.3.0' }],
        },
      ],
    };
    forge.gitlab['acme/devops-templates'] = { id: 1, tags: [{ name: 'v2.3.0', sha: 'c'.repeat(40) }] };
    forge.gitlab['acme/apps/api'] = {
      id: 2,
      defaultBranch: 'main',
      files: {
        '.gitlab-ci.yml': 'include:\n  - local: .gitlab/ci/deploy.yml\n',
        '.gitlab/ci/deploy.yml': 'include:\n  - project: acme/devops-templates\n    ref: v2.3.0\n    file: python-aks.yml\n',
      },
      lint: {
        valid: true,
        errors: [],
        warnings: [],
        merged_yaml: 'deploy:\n  script: [x]\n',
        includes: [{ type: 'file', location: 'python-aks.yml', extra: { project: 'acme/devops-templates', ref: 'v2.3.0' }, context_project: 'acme/apps/api' }],
      },
    };
  });
  afterAll(() => forge.stop());

  const registryText = (host: string) => `platform:
  github: acme/paved
  gitlab: acme/devops-templates
  gitlab_host: ${host}
projects:
  - slug: web
    repo: github.com/acme/web
    deployment_targets: [{ type: fly, environments: [dev, staging, prod] }]
    ci_template: deploy-fly.yml
  - slug: api
    repo: ${host}/acme/apps/api
    deployment_targets: [{ type: aks, environments: [dev, staging, prod] }]
    ci_template: python-aks.yml
`;

  it('reads files at the default branch, resolves SHAs through the tags API and confirms what ran', async () => {
    const host = new URL(forge.baseUrl).host;
    const registry = parseRegistry(registryText(host), 'registry.yaml');
    const github = new GitHubClient({ baseUrl: forge.baseUrl, token: 'ghp_audit' });
    const gitlab = new GitLabClient({ baseUrl: forge.gitlabUrl, token: 'glpat-audit' });
    const report = await auditRegistry({ registry, now: NOW, github, gitlab, runtime: true, auditors: {} });
    const web = report.projects.find((p) => p.slug === 'web')!;
    expect(web.source).toBe('github:acme/web@trunk');
    expect(web.references[0]).toMatchObject({ drift: 'current', release: 'v2.3.0', versionComment: 'v2.3.0' });
    expect(check(web, 'runtime-evidence')).toMatchObject({ status: 'pass', detail: expect.stringContaining('acme/paved/.github/workflows/deploy-fly.yml') });
    const api = report.projects.find((p) => p.slug === 'api')!;
    expect(api.source).toBe('gitlab:acme/apps/api@main');
    expect(api.references[0]).toMatchObject({ file: '.gitlab/ci/deploy.yml', drift: 'current', path: 'python-aks.yml' });
    expect(check(api, 'runtime-evidence').status).toBe('pass');
    expect(report.platform.latest).toEqual({ github: 'v2.3.0', gitlab: 'v2.3.0' });
  });

  it('marks a project unknown when its repository cannot be read, and fails clearly when the platform tags cannot', async () => {
    const host = new URL(forge.baseUrl).host;
    const text = registryText(host).replace('repo: github.com/acme/web', 'repo: github.com/acme/missing');
    const github = new GitHubClient({ baseUrl: forge.baseUrl, token: 'ghp_audit', maxAttempts: 1 });
    const gitlab = new GitLabClient({ baseUrl: forge.gitlabUrl, token: 'glpat-audit' });
    const report = await auditRegistry({ registry: parseRegistry(text, 'r.yaml'), now: NOW, github, gitlab, auditors: {} });
    expect(report.projects[0]).toMatchObject({ status: 'unknown', summary: expect.stringContaining('404') });
    forge.http.fault('GET', '/repos/acme/paved/tags', { status: 500, times: 10 });
    await expect(auditRegistry({ registry: parseRegistry(text, 'r.yaml'), now: NOW, github, gitlab })).rejects.toThrow(/release tags from GitHub acme\/paved/);
  });
});
