// The shared lifecycle on its own: environment policies, the transition table, what happens on each
// kind of failure, observers (GitHub deployment statuses against an emulated GitHub API), the job summary.

import { GithubDeployments } from '../../src/deploy/github-deployments';
import {
  DeployError,
  TRANSITIONS,
  resolveEnvironment,
  runLifecycle,
  type Candidate,
  type DeployContext,
  type DeployStrategy,
  type LiveState,
} from '../../src/deploy/lifecycle';
import { recordOutcome, renderMarkdown, sourceFromEnv } from '../../src/deploy/records';
import { InputError } from '../../src/platform/errors';
import { secrets } from '../../src/platform/redact';
import { HttpEmulator } from '../helpers/http-emulator';
import { expectValidRecord } from './support';

/** A strategy whose steps succeed or fail on command, logging every call. */
class ScriptedStrategy implements DeployStrategy {
  readonly kind = 'test';
  readonly strategy = 'scripted';
  readonly target = 'test app';
  calls: string[] = [];
  live = 'v1';
  fail: Partial<Record<'inspect' | 'deploy' | 'switch' | 'switchBack', Error>> = {};
  candidateServesTraffic = false;

  async inspect(): Promise<LiveState> {
    this.calls.push('inspect');
    if (this.fail.inspect) throw this.fail.inspect;
    return { version: this.live, endpoint: { url: 'http://app.test', transport: this.transport('live') } };
  }
  async acquireLock() {
    this.calls.push('lock');
  }
  async releaseLock() {
    this.calls.push('unlock');
  }
  async deployCandidate(ctx: DeployContext): Promise<Candidate> {
    this.calls.push(`deploy:${ctx.operation}`);
    if (this.fail.deploy) throw this.fail.deploy;
    return { version: 'v2', preview: { url: 'http://preview.test', transport: this.transport('preview') }, servesTraffic: this.candidateServesTraffic };
  }
  async switchTraffic() {
    this.calls.push('switch');
    if (this.fail.switch) throw this.fail.switch;
    this.live = 'v2';
  }
  async switchBack() {
    this.calls.push('switchBack');
    if (this.fail.switchBack) throw this.fail.switchBack;
    this.live = 'v1';
  }
  async discardCandidate() {
    this.calls.push('discard');
  }
  async finalize() {
    this.calls.push('finalize');
  }
  rollbackCommand() {
    return 'paved deploy test --rollback';
  }
  /** Health per endpoint: the preview and live answers can be set per version. */
  unhealthy = new Set<string>();
  transport(where: 'preview' | 'live') {
    return async () => {
      const version = where === 'preview' ? 'v2' : this.live;
      return this.unhealthy.has(`${where}:${version}`) ? { status: 503, body: 'down' } : { status: 200, body: `ok ${version}` };
    };
  }
}

function run(strategy: DeployStrategy, env = 'prod', extra: Partial<Parameters<typeof runLifecycle>[0]> = {}) {
  let t = Date.parse('2026-03-01T10:00:00Z');
  const lines: string[] = [];
  return {
    lines,
    result: runLifecycle({
      strategy,
      environment: resolveEnvironment(env),
      requestedVersion: 'v2',
      health: { probes: [{ path: '/health', bodyContains: 'ok' }], options: { deadlineMs: 5000, intervalMs: 1000 } },
      log: (m) => lines.push(m),
      now: () => t,
      sleep: async (ms) => {
        t += ms;
      },
      ...extra,
    }),
  };
}

describe('environments', () => {
  test.each([
    ['dev', 'dev', true, false],
    ['develop', 'dev', true, false],
    ['staging', 'staging', false, false],
    ['uat', 'staging', false, false],
    ['prod', 'prod', true, true],
    ['production', 'prod', true, true],
    ['prod-eu', 'prod', true, true],
  ])('%s → %s (auto-rollback %s, approval %s)', (name, tier, autoRollback, requiresApproval) => {
    expect(resolveEnvironment(name)).toEqual({ name, tier, autoRollback, requiresApproval });
  });

  test('overrides and unknown names', () => {
    expect(resolveEnvironment('staging', { autoRollback: true }).autoRollback).toBe(true);
    expect(resolveEnvironment('blue-moon', { tier: 'dev' }).tier).toBe('dev');
    expect(() => resolveEnvironment('blue-moon')).toThrow(InputError);
    expect(() => resolveEnvironment('prod', { tier: 'live' })).toThrow(/tier "live" is not one of/);
    expect(() => resolveEnvironment('bad name')).toThrow(/not usable/);
  });
});

