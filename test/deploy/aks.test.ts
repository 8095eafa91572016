// AKS blue-green scenarios against the Kubernetes emulator: for each fault, production keeps serving a
// healthy version, the cluster ends in the state the record claims, and nothing a rollback needs is gone.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { AKS_INPUTS, deployAks } from '../../src/deploy/aks';
import { GateFailure, InputError } from '../../src/platform/errors';
import { KubernetesEmulator } from './emulators/kubernetes';
import { expectValidRecord, inputs, testIo, tmpDir } from './support';
import type { DeployRecord } from '../../src/deploy/records';

const FIXTURES = path.join(__dirname, 'fixtures', 'aks');
const IMAGE = (v: string) => `registry.example/web:${v}`;

let kube: KubernetesEmulator;
let server: string;
let work: string;

beforeEach(async () => {
  kube = new KubernetesEmulator({ namespaces: ['default', 'shop'] });
  server = await kube.start();
  work = tmpDir('paved-aks-');
});
afterEach(async () => {
  await kube.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

function deploy(values: Record<string, string | number | boolean | string[] | undefined>, io = testIo(FIXTURES)) {
  const run = deployAks(
    inputs({ server, token: kube.token, manifests: 'k8s/base', 'health-path': '/healthz', 'poll-interval': 1, environment: 'prod', ...values }, AKS_INPUTS),
    io,
  );
  return { run, io };
}

async function deployed(version: string, extra: Record<string, string | number | boolean | undefined> = {}) {
  const { run, io } = deploy({ image: IMAGE(version), ...extra });
  const outcome = await run;
  return { outcome, record: outcome.data as DeployRecord, io };
}

const selector = () => kube.get('Service', 'default', 'web')?.spec.selector;
const replicas = (colour: string) => kube.get('Deployment', 'default', `web-${colour}`)?.spec.replicas;
const servicePatches = () => kube.mutations().filter((r) => r.path.endsWith('/services/web'));

/** The record's claim about what serves now, checked against what production actually answers. */
async function expectRecordTrue(record: DeployRecord): Promise<void> {
  const live = record.versions.live ?? record.versions.previous;
  expect(await production()).toEqual({ status: 200, images: [IMAGE(live as string)] });
}

/** What users get from production right now (through the emulated ingress in front of the Service). */
async function production(): Promise<{ status: number; images: string[] }> {
  const res = await fetch(`${server}/ingress/default/web/healthz`);
  const body = (await res.json()) as { images?: string[] };
  return { status: res.status, images: body.images ?? [] };
}

describe('AKS blue-green deploy', () => {
  test('first deploy creates the blue colour, then the Service, and writes a valid record', async () => {
    const { outcome, record, io } = await deployed('1.0.0', { record: path.join(work, 'deploy.json') });
    expect(outcome.exitCode).toBe(0);
    expect(record.outcome).toBe('succeeded');
    expect(record.versions).toEqual({ requested: '1.0.0', candidate: '1.0.0', live: '1.0.0' });
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    expect(kube.get('Deployment', 'default', 'web-blue')?.spec.selector.matchLabels).toEqual({ app: 'web', color: 'blue' });
    expect(kube.get('ConfigMap', 'default', 'web-settings')?.data).toEqual({ GREETING: 'hello' });
    expect(record.timeline.map((t) => t.state)).toEqual(['inspecting', 'locked', 'deploying', 'verifying', 'switching', 'confirming', 'succeeded']);
    expect(outcome.outputs).toMatchObject({ version: '1.0.0', 'previous-version': '', outcome: 'succeeded' });
    const written = JSON.parse(fs.readFileSync(path.join(work, 'deploy.json'), 'utf8'));
    expectValidRecord(written);
    expect(written.id).toBe(record.id);
    expect(kube.get('Lease', 'default', 'paved-deploy-web')).toBeUndefined();
    expect(io.lines.some((l) => l.includes('successfully rolled out'))).toBe(true);
    expect(JSON.stringify(written)).not.toContain(kube.token);
  });

  test('second deploy switches to green with one selector patch and keeps blue scaled', async () => {
    await deployed('1.0.0');
    const { record } = await deployed('1.1.0');
    expect(record.outcome).toBe('succeeded');
    expect(record.versions).toMatchObject({ previous: '1.0.0', live: '1.1.0' });
    expect(selector()).toEqual({ app: 'web', color: 'green' });
    expect(replicas('blue')).toBe(2);
    const service = kube.get('Service', 'default', 'web');
    expect(JSON.parse(service?.metadata.annotations['paved.dev/previous-selector'])).toEqual({ app: 'web', color: 'blue' });
    expect(JSON.parse(service?.metadata.annotations['paved.dev/deploy'])).toMatchObject({ version: '1.1.0', previousVersion: '1.0.0' });
    // The preview Service follows the idle colour: after the switch it shows what a rollback returns to.
    expect(kube.get('Service', 'default', 'web-preview')?.spec.selector.color).toBe('blue');
    expect(record.rollbackCommand).toBe('paved deploy aks --rollback --environment prod --namespace default --app web');
    expect((record.details?.candidate as { kubectlRollback: string }).kubectlRollback).toBe(
      `kubectl -n default patch service web --type merge -p '{"spec":{"selector":{"app":"web","color":"blue"}}}'`,
    );
  });

  test('--rollback is one selector patch back to the kept colour, checked first', async () => {
    await deployed('1.0.0');
    await deployed('1.1.0');
    const before = kube.mutations().length;
    const { run } = deploy({ rollback: true, manifests: undefined, app: 'web' });
    const outcome = await run;
    const record = outcome.data as DeployRecord;
    expect(record.operation).toBe('rollback');
    expect(record.outcome).toBe('succeeded');
    expect(record.versions).toMatchObject({ previous: '1.1.0', candidate: '1.0.0', live: '1.0.0' });
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    const mutations = kube.mutations().slice(before).map((r) => `${r.method} ${r.path.replace(/^.*namespaces\/default\//, '')}`);
    expect(mutations).toEqual(['POST leases', 'PATCH services/web', 'DELETE leases/paved-deploy-web']);
    expect(record.checks.map((c) => [c.phase, c.ok])).toEqual([['candidate', true], ['live', true]]);
  });

  test.each([
    ['pull-fail', /ImagePullBackOff|ErrImagePull/],
    ['crash', /CrashLoopBackOff/],
    ['never-ready', /exceeded its progress deadline/],
  ] as const)('%s: aborts before the switch; blue keeps serving', async (behaviour, message) => {
    await deployed('1.0.0');
    kube.behaviour.set(IMAGE('2.0.0'), behaviour);
    const patchesBefore = servicePatches().length;
    const { outcome, record } = await deployed('2.0.0');
    expect(outcome.exitCode).toBe(1);
    expect(record.outcome).toBe('aborted');
    expect(record.error?.message).toMatch(message);
    expect(record.versions).toMatchObject({ previous: '1.0.0' });
    expect(record.versions.live).toBeUndefined();
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    expect(servicePatches().length).toBe(patchesBefore);
    expect(kube.get('Deployment', 'default', 'web-green')?.metadata.annotations['paved.dev/failed']).toMatch(message);
    expect(replicas('blue')).toBe(2);
    expect(await production()).toEqual({ status: 200, images: [IMAGE('1.0.0')] });
    await expectRecordTrue(record);
    expect(kube.get('Lease', 'default', 'paved-deploy-web')).toBeUndefined();
  });

  test('a new colour that fails its pre-switch check never takes traffic', async () => {
    await deployed('1.0.0');
    kube.unhealthy.add(IMAGE('2.0.0'));
    const { record } = await deployed('2.0.0', { 'health-timeout': 10 });
    expect(record.outcome).toBe('aborted');
    expect(record.checks[0]).toMatchObject({ phase: 'candidate', ok: false });
    expect(record.checks[0].url).toContain('/services/web-preview:80/proxy');
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    expect(await production()).toEqual({ status: 200, images: [IMAGE('1.0.0')] });
    await expectRecordTrue(record);
  });

  test('health failure after the switch in prod: switched back automatically, nothing deleted', async () => {
    await deployed('1.0.0');
    kube.unhealthyLive.add(IMAGE('2.0.0'));
    const { outcome, record } = await deployed('2.0.0', { 'health-timeout': 10 });
    expect(outcome.exitCode).toBe(1);
    expect(record.outcome).toBe('rolled-back');
    expect(record.versions).toMatchObject({ previous: '1.0.0', candidate: '2.0.0', live: '1.0.0' });
    expect(record.timeline.map((t) => t.state)).toEqual(['inspecting', 'locked', 'deploying', 'verifying', 'switching', 'confirming', 'rolling-back', 'rolled-back']);
    expect(record.checks.map((c) => [c.phase, c.ok])).toEqual([['candidate', true], ['live', false], ['rollback', true]]);
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    expect(await production()).toEqual({ status: 200, images: [IMAGE('1.0.0')] });
    await expectRecordTrue(record);
    // Both colours are still there: blue serving, green kept (marked failed) for inspection.
    expect(replicas('blue')).toBe(2);
    expect(replicas('green')).toBe(2);
    expect(kube.get('Deployment', 'default', 'web-green')?.metadata.annotations['paved.dev/failed']).toBeTruthy();
    // The Service's rollback annotation is what it was before the failed deploy.
    expect(kube.get('Service', 'default', 'web')?.metadata.annotations?.['paved.dev/previous-selector']).toBeUndefined();
    expect(outcome.annotations[0].message).toContain('Rollback: paved deploy aks --rollback');
  });

  test('staging does not roll back by itself: it stops with the exact rollback command, which works', async () => {
    await deployed('1.0.0', { environment: 'staging' });
    kube.unhealthyLive.add(IMAGE('2.0.0'));
    const { record } = await deployed('2.0.0', { environment: 'staging', 'health-timeout': 10 });
    expect(record.outcome).toBe('failed');
    expect(record.environment).toEqual({ name: 'staging', tier: 'staging', autoRollback: false });
    expect(selector()).toEqual({ app: 'web', color: 'green' });
    expect(record.rollbackCommand).toBe('paved deploy aks --rollback --environment staging --namespace default --app web');
    expect(record.timeline.at(-1)?.message).toContain(record.rollbackCommand);
    const { run } = deploy({ rollback: true, manifests: undefined, app: 'web', environment: 'staging' });
    expect((await production()).status).toBe(500);
    const back = (await run).data as DeployRecord;
    expect(back.outcome).toBe('succeeded');
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    expect(await production()).toEqual({ status: 200, images: [IMAGE('1.0.0')] });
    await expectRecordTrue(back);
  });

  test('429 with Retry-After and a dropped connection are retried; the deploy succeeds', async () => {
    await deployed('1.0.0');
    kube.http.fault('GET', '/apis/apps/v1/namespaces/default/deployments/web-green', { status: 429, headers: { 'retry-after': '3' }, body: { kind: 'Status', code: 429 } });
    kube.http.fault('GET', '/api/v1/namespaces/default/services/web', { drop: true });
    const { record, io } = await deployed('1.1.0', { url: `${server}/ingress/default/web` });
    expect(record.outcome).toBe('succeeded');
    expect(record.url).toBe(`${server}/ingress/default/web`);
    expect(io.sleeps).toContain(3000);
    expect(selector()).toEqual({ app: 'web', color: 'green' });
    expect(await production()).toEqual({ status: 200, images: [IMAGE('1.1.0')] });
    await expectRecordTrue(record);
  });

  test('a dropped connection on the selector patch is resolved by reading the Service back', async () => {
    await deployed('1.0.0');
    kube.http.fault('PATCH', '/api/v1/namespaces/default/services/web', { status: 503, afterHandler: true, times: 5 });
    const { record } = await deployed('1.1.0');
    expect(record.outcome).toBe('succeeded');
    expect(selector()).toEqual({ app: 'web', color: 'green' });
  });

  test('a colour that is still not ready at the deadline is abandoned before the switch', async () => {
    await deployed('1.0.0');
    kube.behaviour.set(IMAGE('2.0.0'), 'never-ready');
    kube.progressDeadlineTicks = 10000;
    const { record, io } = await deployed('2.0.0', { timeout: 5, 'poll-interval': 1 });
    expect(record.outcome).toBe('aborted');
    expect(record.error?.message).toMatch(/^web-green was not ready within 5 s: 0 of 2 updated replicas of web-green are available\n  hint: kubectl -n default describe pods/);
    expect(io.sleeps.filter((ms) => ms === 1000).length).toBeGreaterThanOrEqual(4);
    await expectRecordTrue(record);
  });

  test('when the Service can be neither patched nor read back, the run ends failed with the rollback command', async () => {
    await deployed('1.0.0');
    const io = testIo(FIXTURES);
    const log = io.log;
    io.log = (message) => {
      log(message);
      if (message.startsWith('patching Service web selector')) {
        kube.http.fault('PATCH', '/api/v1/namespaces/default/services/web', { status: 503, times: 5 });
        kube.http.fault('GET', '/api/v1/namespaces/default/services/web', { drop: true, times: 5 });
      }
    };
    const record = (await deploy({ image: IMAGE('1.1.0') }, io).run).data as DeployRecord;
    expect(record.outcome).toBe('failed');
    expect(record.error?.message).toMatch(/cannot be read back/);
    expect(record.timeline.at(-1)?.message).toContain('the switch may still complete: check production, then roll back if needed with: paved deploy aks --rollback');
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    await expectRecordTrue({ ...record, versions: { ...record.versions, live: '1.0.0' } });
  });

  test('another deploy in progress (held lock): refused before any change', async () => {
    await deployed('1.0.0');
    kube.seed({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'paved-deploy-web', namespace: 'default' },
      spec: { holderIdentity: 'run 42 https://ci.example/42', leaseDurationSeconds: 3600, acquireTime: '2026-03-01T09:50:00.000000Z', renewTime: '2026-03-01T09:50:00.000000Z' },
    });
    const before = kube.mutations().length;
    await expect(deployed('1.1.0')).rejects.toThrow(/another deploy holds default\/paved-deploy-web \(run 42/);
    await expect(deployed('1.1.0')).rejects.toBeInstanceOf(GateFailure);
    expect(kube.mutations().slice(before).map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
  });

  test('an abandoned lock (older than its lease duration) is taken over', async () => {
    kube.seed({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'paved-deploy-web', namespace: 'default' },
      spec: { holderIdentity: 'dead runner', leaseDurationSeconds: 60, renewTime: '2026-03-01T08:00:00.000000Z' },
    });
    const { record, io } = await deployed('1.0.0');
    expect(record.outcome).toBe('succeeded');
    expect(io.lines.some((l) => l.includes('taking over an abandoned deploy lock'))).toBe(true);
  });

  test('an overlay folder (k8s/overlays/prod on k8s/base) deploys into its namespace', async () => {
    const { record } = await deployed('1.0.0', { manifests: 'k8s/overlays/prod' });
    expect(record.outcome).toBe('succeeded');
    expect(record.target).toBe('aks shop/web');
    expect(kube.get('Deployment', 'shop', 'web-blue')?.spec.replicas).toBe(3);
    expect(kube.get('ConfigMap', 'shop', 'web-settings')?.data).toEqual({ GREETING: 'hello from prod' });
    expect(kube.get('Service', 'shop', 'web')?.spec.selector).toEqual({ app: 'web', color: 'blue' });
    expect(kube.get('Service', 'default', 'web')).toBeUndefined();
  });

  test('an autoscaler aimed at the app follows the colour; each colour keeps its own', async () => {
    const dir = tmpDir('paved-aks-hpa-');
    try {
      fs.cpSync(path.join(FIXTURES, 'k8s', 'base'), dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, 'hpa.yaml'),
        'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 6\n',
      );
      await deployed('1.0.0', { manifests: dir });
      await deployed('1.1.0', { manifests: dir });
      expect(kube.get('HorizontalPodAutoscaler', 'default', 'web-blue')?.spec.scaleTargetRef.name).toBe('web-blue');
      expect(kube.get('HorizontalPodAutoscaler', 'default', 'web-green')?.spec.scaleTargetRef.name).toBe('web-green');
      expect(kube.get('HorizontalPodAutoscaler', 'default', 'web')).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('migrates a live colour-less Deployment without downtime and keeps it for rollback', async () => {
    kube.seed({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: IMAGE('0.9.0') }] } } },
    });
    kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } });
    const { record } = await deployed('1.0.0');
    expect(record.outcome).toBe('succeeded');
    expect(record.versions).toMatchObject({ previous: '0.9.0', live: '1.0.0' });
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
    expect(await production()).toEqual({ status: 200, images: [IMAGE('1.0.0')] });
    await expectRecordTrue(record);
    expect(kube.get('Deployment', 'default', 'web')?.spec.replicas).toBe(2);
    // Rolling back to the colour-less Deployment scales the colour down (its pods match that selector too).
    const back = (await deploy({ rollback: true, manifests: undefined, app: 'web' }).run).data as DeployRecord;
    expect(back.outcome).toBe('succeeded');
    expect(selector()).toEqual({ app: 'web' });
    expect(replicas('blue')).toBe(0);
    expect(await production()).toEqual({ status: 200, images: [IMAGE('0.9.0')] });
    await expectRecordTrue(back);
  });
});

