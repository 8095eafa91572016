// Azure Functions slot-swap scenarios against the ARM + Kudu emulator: for each fault, production keeps
// serving a healthy version, the slots end where the record says, and the previous version stays in the
// staging slot for the next swap back.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { deployFunctions, FUNCTIONS_INPUTS } from '../../src/deploy/functions';
import { InputError } from '../../src/platform/errors';
import type { DeployRecord } from '../../src/deploy/records';
import { AzureEmulator } from './emulators/azure';
import { expectValidRecord, inputs, testIo, tmpDir } from './support';

let azure: AzureEmulator;
let work: string;

beforeEach(async () => {
  azure = new AzureEmulator();
  await azure.start();
  work = tmpDir('paved-func-');
});
afterEach(async () => {
  await azure.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

/** A package whose "code" the emulated app runs: a zip local-file signature, then the code text. */
function pkg(code: string): string {
  const file = path.join(work, `${code}.zip`);
  fs.writeFileSync(file, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(code)]));
  return file;
}

function deploy(values: Record<string, string | number | boolean | undefined>) {
  const io = testIo(work);
  const run = deployFunctions(
    inputs(
      {
        'arm-url': azure.url,
        token: azure.token,
        subscription: 'sub-1',
        'resource-group': 'rg-api',
        app: 'func-api',
        environment: 'prod',
        'health-path': '/api/health',
        'health-timeout': 10,
        ...values,
      },
      FUNCTIONS_INPUTS,
    ),
    io,
  );
  return { run, io };
}

async function deployed(version: string, code = version, extra: Record<string, string | number | boolean | undefined> = {}) {
  const { run, io } = deploy({ package: pkg(code), version, ...extra });
  const outcome = await run;
  return { outcome, record: outcome.data as DeployRecord, io };
}

const prod = () => azure.slot('production');

/** What users get from production right now, on its host name. */
async function production(): Promise<{ status: number; code?: string }> {
  const res = await fetch(`http://${azure.host('production')}/api/health`);
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}

/** The record's claim about what serves now, checked against the version production itself reports. */
async function expectRecordTrue(record: DeployRecord): Promise<void> {
  const res = await fetch(`http://${azure.host('production')}/api/health`);
  const body = (await res.json()) as { version?: string };
  expect(res.status).toBe(200);
  expect(body.version).toBe(record.versions.live ?? record.versions.previous);
}
const staging = () => azure.slot('staging');

