// The `dispatch` and `report` actions, run the way the runner runs them (INPUT_* variables,
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), against the GitHub API emulator.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ForgeEmulator } from '../helpers/forge-emulator';

const ROOT = path.resolve(__dirname, '..', '..');
const SHA = 'e'.repeat(40);

/** Runs an action's main.ts in a child process (asynchronously, so the emulator here keeps answering). */
function runAction(name: string, inputs: Record<string, string>, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; outputs: string; summary: string }> {
  const outputFile = path.join(cwd, `${name}-output`);
  const summaryFile = path.join(cwd, `${name}-summary.md`);
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const inputEnv = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'actions', name, 'main.ts')], {
      cwd,
      env: { PATH: process.env.PATH, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'), NODE_PATH: path.join(ROOT, 'node_modules'), GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, ...env, ...inputEnv },
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stdout += d));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, outputs: fs.readFileSync(outputFile, 'utf8'), summary: fs.readFileSync(summaryFile, 'utf8') }));
  });
}

describe('dispatch and report actions', () => {
  const forge = new ForgeEmulator();
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await forge.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dispatch-actions-'));
    fs.writeFileSync(path.join(dir, 'allowlist.yml'), fs.readFileSync(path.join(__dirname, 'fixtures', 'allowlist.yml')));
    forge.github['acme/shop-infra'] = {
      id: 4242,
      commits: [SHA],
      pullRequests: { 3: { state: 'open', head: { sha: SHA } } },
      files: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: shop\n' },
      filesAt: { [SHA]: { 'infra/variables.yml': 'version: 1\nvariables:\n  app_name: shop\n' } },
    };
    const provider = (forge.github['provider/manager'] = {
      onDispatch: (d: { id: number }) => {
        // A provider that finishes at once and has reported success on the customer's commit.
        (provider.runs ??= []).push({ id: d.id, status: 'completed', conclusion: 'success', event: 'workflow_dispatch', created_at: new Date().toISOString(), html_url: `https://github.example/provider/manager/actions/runs/${d.id}` });
        ((forge.github['acme/shop-infra'].statuses ??= {})[SHA] ??= []).unshift({ state: 'success', context: 'paved/infra-plan (staging)', description: 'plan +1 ~0 ±0 -0; policy pass' });
      },
    } as { onDispatch: (d: { id: number }) => void; runs?: unknown[] });
    env = { GITHUB_API_URL: forge.baseUrl, GITHUB_REPOSITORY: 'provider/manager', GITHUB_RUN_ID: '99', GITHUB_SERVER_URL: 'https://github.example' };
  });
  afterAll(() => forge.stop());

  it('report (prepare) verifies the request, writes the variables file and sets the state key', async () => {
    const res = await runAction('report', { phase: 'prepare', 'customer-token': 'ghs_reporting_token_abcd', repository: 'acme/shop-infra', commit: SHA, environment: 'staging', pr: '3', allowlist: 'allowlist.yml', 'tfvars-out': 'vars.json' }, env, dir);
    expect(res.code).toBe(0);
    expect(res.outputs).toMatch(/state-key<<ghadelimiter_[\w-]+\ngithub-4242\/staging\n/);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'vars.json'), 'utf8'))).toEqual({ app_name: 'shop', instance_count: 1, instance_type: 't3.micro', ssh_from_anywhere: false });
    expect(forge.github['acme/shop-infra'].statuses![SHA][0]).toMatchObject({ state: 'pending', context: 'paved/infra-plan (staging)', target_url: 'https://github.example/provider/manager/actions/runs/99' });
    // The runner's mask command is the one place the token may appear: it is what hides it.
    expect(res.stdout.replace('::add-mask::ghs_reporting_token_abcd', '')).not.toContain('ghs_reporting_token_abcd');
  }, 60_000);

  it('report fails naming the input when the phase is unknown', async () => {
    const res = await runAction('report', { phase: 'deploy', 'customer-token': 'ghs_reporting_token_abcd', repository: 'acme/shop-infra', commit: SHA, environment: 'staging' }, env, dir);
    expect(res.code).not.toBe(0);
    expect(res.stdout).toContain('::error::report: with.phase: "deploy" is not prepare, plan, apply or drift');
  }, 60_000);

  it('dispatch starts the provider run, follows it and relays its verdict', async () => {
    const res = await runAction('dispatch', { 'provider-repository': 'provider/manager', 'provider-token': 'ghs_dispatch_only_token', environment: 'staging', pr: '3', workflow: 'managed-infra.yml', ref: 'main', deadline: '60', poll: '1', 'github-token': 'ghs_status_reader_token' }, { ...env, GITHUB_REPOSITORY: 'acme/shop-infra', GITHUB_SHA: SHA }, dir);
    expect(res.code).toBe(0);
    expect(res.outputs).toMatch(/verdict<<ghadelimiter_[\w-]+\npass\n/);
    expect(res.outputs).toMatch(/provider-status<<ghadelimiter_[\w-]+\nplan \+1 ~0 ±0 -0; policy pass\n/);
    expect(res.summary).toContain('Managed infrastructure plan for staging');
    const sent = (forge.github['provider/manager'] as { dispatches?: Array<{ inputs: Record<string, string> }> }).dispatches![0].inputs;
    expect(sent).toMatchObject({ repository: 'acme/shop-infra', commit: SHA, environment: 'staging', mode: 'plan', pr: '3' });
  }, 60_000);
});