describe('AKS bad inputs stop before any change', () => {
  const cases: Array<[string, Record<string, string | undefined>, RegExp]> = [
    ['missing manifests folder', { manifests: 'k8s/nope' }, /manifests not found/],
    ['Service without the colour selector', { manifests: 'no-colour' }, /Service web has no "color" key in spec.selector/],
    ['wrong namespace', { namespace: 'nope' }, /namespace "nope" does not exist/],
    ['manifests for another namespace', { manifests: 'k8s/overlays/prod', namespace: 'default' }, /manifests are for namespace "shop"/],
    ['expired token (401)', { token: 'expired' }, /rejected the token \(401 Unauthorized\)/],
    ['image for a repository no container uses', { image: 'other.example/api:1' }, /no container uses the repository other.example\/api/],
    ['unknown environment tier', { environment: 'blue-moon' }, /cannot tell whether environment "blue-moon"/],
    ['cluster CA that is not a certificate', { ca: 'not-a-certificate' }, /ca: not a PEM certificate/],
    ['production URL that is not a URL', { url: 'shop.example.com/healthz' }, /not a valid URL: shop.example.com/],
    ['health regex that does not compile', { 'health-body-regex': '(ok' }, /not a valid regular expression/],
    ['rollback without a recorded previous version', { rollback: 'true', manifests: undefined, app: 'web', image: undefined }, /records no previous version/],
  ];
  test.each(cases)('%s', async (_name, values, message) => {
    await deployed('1.0.0');
    const before = kube.mutations().length;
    const attempt = deploy({ image: IMAGE('1.1.0'), ...values }).run;
    await expect(attempt).rejects.toBeInstanceOf(InputError);
    await expect(deploy({ image: IMAGE('1.1.0'), ...values }).run).rejects.toThrow(message);
    expect(kube.mutations().length).toBe(before);
    expect(selector()).toEqual({ app: 'web', color: 'blue' });
  });

  test('a live Service without a colour that selects no single Deployment is refused', async () => {
    kube.seed({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'something-else' }, ports: [{ port: 80 }] } });
    await expect(deployed('1.0.0')).rejects.toThrow(/has no "color" key and matches 0 colour-less Deployments/);
    expect(kube.mutations()).toEqual([]);
  });
});
