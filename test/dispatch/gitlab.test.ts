// The provider side for a customer on GitLab: the same checks and the same feedback, as GitLab
// commit statuses and one sticky merge-request note.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { dispatchCommands } from '../../src/dispatch/cli';
import { ForgeEmulator, type FakeGitlabProject } from '../helpers/forge-emulator';

const MR_SHA = '1'.repeat(40);
const MAIN_SHA = '2'.repeat(40);
const TOKEN = 'glpat-provider-reporting-token';

describe('managed infrastructure for a GitLab customer', () => {
  const forge = new ForgeEmulator();
  let project: FakeGitlabProject;
  let dir: string;

  beforeAll(async () => {
    await forge.start();
    project = forge.gitlab['acme/shop-infra'] = {
      id: 77,
      commits: { [MR_SHA]: ['feature/bigger'], [MAIN_SHA]: ['main'] },
      mergeRequests: { 12: { state: 'opened', sha: MR_SHA } },
      files: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: shop\n  instance_count: 9\n' },
    };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-gl-managed-'));
    fs.writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ summary: { create: 2, update: 0, replace: 0, delete: 0, no_op: 0 }, changes: [{ address: 'aws_instance.app[0]', action: 'create' }, { address: 'aws_instance.app[1]', action: 'create' }] }));
  });
  afterAll(() => forge.stop());

  const cli = (args: string[]) =>
    runCli(args, { cwd: dir, env: { CI_API_V4_URL: forge.gitlabUrl, PAVED_CUSTOMER_TOKEN: TOKEN, PAVED_CUSTOMER_PLATFORM: 'gitlab' }, commands: dispatchCommands });
  const target = (sha: string, extra: string[] = []) => ['--repository', 'acme/shop-infra', '--commit', sha, '--environment', 'staging', ...extra];

  it('rejects a value outside the allow-list with a failed status and an MR note, before any plan', async () => {
    const res = await cli(['report', 'prepare', ...target(MR_SHA, ['--pr', '12']), '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml'), '--tfvars-out', 'vars.json']);
    expect(res.exitCode).toBe(1);
    expect(fs.existsSync(path.join(dir, 'vars.json'))).toBe(false);
    const status = project.statuses![MR_SHA].at(-1);
    expect(status).toMatchObject({ state: 'failed', name: 'paved/infra-plan (staging)' });
    expect(status.description).toContain('`instance_count`: 9 is above the maximum 6');
    expect(project.notes![12][0].body).toContain('rejected');
    expect(forge.requests.some((r) => r.headers['private-token'] === TOKEN)).toBe(true);
  });

  it('accepts a valid request, keys state by the project id, and reports the plan on the MR', async () => {
    project.files!['infra/variables.yml'] = 'version: 1\nvariables:\n  app_name: shop\n  instance_count: 2\n';
    const prepared = await cli(['report', 'prepare', ...target(MR_SHA, ['--pr', '12']), '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml'), '--tfvars-out', 'vars.json', '--format', 'json']);
    expect(prepared.exitCode).toBe(0);
    expect(JSON.parse(prepared.stdout)).toMatchObject({ stateKey: 'gitlab-77/staging', variables: { app_name: 'shop', instance_count: 2 } });
    const reported = await cli(['report', 'plan', ...target(MR_SHA, ['--pr', '12']), '--plan', 'plan.json']);
    expect(reported.exitCode).toBe(0);
    expect(project.statuses![MR_SHA].at(-1)).toMatchObject({ state: 'success', description: expect.stringContaining('plan +2 ~0 ±0 -0') });
    expect(project.notes![12]).toHaveLength(1); // the rejection note was updated in place
    expect(project.notes![12][0].body).toContain('Infrastructure plan for `staging`: +2 ~0 ±0 -0');
  });

  it("takes GitLab's numeric upstream project id, and judges it by the project's canonical path", async () => {
    const res = await cli(['report', 'prepare', '--repository', '77', '--commit', MR_SHA, '--environment', 'staging', '--pr', '12', '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml'), '--tfvars-out', 'by-id.json', '--format', 'json']);
    expect(res.exitCode).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ repository: 'acme/shop-infra', stateKey: 'gitlab-77/staging' });
    forge.gitlab['other/team/project'] = { id: 78, commits: { [MR_SHA]: ['main'] } };
    const stranger = await cli(['report', 'prepare', '--repository', '78', '--commit', MR_SHA, '--environment', 'staging', '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml')]);
    expect(stranger.exitCode).toBe(1);
    expect(stranger.stdout + stranger.stderr).toContain('other/team/project is not a registered customer of this provider');
  });

  it('applies only merged commits', async () => {
    const refused = await cli(['report', 'prepare', ...target(MR_SHA, ['--mode', 'apply']), '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml')]);
    expect(refused.exitCode).toBe(1);
    expect(project.statuses![MR_SHA].at(-1).description).toContain('is not on main');
    const accepted = await cli(['report', 'prepare', ...target(MAIN_SHA, ['--mode', 'apply']), '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml'), '--tfvars-out', 'main.json']);
    expect(accepted.exitCode).toBe(0);
    const applied = await cli(['report', 'apply', ...target(MAIN_SHA, ['--mode', 'apply']), '--plan', 'plan.json', '--outcome', 'success']);
    expect(applied.exitCode).toBe(0);
    expect(project.statuses![MAIN_SHA].at(-1)).toMatchObject({ state: 'success', name: 'paved/infra-apply (staging)' });
  });
});
