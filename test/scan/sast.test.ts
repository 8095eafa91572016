import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditGithubWorkflow } from '../../src/scan/sast/github';
import { auditGitlabCi } from '../../src/scan/sast/gitlab';
import { importSarif } from '../../src/scan/sast/sarif-import';
import { describeShared, sharedPath } from '../helpers/shared';
import { cli, tempDir, writeTree } from './helpers';

const PIPE = path.join(__dirname, 'fixtures', 'pipelines');
const read = (...p: string[]) => fs.readFileSync(path.join(PIPE, ...p), 'utf8');
const short = (f: { rule: string; line?: number; severity: string }) => `${f.line} ${f.rule} ${f.severity}`;

describe('auditGithubWorkflow', () => {
  it('flags script injection, pwn requests, unpinned actions, write-all and secrets: inherit with their lines', () => {
    const findings = auditGithubWorkflow(read('.github/workflows/unsafe.yml'), '.github/workflows/unsafe.yml');
    expect(findings.sort((a, b) => a.line! - b.line!).map(short)).toEqual([
      '7 gha-write-all-permissions high',
      '14 gha-pwn-request critical',
      '18 gha-script-injection high',
      '20 gha-unpinned-action medium',
      '24 gha-script-injection high',
      '30 gha-unpinned-action medium',
      '31 gha-secrets-inherit medium',
    ]);
    expect(findings.find((f) => f.line === 18)!.message).toContain('github.event.issue.title');
    expect(new Set(findings.map((f) => f.fingerprint)).size).toBe(findings.length);
  });

  it('accepts SHA-pinned and first-party actions, digests, local actions and trusted expressions', () => {
    expect(auditGithubWorkflow(read('.github/workflows/safe.yml'), 'safe.yml')).toEqual([]);
  });

  it('reports missing permissions once, naming the jobs without them', () => {
    const findings = auditGithubWorkflow(read('.github/workflows/no-permissions.yml'), 'no-permissions.yml');
    expect(findings.map(short)).toEqual(['5 gha-missing-permissions medium']);
    expect(findings[0].message).toMatch(/job\(s\) build;/);
  });

  it('names the file when the workflow is not YAML', () => {
    expect(() => auditGithubWorkflow('on: [push\njobs: {', 'bad.yml')).toThrow(/bad\.yml|not valid YAML/);
  });
});

describe('auditGitlabCi', () => {
  it('flags unprotected deploy jobs and secrets printed to the log, and accepts protected, tag-only and review jobs', () => {
    const findings = auditGitlabCi(read('.gitlab-ci.yml'), '.gitlab-ci.yml');
    expect(findings.map(short)).toEqual(['14 gl-secret-echo high', '15 gl-env-dump medium', '17 gl-unprotected-deploy high', '47 gl-secret-echo high']);
    expect(findings[2].message).toMatch(/deploy-prod deploys to production/);
  });
});

describe('GitLab CI components and rule lists', () => {
  const component = [
    'spec:',
    '  inputs:',
    '    release_branch:',
    '      default: main',
    '---',
    'deploy:prod:',
    '  environment: production',
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == "$[[ inputs.release_branch ]]"',
    '  script: [./deploy.sh]',
    'deploy:any:',
    '  environment: production',
    '  rules:',
    '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    '    - when: manual',
    '  script: [./deploy.sh]',
    'deploy:never:',
    '  environment: staging',
    '  rules:',
    '    - if: $CI_PIPELINE_SOURCE == "schedule"',
    '      when: never',
    '    - if: $CI_COMMIT_TAG',
    '  script: [./deploy.sh]',
    '',
  ].join('\n');

  it('reads the jobs after a spec: header and requires every running rule to protect the job', () => {
    expect(auditGitlabCi(component, 'templates/deploy.yml').map(short)).toEqual(['11 gl-unprotected-deploy high']);
  });

  it('treats owners given as trusted like actions/ and github/', () => {
    const text = read('.github/workflows/unsafe.yml');
    const rules = (opts?: { trustedOwners: string[] }) => auditGithubWorkflow(text, 'w.yml', opts).filter((f) => f.rule === 'gha-unpinned-action').length;
    expect([rules(), rules({ trustedOwners: ['some-org', 'Other-Org'] })]).toEqual([2, 0]);
  });
});