describe('state machine', () => {
  test('terminal states have no way out and every state is reachable from initialized', () => {
    for (const terminal of ['succeeded', 'aborted', 'rolled-back', 'failed'] as const) expect(TRANSITIONS[terminal]).toEqual([]);
    const seen = new Set(['initialized']);
    const queue = ['initialized'];
    while (queue.length) for (const next of TRANSITIONS[queue.shift() as keyof typeof TRANSITIONS]) if (!seen.has(next)) seen.add(next), queue.push(next);
    expect([...seen].sort()).toEqual(Object.keys(TRANSITIONS).sort());
  });

  test('happy path: every transition logged, record valid, lock released', async () => {
    const s = new ScriptedStrategy();
    const { result, lines } = run(s);
    const record = await result;
    expect(record.outcome).toBe('succeeded');
    expect(s.calls).toEqual(['inspect', 'lock', 'deploy:deploy', 'switch', 'finalize', 'unlock']);
    expect(record.timeline.map((e) => e.state)).toEqual(['inspecting', 'locked', 'deploying', 'verifying', 'switching', 'confirming', 'succeeded']);
    expect(lines.filter((l) => l.startsWith('['))).toHaveLength(7);
    expect(record.versions).toEqual({ requested: 'v2', previous: 'v1', candidate: 'v2', live: 'v2' });
    expectValidRecord(record);
  });

  test('inspect errors propagate (nothing changed, no lock taken)', async () => {
    const s = new ScriptedStrategy();
    s.fail.inspect = new InputError('bad namespace');
    await expect(run(s).result).rejects.toThrow('bad namespace');
    expect(s.calls).toEqual(['inspect']);
  });

  test('a deploy failure aborts, discards and releases the lock', async () => {
    const s = new ScriptedStrategy();
    s.fail.deploy = new DeployError('ImagePullBackOff');
    const record = await run(s).result;
    expect(record.outcome).toBe('aborted');
    expect(s.calls).toEqual(['inspect', 'lock', 'deploy:deploy', 'discard', 'unlock']);
    expect(record.error?.message).toBe('ImagePullBackOff');
  });

  test('a rolling strategy failing after traffic moved is rolled back', async () => {
    const s = new ScriptedStrategy();
    s.fail.deploy = new DeployError('machine 3 failed its checks', { servesTraffic: true });
    const record = await run(s).result;
    expect(record.outcome).toBe('rolled-back');
    expect(s.calls).toContain('switchBack');
  });

  test('post-switch failure: rolled back in prod, failed with the command in staging', async () => {
    const prod = new ScriptedStrategy();
    prod.unhealthy.add('live:v2');
    const rolled = await run(prod).result;
    expect(rolled.outcome).toBe('rolled-back');
    expect(prod.live).toBe('v1');
    expect(rolled.versions.live).toBe('v1');

    const staging = new ScriptedStrategy();
    staging.unhealthy.add('live:v2');
    const failed = await run(staging, 'staging').result;
    expect(failed.outcome).toBe('failed');
    expect(staging.calls).not.toContain('switchBack');
    expect(failed.timeline.at(-1)?.message).toContain('Roll back with: paved deploy test --rollback');
    expect(failed.versions.live).toBe('v2');
  });

  test('switching back that fails, or lands on an unhealthy version, ends failed', async () => {
    const s = new ScriptedStrategy();
    s.unhealthy.add('live:v2');
    s.fail.switchBack = new Error('connection reset');
    expect((await run(s).result).outcome).toBe('failed');

    const both = new ScriptedStrategy();
    both.unhealthy.add('live:v2');
    both.unhealthy.add('live:v1');
    const record = await run(both).result;
    expect(record.outcome).toBe('failed');
    expect(record.checks.map((c) => c.phase)).toEqual(['candidate', 'live', 'rollback']);
  });

  test('a rollback operation is never auto-rolled back', async () => {
    const s = new ScriptedStrategy();
    s.unhealthy.add('live:v2');
    const record = await run(s, 'prod', { operation: 'rollback' }).result;
    expect(record.outcome).toBe('failed');
    expect(s.calls).toContain('deploy:rollback');
    expect(s.calls).not.toContain('switchBack');
  });

  test('switch errors mean traffic did not move: aborted', async () => {
    const s = new ScriptedStrategy();
    s.fail.switch = new DeployError('swap LRO Failed');
    const record = await run(s).result;
    expect(record.outcome).toBe('aborted');
    expect(s.calls).toEqual(['inspect', 'lock', 'deploy:deploy', 'switch', 'discard', 'unlock']);
  });

  test('secrets never reach the log or the record', async () => {
    secrets.add('hunter2-secret');
    const s = new ScriptedStrategy();
    s.fail.deploy = new DeployError('token hunter2-secret rejected');
    const { result, lines } = run(s);
    const record = await result;
    expect(JSON.stringify(record)).not.toContain('hunter2-secret');
    expect(lines.join('\n')).not.toContain('hunter2-secret');
  });
});

