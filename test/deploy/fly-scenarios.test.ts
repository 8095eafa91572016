// Scenario suite for `deploy-fly`: the core the action and the CLI share, driven against the emulated
// Machines API on simulated time. For every fault the app's process group must end on one healthy,
// known image, the record must say which, and the other image must stay recorded to return to.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { secrets } from '../../src/platform/redact';
import { deployFly, FLY_ALL_INPUTS, flyAuthorization } from '../../src/deploy/fly/step';
import { LeaseHeldError, META_PREVIOUS_IMAGE } from '../../src/deploy/fly/machines';
import { FlyEmulator, TOKEN } from './emulators/fly';
import { expectValidRecord, inputs, testIo } from './support';

const OLD = 'registry.fly.io/paved-demo:deployment-old';
const NEW = 'registry.fly.io/paved-demo:deployment-new';

describe('deploy-fly scenarios', () => {
  let emu: FlyEmulator;
  let url: string;
  let cwd: string;

  beforeEach(async () => {
    emu = new FlyEmulator();
    emu.addMachine('m1', OLD, { region: 'ams' });
    emu.addMachine('m2', OLD, { region: 'fra' });
    emu.addMachine('m3', OLD, { region: 'iad' });
    emu.addMachine('w1', 'registry.fly.io/paved-demo:worker', { group: 'worker' });
    url = await emu.start();
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-fly-'));
    fs.writeFileSync(path.join(cwd, 'fly.toml'), 'app = "paved-demo"\nprimary_region = "ams"\n\n[http_service]\n  internal_port = 8080\n');
  });
  afterEach(async () => {
    await emu.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const deploy = (values: Record<string, string | number | boolean | undefined> = {}) => {
    const io = testIo(cwd);
    const given = { environment: 'dev', image: NEW, 'api-url': `${url}/v1`, url: `${url}/app`, 'health-path': '/healthz', 'fly-api-token': TOKEN, 'releases-url': url, ...values };
    return {
      io,
      run: async () => {
        const outcome = await deployFly(inputs(given, FLY_ALL_INPUTS), io);
        expectValidRecord(outcome.data);
        return outcome;
      },
    };
  };
  const updates = () => emu.http.requests.filter((r) => r.method === 'POST' && /\/machines\/[a-z0-9]+$/.test(r.path));

  test('happy path: every app machine updated one at a time under its lease, the worker group untouched', async () => {
    const { io, run } = deploy();
    const outcome = await run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(outcome.outputs).toMatchObject({ version: NEW, 'previous-version': OLD, outcome: 'succeeded', url: `${url}/app` });
    expect(emu.images('app')).toEqual([NEW, NEW, NEW]);
    expect(emu.images('worker')).toEqual(['registry.fly.io/paved-demo:worker']);
    expect([...emu.machines.values()].every((m) => m.lease === undefined)).toBe(true);
    expect(emu.machines.get('m1')!.config.metadata[META_PREVIOUS_IMAGE]).toBe(OLD);
    expect(updates().every((r) => String(r.headers['fly-machine-lease-nonce']).startsWith('nonce-'))).toBe(true);
    // server-side waits stay below the client's 30 s request timeout
    const waits = emu.http.requests.filter((r) => r.path.endsWith('/wait'));
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((r) => Number(r.query.get('timeout')) <= 25 && r.query.get('state') === 'started' && r.query.get('instance_id'))).toBe(true);
    // one at a time: a machine is updated only after the previous one reported healthy
    const progress = io.lines.filter((l) => /^m\d: (updating|started)/.test(l)).map((l) => l.slice(0, 11));
    expect(progress).toEqual(['m1: updatin', 'm1: started', 'm2: updatin', 'm2: started', 'm3: updatin', 'm3: started']);
    expect(outcome.data.timeline.map((t) => t.state)).toEqual(['inspecting', 'locked', 'deploying', 'verifying', 'confirming', 'succeeded']);
    expect(outcome.markdown).toContain(`| After | \`${NEW}\` |`);
    expect(emu.releases.map((r) => [r.version, r.image_ref, r.status])).toEqual([[1, NEW, 'complete']]);
  });

  test('checks that never pass: the machine goes back to the recorded image and the report says so', async () => {
    emu.behaviour.set(NEW, 'unhealthy');
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.outputs).toMatchObject({ version: OLD, 'previous-version': OLD, outcome: 'rolled-back' });
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
    expect(outcome.data.error!.message).toMatch(/machine m1: health checks did not pass .*alive critical .*500 Internal Server Error/);
    expect(outcome.markdown).toContain(`| After | \`${OLD}\` |`);
    expect(outcome.data.versions.candidate ?? outcome.data.versions.requested).toBe(NEW);
    expect(emu.releases.map((r) => [r.image_ref, r.status])).toEqual([[NEW, 'failed']]);
  });

  test('a machine that fails to start mid-fleet: the machines already updated are rolled back too', async () => {
    let seen = 0;
    const { io, run } = deploy();
    const log = io.log;
    io.log = (line) => {
      log(line);
      if (/^m\d: updating/.test(line) && ++seen === 3) emu.behaviour.set(NEW, 'crash');
    };
    const outcome = await run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(outcome.data.error!.message).toMatch(/machine m3: failed to start \(state stopped\)/);
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
    expect(io.lines.filter((l) => /restoring/.test(l)).map((l) => l.slice(0, 2))).toEqual(['m3', 'm2', 'm1']);
    expect(io.lines).toContain(`machines now: m1 rolled-back (${OLD}), m2 rolled-back (${OLD}), m3 rolled-back (${OLD})`);
  });

  test('checks pass but production answers 500: the post-rollout probe triggers the rollback', async () => {
    emu.behaviour.set(NEW, 'broken');
    const outcome = await deploy({ 'health-successes': 1 }).run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(outcome.data.error!.message).toMatch(/production failed its health check after the switch/);
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
    expect(outcome.data.checks.map((c) => [c.phase, c.ok])).toEqual([
      ['live', false],
      ['rollback', true],
    ]);
    // complete on the machines, then failed when production said no
    expect(emu.releases.map((r) => r.status)).toEqual(['failed']);
    expect(emu.http.requests.filter((r) => r.method === 'PATCH').map((r) => r.json.status)).toEqual(['running', 'complete', 'failed']);
  });

  test("Fly's release history being unavailable is a warning, not a failed deploy", async () => {
    emu.http.fault('POST', '/api/v1/releases', { status: 500, body: { error: 'internal' }, times: 1 });
    const { io, run } = deploy();
    const outcome = await run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(io.lines.some((l) => /^warning: could not record the release in Fly's history \(the deploy goes on\)/.test(l))).toBe(true);
    expect(emu.releases).toHaveLength(0);
  });

  test('408 from wait that silently succeeded: the state is re-read, no machine is updated twice', async () => {
    emu.startDelay = 0;
    emu.http.fault('GET', '/v1/apps/:app/machines/:id/wait', { status: 408, body: { error: 'deadline_exceeded' }, afterHandler: true, times: 3 });
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(emu.images('app')).toEqual([NEW, NEW, NEW]);
    expect(updates()).toHaveLength(3);
  });

  test('408 on the update itself that was applied anyway counts as done, not as a second update', async () => {
    emu.http.fault('POST', '/v1/apps/:app/machines/:id', { status: 408, body: { error: 'request timeout' }, afterHandler: true });
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(updates()).toHaveLength(3);
  });

  test('a lease held by another deployer stops before any machine changes, naming the holder', async () => {
    emu.holdLease('m2', 'alice@example.com');
    const err = await deploy().run().catch((e) => e);
    expect(err).toBeInstanceOf(LeaseHeldError);
    expect(err.exitCode).toBe(1);
    expect(err.message).toMatch(/machine m2 is leased by alice@example\.com until 20\d\d-/);
    expect(emu.mutations()).toHaveLength(0);
    expect(emu.machines.get('m1')!.lease).toBeUndefined();
    expect(emu.machines.get('m2')!.lease!.owner).toBe('alice@example.com');
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
  });

  test('a machine another actor is replacing right now stops the deploy before anything changes', async () => {
    emu.machines.get('m2')!.state = 'replacing';
    emu.machines.get('m2')!.startIn = 1000;
    const err = await deploy().run().catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.describe()).toMatch(/machine m2 is replacing: another deploy or update is in progress/);
    expect(emu.mutations()).toHaveLength(0);
  });

  test('429 with Retry-After is waited out (on simulated time) and the deploy completes', async () => {
    emu.http.fault('GET', '/v1/apps/:app/machines', { status: 429, headers: { 'retry-after': '3' }, body: { error: 'rate limited' } });
    emu.http.fault('POST', '/v1/apps/:app/machines/:id', { status: 429, headers: { 'retry-after': '1' }, body: { error: 'rate limited' }, times: 2 });
    const { io, run } = deploy();
    const outcome = await run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(io.sleeps).toEqual(expect.arrayContaining([3000, 1000, 1000]));
    expect(emu.images('app')).toEqual([NEW, NEW, NEW]);
  });

  test('a slow machine: leases are extended while it starts, and the deploy still completes', async () => {
    emu.startDelay = 60; // 60 polls of 2 s: two minutes of simulated time for m1 alone
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    // 3 initial grants plus at least one extension of all three (ttl 240 s, extended every 80 s)
    expect(emu.leaseGrants).toBeGreaterThanOrEqual(6);
    const extensions = emu.http.requests.filter((r) => r.path.endsWith('/lease') && r.method === 'POST' && r.headers['fly-machine-lease-nonce']);
    expect(extensions.length).toBeGreaterThanOrEqual(3);
    expect([...emu.machines.values()].every((m) => m.lease === undefined)).toBe(true);
  });

  test('a machine that is not started within --machine-timeout is rolled back', async () => {
    emu.startDelay = 1000;
    const { io, run } = deploy({ 'machine-timeout': 30 });
    const log = io.log;
    io.log = (line) => {
      log(line);
      if (/restoring/.test(line)) emu.startDelay = 0; // the old image starts promptly
    };
    const outcome = await run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(outcome.data.error!.message).toMatch(/machine m1: not started within the machine timeout/);
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
  });

  test('when the rollback itself cannot complete, the run ends failed with the manual rollback command', async () => {
    emu.startDelay = 1000;
    const outcome = await deploy({ 'machine-timeout': 30 }).run();
    expect(outcome.data.outcome).toBe('failed');
    expect(outcome.data.timeline.map((t) => t.state).slice(-2)).toEqual(['rolling-back', 'failed']);
    expect(outcome.data.timeline.at(-1)!.message).toMatch(/switching back failed: restoring the recorded images failed on m1: not started .* Roll back with: paved deploy fly .* --rollback --image registry\.fly\.io\/paved-demo:deployment-old/);
  });

  test('stopped (autostopped) machines are updated after the started ones, without being launched', async () => {
    emu.machines.clear();
    emu.addMachine('s1', OLD, { state: 'stopped' });
    emu.addMachine('m1', OLD);
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(updates().map((r) => [r.path.split('/').pop(), r.json.skip_launch ?? false])).toEqual([
      ['m1', false],
      ['s1', true],
    ]);
    expect(emu.machines.get('s1')!.state).toBe('stopped');
    expect(emu.images('app')).toEqual([NEW, NEW]);
  });

  test('a bad image is caught on the started machine before a stopped one changes, and both end on the old image', async () => {
    emu.machines.clear();
    emu.addMachine('s1', OLD, { state: 'stopped' });
    emu.addMachine('m1', OLD);
    emu.behaviour.set(NEW, 'unhealthy');
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(updates().map((r) => r.path.split('/').pop())).toEqual(['m1', 'm1']);
    expect(emu.images('app')).toEqual([OLD, OLD]);
  });

  test('a rollback after the production probe restores a stopped machine without launching it', async () => {
    emu.machines.clear();
    emu.addMachine('s1', OLD, { state: 'stopped' });
    emu.addMachine('m1', OLD);
    emu.behaviour.set(NEW, 'broken');
    const outcome = await deploy({ 'health-successes': 1 }).run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(updates().map((r) => [r.path.split('/').pop(), r.json.config.image === OLD, r.json.skip_launch ?? false])).toEqual([
      ['m1', false, false],
      ['s1', false, true],
      ['s1', true, true],
      ['m1', true, false],
    ]);
    expect(emu.machines.get('s1')!.state).toBe('stopped');
    expect(emu.images('app')).toEqual([OLD, OLD]);
  });

  test('staging (no auto-rollback): the failure is reported with the exact rollback command, which works', async () => {
    emu.behaviour.set(NEW, 'unhealthy');
    const { io, run } = deploy({ environment: 'staging' });
    const failed = await run();
    expect(failed.data.outcome).toBe('failed');
    expect(emu.images('app')).toEqual([NEW, OLD, OLD]);
    expect(io.lines).toContain(`machines now: m1 failed (${NEW}), m2 not-reached (${OLD}), m3 not-reached (${OLD})`);
    const command = failed.data.rollbackCommand;
    expect(command).toBe(`paved deploy fly --app paved-demo --process-group app --environment staging --rollback --image ${OLD}`);
    expect(failed.annotations[0].message).toContain(command);

    const back = await deploy({ environment: 'staging', rollback: true, image: OLD }).run();
    expect(back.data.outcome).toBe('succeeded');
    expect(back.data.operation).toBe('rollback');
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
  });

  test('rollback on demand without --image returns to the image recorded on the machines', async () => {
    await deploy().run();
    expect(emu.images('app')).toEqual([NEW, NEW, NEW]);
    const back = await deploy({ rollback: true, image: '' }).run();
    expect(back.data.outcome).toBe('succeeded');
    expect(back.outputs).toMatchObject({ version: OLD, 'previous-version': NEW });
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
  });

  test('rollback on demand from a deploy record returns to the version that record replaced', async () => {
    const first = await deploy({ record: 'first.json' }).run();
    expect(first.data.outcome).toBe('succeeded');
    await deploy({ image: 'registry.fly.io/paved-demo:deployment-newer' }).run();
    // the machines now record NEW as previous; the first record says OLD
    const back = await deploy({ rollback: true, image: '', 'from-record': 'first.json' }).run();
    expect(back.data.outcome).toBe('succeeded');
    expect(emu.images('app')).toEqual([OLD, OLD, OLD]);
    fs.writeFileSync(path.join(cwd, 'other.json'), JSON.stringify({ ...first.data, target: 'fly other-app (app)' }));
    const err = await deploy({ rollback: true, image: '', 'from-record': 'other.json' }).run().catch((e) => e);
    expect(err.describe()).toMatch(/other\.json: from-record: the record is of fly other-app \(app\), not of Fly app paved-demo/);
  });

  test('the app name comes from fly.toml when --app is absent, and the token never shows in any output', async () => {
    const outcome = await deploy().run();
    expect(outcome.data.target).toBe('fly paved-demo (app)');
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    expect(secrets.redact(`Bearer ${TOKEN}`)).toBe('Bearer ***');
  });

  describe('bad inputs stop before any request that changes something', () => {
    test('no fly.toml and no --app', async () => {
      fs.rmSync(path.join(cwd, 'fly.toml'));
      const err = await deploy().run().catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.describe()).toMatch(/fly\.toml: no Fly app name: --app was not given/);
      expect(emu.http.requests).toHaveLength(0);
    });

    test('fly.toml without an app line, and fly.toml that is not TOML', async () => {
      fs.writeFileSync(path.join(cwd, 'fly.toml'), 'primary_region = "ams"\n');
      expect((await deploy().run().catch((e) => e)).describe()).toMatch(/fly\.toml: app: fly\.toml has no `app = "\.\.\."` line/);
      fs.writeFileSync(path.join(cwd, 'fly.toml'), 'app = "unterminated\n');
      expect((await deploy().run().catch((e) => e)).describe()).toMatch(/fly\.toml: fly\.toml is not valid TOML/);
      expect(emu.http.requests).toHaveLength(0);
    });

    test('missing token, and a token the API rejects', async () => {
      const err = await deploy({ 'fly-api-token': undefined }).run().catch((e) => e);
      expect(err.describe()).toMatch(/FLY_API_TOKEN: missing the Fly API token/);
      expect(emu.http.requests).toHaveLength(0);
      const rejected = await deploy({ 'fly-api-token': 'wrong-token' }).run().catch((e) => e);
      expect(rejected.describe()).toMatch(/FLY_API_TOKEN: the Fly API rejected the token for app paved-demo \(HTTP 401\)/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('missing image', async () => {
      const err = await deploy({ image: '' }).run().catch((e) => e);
      expect(err.describe()).toMatch(/image: missing the image to deploy/);
      expect(emu.http.requests).toHaveLength(0);
    });

    test('a process group with no machines', async () => {
      const err = await deploy({ 'process-group': 'web' }).run().catch((e) => e);
      expect(err.describe()).toMatch(/process-group: app paved-demo has no machines in process group "web"\n  hint: the app's process groups are: app, worker/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('an app that does not exist', async () => {
      const err = await deploy({ app: 'no-such-app' }).run().catch((e) => e);
      expect(err.describe()).toMatch(/app: Fly app no-such-app not found/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('plain http to a non-loopback API', async () => {
      const err = await deploy({ 'api-url': 'http://api.machines.dev/v1' }).run().catch((e) => e);
      expect(err.describe()).toMatch(/base-url: http:\/\/ is not allowed for api\.machines\.dev/);
      expect(emu.http.requests).toHaveLength(0);
    });
  });

  test('deploy tokens are sent as FlyV1 macaroons, personal tokens as bearer tokens', () => {
    expect(flyAuthorization('fm2_abc')).toBe('FlyV1 fm2_abc');
    expect(flyAuthorization('FlyV1 fm2_abc')).toBe('FlyV1 fm2_abc');
    expect(flyAuthorization('personal')).toBe('Bearer personal');
  });
});
