// The platform policy library in policies/: its own Rego tests pass, and it decides on
// contract-shaped plans, Kubernetes manifests and pipeline files as documented, tuned through data.

import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { CheckReport } from '../../src/policy/types';
import { FIXTURES, REPO_ROOT } from './helpers';

const LIBRARY = path.join(FIXTURES, 'library');
const POLICIES = path.join(REPO_ROOT, 'policies');

async function check(args: string[]): Promise<{ exitCode: number; report: CheckReport; stderr: string }> {
  const run = await runCli(['policy', 'check', '-p', POLICIES, '--format', 'json', ...args], { cwd: LIBRARY, env: {} });
  return { exitCode: run.exitCode, report: run.stdout ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

function failures(report: CheckReport): string[] {
  return report.results.flatMap((r) => r.failures.map((f) => `${f.rule} ${f.resource ?? ''}`.trim())).sort();
}

describe('platform policy library', () => {
  it('passes its own unit tests under paved policy test', async () => {
    const run = await runCli(['policy', 'test', '--format', 'json', 'policies'], { cwd: REPO_ROOT, env: {} });
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout);
    const notPassing = report.results.filter((t: { status: string }) => t.status !== 'pass').map((t: { name: string; status: string; error?: string }) => `${t.name}: ${t.status} ${t.error ?? ''}`);
    expect(notPassing).toEqual([]);
    expect(report.summary.pass).toBeGreaterThanOrEqual(60);
    expect(run.exitCode).toBe(0);
  });

  it('plan policies: a prod plan with a public bucket, open SSH, an unapproved delete, missing tags and an unencrypted volume', async () => {
    const { exitCode, report } = await check(['-n', 'paved.plan', 'plan-prod.json']);
    expect(exitCode).toBe(1);
    expect(failures(report)).toEqual([
      'deny_missing_tags aws_ebs_volume.data',
      'deny_open_admin_port aws_security_group.bastion',
      'deny_public_storage aws_s3_bucket.site',
      'deny_unapproved_destructive_change module.db.aws_db_instance.main',
      'deny_unencrypted aws_ebs_volume.data',
    ]);
    const bastion = report.results[0].failures.find((f) => f.rule === 'deny_open_admin_port');
    expect(bastion?.loc?.line).toBeGreaterThan(1);
    expect(bastion?.metadata).toMatchObject({ policy: 'open_admin_port', resource: 'aws_security_group.bastion' });
  });

  it('rule METADATA annotations become SARIF rule descriptions and severities', async () => {
    const run = await runCli(['policy', 'check', '-p', POLICIES, '-n', 'paved.plan', '--format', 'sarif', 'plan-prod.json'], { cwd: LIBRARY, env: {} });
    const rules = JSON.parse(run.stdout).runs[0].tool.driver.rules as Array<{ id: string; shortDescription: { text: string }; properties: Record<string, unknown> }>;
    const open = rules.find((r) => r.id === 'paved/plan/deny_open_admin_port');
    expect(open?.shortDescription.text).toBe('No admin ports open to the internet');
    expect(open?.properties['security-severity']).toBe('9.5');
    expect(rules.every((r) => !r.shortDescription.text.startsWith('Rego rule'))).toBe(true);
  });

  it("a team's data file tunes the library without forking it (tags, waivers, approvals)", async () => {
    const { report } = await check(['-n', 'paved.plan', '-d', 'team.yaml', 'plan-prod.json']);
    expect(failures(report)).toEqual(['deny_open_admin_port aws_security_group.bastion', 'deny_unencrypted aws_ebs_volume.data']);
  });

  it('--approve approves named destructive changes, or all of them', async () => {
    const named = await check(['-n', 'paved.plan', '--approve', 'module.db.aws_db_instance.main', 'plan-prod.json']);
    expect(failures(named.report)).not.toContain('deny_unapproved_destructive_change module.db.aws_db_instance.main');
    const other = await check(['-n', 'paved.plan', '--approve', 'aws_s3_bucket.other', 'plan-prod.json']);
    expect(failures(other.report)).toContain('deny_unapproved_destructive_change module.db.aws_db_instance.main');
    const all = await runCli(['policy', 'check', '-p', POLICIES, '-n', 'paved.plan', '--format', 'json', 'plan-prod.json'], { cwd: LIBRARY, env: { PAVED_POLICY_APPROVE: 'all' } });
    expect(failures(JSON.parse(all.stdout))).toHaveLength(4);
  });

  it('kubernetes policies: per document of a multi-document manifest', async () => {
    const { report } = await check(['-n', 'paved.kubernetes', 'deployment.yaml']);
    expect(failures(report)).toEqual(['deny_latest_tag Deployment/api']);
    expect(report.results[0].failures[0].document).toBe(0);
  });

  it('pipeline policies: a GitHub workflow and a GitLab CI file', async () => {
    const github = await check(['-n', 'paved.pipeline', 'workflow.yml']);
    expect(failures(github.report)).toEqual([
      'deny_missing_permissions jobs.build',
      'deny_secrets_inherit jobs.deploy',
      'deny_unpinned_action jobs.build.steps[0]',
      'deny_unpinned_action jobs.deploy',
    ]);
    const gitlab = await check(['-n', 'paved.pipeline', 'gitlab-ci.yml']);
    expect(failures(gitlab.report)).toEqual(['deny_unpinned_image test.image', 'deny_unpinned_include include']);
  });

  it('paved.* selects every library namespace', async () => {
    const { report } = await check(['-n', 'paved.*', 'deployment.yaml']);
    expect(report.summary.namespaces).toEqual(['paved.kubernetes', 'paved.lib', 'paved.pipeline', 'paved.plan']);
  });
});