describe('paved scan sast', () => {
  it('finds workflows and GitLab files under PATH and gates on high', async () => {
    const r = await cli(['scan', 'sast', PIPE, '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(r.exitCode).toBe(1);
    expect(data.sast.workflows.sort()).toEqual(['.github/workflows/no-permissions.yml', '.github/workflows/safe.yml', '.github/workflows/unsafe.yml']);
    expect(data.sast.gitlabFiles).toEqual(['.gitlab-ci.yml']);
    expect(data.findings).toHaveLength(12);
    expect(data.findings[0]).toMatchObject({ rule: 'gha-pwn-request', severity: 'critical', file: '.github/workflows/unsafe.yml', line: 14 });
  });

  it('reports malformed SARIF input by file', async () => {
    const dir = writeTree(tempDir(), { 'x.sarif': '{"version":"2.1.0"}', 'y.sarif': '{"runs": [' });
    let r = await cli(['scan', 'sast', dir, '--sarif', path.join(dir, 'x.sarif')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/x\.sarif: --sarif: not a SARIF log/);
    r = await cli(['scan', 'sast', dir, '--sarif', path.join(dir, 'y.sarif')]);
    expect(r.stderr).toMatch(/y\.sarif: SARIF file is not valid JSON/);
  });
});

describeShared('SARIF from other tools', () => {
  const S = (...p: string[]) => sharedPath('fixtures/sarif', ...p);

  it('imports the ESLint security SARIF: 6 warnings with rule ids and lines, paths relative to the checkout', () => {
    const findings = importSarif(S('generated/eslint-security.sarif'), ['/home/runner/work/sample/sample']);
    expect(findings.map((f) => `${f.rule}:${f.line}`)).toEqual([
      'security/detect-child-process:5',
      'security/detect-eval-with-expression:6',
      'security/detect-non-literal-regexp:7',
      'security/detect-non-literal-fs-filename:8',
      'security/detect-object-injection:10',
      'security/detect-unsafe-regex:12',
    ]);
    expect(new Set(findings.map((f) => `${f.file} ${f.severity} ${f.tool}`))).toEqual(new Set(['src/app.js medium ESLint']));
  });

  it('uses security-severity when rules carry it and skips suppressed results', () => {
    const grype = importSarif(S('real-tools/cxf-3.4.6.sarif'), []);
    expect(grype.length).toBeGreaterThan(0);
    expect(new Set(grype.map((f) => f.severity)).has('critical') || new Set(grype.map((f) => f.severity)).has('high')).toBe(true);
    const doc = JSON.parse(fs.readFileSync(S('real-tools/suppression_test.sarif'), 'utf8'));
    const total = doc.runs.reduce((n: number, r: { results?: unknown[] }) => n + (r.results?.length ?? 0), 0);
    const suppressed = doc.runs.flatMap((r: { results?: Array<{ suppressions?: Array<{ status?: string }> }> }) => r.results ?? []).filter((r: { suppressions?: Array<{ status?: string }> }) => r.suppressions?.some((s) => !s.status || s.status === 'accepted')).length;
    expect(suppressed).toBeGreaterThan(0);
    expect(importSarif(S('real-tools/suppression_test.sarif'), [])).toHaveLength(total - suppressed);
  });

  it('reads every real tool SARIF and the codeql-action samples', () => {
    const dirs = ['real-tools', 'codeql-action-testdata'];
    let results = 0;
    for (const d of dirs) {
      for (const f of fs.readdirSync(S(d)).filter((n) => n.endsWith('.sarif') && n !== 'invalid-sarif.sarif')) {
        const findings = importSarif(S(d, f), []);
        for (const x of findings) expect(x.rule).toBeTruthy();
        results += findings.length;
      }
    }
    expect(results).toBeGreaterThan(1800);
  });
});