describe('Azure Functions slot swap', () => {
  test('deploys to staging, checks it, swaps, checks production; the previous version waits in staging', async () => {
    const { outcome, record, io } = await deployed('v1', 'v1', { record: 'out/deploy.json' });
    expect(outcome.exitCode).toBe(0);
    expect(record.outcome).toBe('succeeded');
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
    expect(prod().settings.PAVED_VERSION).toBe('v1');
    expect(prod().settings.SLOT_NAME).toBe('production');
    expect(staging().code).toBe('v0');
    expect(record.versions).toEqual({ requested: 'v1', previous: 'unrecorded', candidate: 'v1', live: 'v1' });
    expect(record.previewUrl).toBe(`http://${azure.host('staging')}`);
    expect(record.url).toBe(`http://${azure.host('production')}`);
    expect(record.checks.map((c) => [c.phase, c.ok])).toEqual([['candidate', true], ['live', true]]);
    const methods = azure.mutations().map((r) => `${r.method} ${r.path.replace(/^.*\/sites\/func-api/, '')}`);
    expect(methods).toEqual(['PUT /slots/staging/config/appsettings', 'POST /kudu/staging/api/zipdeploy', 'POST /slots/staging/slotsswap']);
    expect(io.sleeps).toContain(1000);
    const written = JSON.parse(fs.readFileSync(path.join(work, 'out/deploy.json'), 'utf8'));
    expectValidRecord(written);
    expect(JSON.stringify(written)).not.toContain(azure.token);
    expect(io.lines.join('\n')).not.toContain('s3cr3t-publish');
  });

  test('a second deploy records the previous version; --rollback swaps it back', async () => {
    await deployed('v1');
    const { record } = await deployed('v2');
    expect(record.versions).toMatchObject({ previous: 'v1', live: 'v2' });
    expect(staging().settings.PAVED_VERSION).toBe('v1');
    const back = (await deploy({ rollback: true }).run).data as DeployRecord;
    expect(back).toMatchObject({ operation: 'rollback', outcome: 'succeeded' });
    expect(back.versions).toMatchObject({ previous: 'v2', candidate: 'v1', live: 'v1' });
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(back);
    expect(staging().code).toBe('v2');
  });

  test('the Azure-AsyncOperation polling style works too', async () => {
    azure.lroStyle = 'async';
    const { record } = await deployed('v1');
    expect(record.outcome).toBe('succeeded');
    expect(azure.http.requests.some((r) => r.path.includes('/operations/op-1'))).toBe(true);
  });

  test('a build that fails in Kudu aborts before the swap', async () => {
    await deployed('v1');
    const { record } = await deployed('v2', 'v2-fails-to-build');
    expect(record.outcome).toBe('aborted');
    expect(record.error?.message).toMatch(/staging deployment Failed/);
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
    expect(azure.http.count('POST', '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/func-api/slots/staging/slotsswap')).toBe(1);
  });

  test('417 warm-up ping failure on the swap: production untouched, aborted', async () => {
    await deployed('v1');
    azure.http.fault('POST', '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/func-api/slots/staging/slotsswap', {
      status: 417,
      body: { error: { code: 'ExpectationFailed', message: "Cannot swap site slots for site 'func-api' because the 'staging' slot did not respond to http ping." } },
    });
    const { record } = await deployed('v2');
    expect(record.outcome).toBe('aborted');
    expect(record.error?.message).toMatch(/did not respond to the warm-up ping \(417\)/);
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
    expect(prod().settings.PAVED_VERSION).toBe('v1');
    expect(staging().code).toBe('v2');
  });

  test.each(['location', 'async'] as const)('LRO Failed (%s style): production untouched, aborted', async (style) => {
    await deployed('v1');
    azure.lroStyle = style;
    azure.failNextSwap = true;
    const { record } = await deployed('v2');
    expect(record.outcome).toBe('aborted');
    expect(record.error?.message).toMatch(/SwapFailed|failed/);
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
  });

  test('409 while another operation runs: the swap is retried and succeeds', async () => {
    await deployed('v1');
    azure.http.fault('POST', '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/func-api/slots/staging/slotsswap', {
      status: 409,
      body: { error: { code: 'Conflict', message: 'Cannot modify this site because another operation is in progress. OperationName: SwapSiteSlots' } },
    });
    const { record, io } = await deployed('v2');
    expect(record.outcome).toBe('succeeded');
    expect(io.sleeps).toContain(30000);
    expect(prod().code).toBe('v2');
  });

  test('Kudu 409 on the upload (a deployment started in between): aborted, production untouched', async () => {
    await deployed('v1');
    azure.http.fault('POST', '/kudu/staging/api/zipdeploy', { status: 409, body: 'There is a deployment currently in progress. Please try again when it completes.' });
    const { record } = await deployed('v2');
    expect(record.outcome).toBe('aborted');
    expect(record.error?.message).toMatch(/Kudu refused the staging deployment \(409\)/);
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
  });

  test('a swap that outlives its deadline ends failed (it may still complete), never swapped back', async () => {
    await deployed('v1');
    azure.swapPolls = 1000;
    const { record } = await deployed('v2', 'v2', { 'swap-timeout': 20 });
    expect(record.outcome).toBe('failed');
    expect(record.error?.message).toMatch(/did not finish within 20 s and is still running in Azure/);
    expect(record.timeline.at(-1)?.message).toContain('the switch may still complete');
    expect(record.timeline.map((t) => t.state)).not.toContain('rolling-back');
    expect(azure.http.count('POST', '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/func-api/slots/staging/slotsswap')).toBe(2);
  });

  test('a deployment already running on the slot: refused before any change', async () => {
    await deployed('v1');
    staging().deployments.push({ id: 'other', status: 1, polls: 0, code: 'x', message: 'someone else' });
    const before = azure.mutations().length;
    await expect(deployed('v2')).rejects.toThrow(/a deployment is already running on the staging slot/);
    expect(azure.mutations().length).toBe(before);
  });

  test('429 with Retry-After and a dropped connection are retried', async () => {
    azure.http.fault('GET', '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/func-api', { status: 429, headers: { 'retry-after': '7' }, body: { error: { code: 'TooManyRequests' } } });
    azure.http.fault('GET', '/kudu/staging/api/deployments/dep-1', { drop: true });
    const { record, io } = await deployed('v1');
    expect(record.outcome).toBe('succeeded');
    expect(io.sleeps).toContain(7000);
  });

  test('health failure after the swap in prod: swapped back automatically', async () => {
    await deployed('v1');
    const { outcome, record } = await deployed('v2', 'v2-broken-live');
    expect(outcome.exitCode).toBe(1);
    expect(record.outcome).toBe('rolled-back');
    expect(record.versions).toMatchObject({ previous: 'v1', candidate: 'v2', live: 'v1' });
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
    expect(prod().settings.PAVED_VERSION).toBe('v1');
    // The failed version is kept in staging for inspection.
    expect(staging().code).toBe('v2-broken-live');
    expect(azure.http.count('POST', '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/func-api/slots/staging/slotsswap')).toBe(3);
  });

  test('staging environment: a failed post-swap check stops with the rollback command', async () => {
    await deployed('v1', 'v1', { environment: 'staging' });
    const { record } = await deployed('v2', 'v2-broken-live', { environment: 'staging' });
    expect(record.outcome).toBe('failed');
    expect(prod().code).toBe('v2-broken-live');
    expect(record.rollbackCommand).toBe('paved deploy functions --rollback --environment staging --subscription sub-1 --resource-group rg-api --app func-api --slot staging');
  });

  test('a staging slot that fails its health check never gets swapped in', async () => {
    await deployed('v1');
    const { record } = await deployed('v2', 'v2-broken');
    expect(record.outcome).toBe('aborted');
    expect(record.checks[0]).toMatchObject({ phase: 'candidate', ok: false });
    expect(prod().code).toBe('v1');
    expect(await production()).toEqual({ status: 200, code: 'v1' });
    await expectRecordTrue(record);
  });

  test('swap with preview applies production settings first and resets them when the check fails', async () => {
    await deployed('v1');
    const { record } = await deployed('v2', 'v2-broken', { 'swap-preview': true });
    expect(record.outcome).toBe('aborted');
    const calls = azure.mutations().map((r) => r.path.split('/').pop());
    expect(calls.slice(-2)).toEqual(['applySlotConfig', 'resetSlotConfig']);
    expect(staging().previewApplied).toBe(false);
    const ok = await deployed('v3', 'v3', { 'swap-preview': true });
    expect(ok.record.outcome).toBe('succeeded');
    expect(prod().code).toBe('v3');
  });
});

