// The GitLab templates, run for real: an example project includes them exactly as a team would
// (`include: project: org/platform, ref: v1`), and gitlab-ci-local executes the jobs with the shell
// executor, running the bundled paved CLI from this checkout. Gates pass and fail as they should,
// reports land as artifacts, and production stays manual.

import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from '../helpers/pipeline-files';

const GCL = path.join(ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
const INCLUDES = ['quality-gates', 'security-scanning', 'infra-plan-apply', 'python-fly'];

function ciConfig(options: { checks: string; minCoverage: number | string }): string {
  return `stages: [test, deploy]

include:
  - project: org/platform
    ref: v1
    file: gitlab-templates/quality-gates.yml
    inputs:
      checks: |
        ${options.checks.split('\n').join('\n        ')}
      junit: reports/junit.xml
      coverage: reports/lcov.info
      min_coverage: ${options.minCoverage}
  - project: org/platform
    ref: v1
    file: gitlab-templates/security-scanning.yml
    inputs:
      osv_dir: osv
  - project: org/platform
    ref: v1
    file: gitlab-templates/infra-plan-apply.yml
    inputs:
      environment: production
      working_directory: infra
  - project: org/platform
    ref: v1
    file: gitlab-templates/python-fly.yml
    inputs:
      app: web-app
`;
}

function git(cwd: string, ...args: string[]) {
  execFileSync('git', args, { cwd, stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@example.com', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@example.com' } });
}

/** A fresh project repository on branch main, with the platform templates pre-seeded where gitlab-ci-local looks for project includes. */
function project(config: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gcl-'));
  fs.cpSync(path.join(ROOT, 'examples', 'web-app'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}reports`) });
  fs.cpSync(path.join(ROOT, 'examples', 'infra-app'), path.join(dir, 'infra'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'osv'));
  fs.writeFileSync(path.join(dir, '.gitlab-ci.yml'), config);
  fs.writeFileSync(path.join(dir, '.gitignore'), 'reports/\n.gitlab-ci-local/\n');
  const seeded = path.join(dir, '.gitlab-ci-local', 'includes', 'gitlab.com', 'org', 'platform', 'v1', 'gitlab-templates');
  fs.mkdirSync(seeded, { recursive: true });
  for (const name of INCLUDES) fs.copyFileSync(path.join(ROOT, 'gitlab-templates', `${name}.yml`), path.join(seeded, `${name}.yml`));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'remote', 'add', 'origin', 'git@gitlab.com:acme/web-app.git');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'initial');
  return dir;
}

function gcl(cwd: string, ...args: string[]) {
  const res = spawnSync(process.execPath, [GCL, '--force-shell-executor', '--variable', `PAVED_HOME=${ROOT}`, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, CI: '', GITLAB_CI: '' },
  });
  return { status: res.status, output: `${res.stdout}\n${res.stderr}` };
}

/** Where gitlab-ci-local keeps a job's artifacts (it spells ':' in job names as 'Og'). */
const artifact = (dir: string, job: string, file: string) => path.join(dir, '.gitlab-ci-local', 'artifacts', job.replace(/:/g, 'Og'), file);

describe('GitLab templates run end to end in gitlab-ci-local', () => {
  const passing = ciConfig({ checks: 'lint=npm run lint\ntest=npm test', minCoverage: 80 });
  let dir: string;
  beforeAll(() => {
    dir = project(passing);
  });

  it('lists the jobs with production deploys manual and everything else automatic on main', () => {
    const { status, output } = gcl(dir, '--list');
    expect(status).toBe(0);
    const line = (job: string) => output.split('\n').find((l) => l.startsWith(`${job} `)) ?? '';
    expect(line('quality-gate')).toMatch(/\bon_success\b/);
    expect(line('python-fly:deploy:staging')).toMatch(/\bon_success\b.*\bstaging\b/);
    expect(line('python-fly:deploy:production')).toMatch(/\bmanual\b.*\bproduction\b/);
    expect(line('infra:apply')).toMatch(/\bmanual\b.*\bproduction\b/);
    expect(line('python-fly:deploy:dev')).toBe(''); // dev deploys come from the develop branch only
  });

  it('runs the quality gate with the bundled CLI and keeps its reports as artifacts', () => {
    const { status, output } = gcl(dir, 'quality-gate');
    expect({ status, passed: /PASS\s+quality-gate/.test(output) }).toEqual({ status: 0, passed: true });
    expect(output).toMatch(/Coverage: \d+\.\d+%/);
    expect(fs.readFileSync(artifact(dir, 'quality-gate', 'paved/junit.xml'), 'utf8')).toContain('<testsuite');
    expect(fs.readFileSync(artifact(dir, 'quality-gate', 'paved/coverage.cobertura.xml'), 'utf8')).toContain('<coverage');
    expect(fs.readFileSync(artifact(dir, 'quality-gate', 'paved/quality-gate.env'), 'utf8')).toMatch(/QUALITY_GATE_VERDICT=pass/);
  });

  it('runs the security scan and writes the GitLab security reports', () => {
    const { status, output } = gcl(dir, 'security-scan');
    expect({ status, passed: /PASS\s+security-scan/.test(output) }).toEqual({ status: 0, passed: true });
    for (const report of ['gl-sast-report.json', 'gl-secret-detection-report.json', 'gl-dependency-scanning-report.json']) {
      const parsed = JSON.parse(fs.readFileSync(artifact(dir, 'security-scan', `paved/security/${report}`), 'utf8'));
      expect(parsed.version).toMatch(/^15\./);
    }
  });

  it('plans production and stops at the policy gate: the delete needs an explicit approval', () => {
    const plan = gcl(dir, 'infra:plan');
    expect(plan.status).not.toBe(0);
    expect(plan.output).toContain('aws_sqs_queue.legacy_jobs: delete in production needs an explicit approval');
    expect(fs.existsSync(artifact(dir, 'infra:plan', 'paved/plan.json'))).toBe(true);
    expect(fs.readFileSync(artifact(dir, 'infra:plan', 'paved/policy-junit.xml'), 'utf8')).toContain('<testsuite');
    const report = JSON.parse(fs.readFileSync(artifact(dir, 'infra:plan', 'paved/terraform-report.json'), 'utf8'));
    expect(report).toEqual({ create: expect.any(Number), update: expect.any(Number), delete: expect.any(Number) });
    expect(fs.readFileSync(artifact(dir, 'infra:plan', 'paved/plan.env'), 'utf8')).toMatch(/PLAN_DIGEST=[0-9a-f]{64}/);
  });

  it('fails the pipeline when a gate fails', () => {
    const failing = project(ciConfig({ checks: 'lint=npm run lint\ntest=node -e "process.exit(3)"', minCoverage: 80 }));
    const { status, output } = gcl(failing, 'quality-gate');
    expect(status).not.toBe(0);
    expect(output).toContain('FAIL');
  });

  it("rejects a bad template input with GitLab's message", () => {
    const bad = project(ciConfig({ checks: 'test=npm test', minCoverage: '"eighty"' }));
    const { status, output } = gcl(bad, '--list');
    expect(status).not.toBe(0);
    expect(output).toContain('`min_coverage` input: provided value is not a number');
  });
});