describe('records and summaries', () => {
  test('the outcome carries the four outputs and a summary with the timeline', async () => {
    const s = new ScriptedStrategy();
    s.unhealthy.add('live:v2');
    const record = await run(s).result;
    const outcome = recordOutcome('deploy-test', record, 'deploy.json');
    // The scripted endpoints are reached through a custom transport, so they are not public URLs.
    expect(outcome.outputs).toEqual({ url: '', version: 'v1', 'previous-version': 'v1', outcome: 'rolled-back', record: 'deploy.json' });
    expect(outcome.exitCode).toBe(1);
    const md = renderMarkdown(record);
    expect(md).toContain('| Before | `v1` |');
    expect(md).toContain('| rolling-back |');
    expect(md).toContain('Rollback: `paved deploy test --rollback`');
  });

  test('source from GitHub and GitLab variables', () => {
    expect(sourceFromEnv({ GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '9', GITHUB_SHA: 'abc' })).toEqual({
      platform: 'github',
      repository: 'o/r',
      commit: 'abc',
      runId: '9',
      runUrl: 'https://github.com/o/r/actions/runs/9',
    });
    expect(sourceFromEnv({ GITLAB_CI: 'true', CI_PROJECT_PATH: 'g/p', CI_JOB_URL: 'https://gitlab.example/j/1' })).toMatchObject({ platform: 'gitlab', repository: 'g/p', runUrl: 'https://gitlab.example/j/1' });
  });
});

describe('GitHub deployment statuses', () => {
  let github: HttpEmulator;
  let url: string;
  beforeEach(async () => {
    github = new HttpEmulator();
    github.on('POST', '/repos/:owner/:repo/deployments', () => ({ status: 201, body: { id: 77 } }));
    github.on('POST', '/repos/:owner/:repo/deployments/:id/statuses', (req) => ({ status: 201, body: { id: 1, state: req.json.state } }));
    url = await github.start();
  });
  afterEach(() => github.stop());

  test('one deployment, one status per transition, final state from the outcome', async () => {
    const s = new ScriptedStrategy();
    s.unhealthy.add('live:v2');
    const observer = new GithubDeployments({ token: 'ghs_token_abc', repository: 'acme/shop', ref: 'abc123', apiUrl: url, sleep: async () => undefined });
    const record = await run(s, 'prod', { observers: [observer] }).result;
    expect(record.outcome).toBe('rolled-back');
    const created = github.requests.filter((r) => r.path === '/repos/acme/shop/deployments');
    expect(created).toHaveLength(1);
    expect(created[0].json).toMatchObject({ ref: 'abc123', environment: 'prod', production_environment: true, auto_merge: false, required_contexts: [] });
    expect(created[0].headers.authorization).toBe('Bearer ghs_token_abc');
    const states = github.requests.filter((r) => r.path.endsWith('/statuses')).map((r) => r.json.state);
    expect(states).toEqual(['in_progress', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'in_progress', 'failure']);
    for (const r of github.requests.filter((x) => x.path.endsWith('/statuses'))) expect(r.json.description.length).toBeLessThanOrEqual(140);
  });

  test('a GitHub API outage is a warning, never a failed deploy', async () => {
    github.fault('POST', '/repos/acme/shop/deployments', { status: 500, times: 100 });
    const s = new ScriptedStrategy();
    const observer = new GithubDeployments({ token: 'ghs_token_abc', repository: 'acme/shop', ref: 'abc123', apiUrl: url, sleep: async () => undefined });
    const { result, lines } = run(s, 'prod', { observers: [observer], warn: (m) => lines.push(`warning: ${m}`) });
    const record = await result;
    expect(record.outcome).toBe('succeeded');
    expect(lines.some((l) => l.startsWith('warning: could not report the transition'))).toBe(true);
  });
});