describe('Azure Functions bad inputs stop before any change', () => {
  const cases: Array<[string, () => void, Record<string, string | undefined>, RegExp]> = [
    ['Flex Consumption plan (no slots)', () => (azure.flex = true), {}, /Flex Consumption plan, which has no deployment slots/],
    ['Linux Consumption plan', () => (azure.planTier = 'Dynamic'), {}, /Linux Consumption plan/],
    ['slot that does not exist', () => undefined, { slot: 'canary' }, /slot "canary" does not exist on func-api/],
    ['expired token (401)', () => undefined, { token: 'expired' }, /Azure rejected the token \(401\)/],
    ['app that does not exist', () => undefined, { app: 'func-nope' }, /Function App func-nope not found/],
    ['package that is not a zip', () => undefined, { package: 'not-a-zip' }, /package is not a zip file/],
    ['missing package', () => undefined, { package: 'missing.zip' }, /package not found/],
    ['plain http towards a real host', () => undefined, { 'arm-url': 'http://management.azure.com' }, /http:\/\/ is not allowed/],
    ['rollback with nothing recorded in the slot', () => undefined, { rollback: 'true' }, /records no previous version/],
  ];
  test.each(cases)('%s', async (_name, arrange, values, message) => {
    arrange();
    fs.writeFileSync(path.join(work, 'not-a-zip'), 'hello');
    const attempt = () => deploy({ package: pkg('v1'), version: 'v1', ...values }).run;
    await expect(attempt()).rejects.toBeInstanceOf(InputError);
    await expect(attempt()).rejects.toThrow(message);
    expect(azure.mutations()).toEqual([]);
    expect(prod().code).toBe('v0');
  });
});
