// Scenario suite for `deploy-databricks`: the core the action and the CLI share, against the emulated
// workspace on simulated time. For every fault the job must end on a known wheel that exists, the
// record must say which, and the other wheel must still be on the volume to return to.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { deployDatabricks, DATABRICKS_ALL_INPUTS } from '../../src/deploy/databricks/step';
import { TAG_PREVIOUS_WHEEL, TAG_WHEEL } from '../../src/deploy/databricks/jobs';
import { CLIENT_ID, CLIENT_SECRET, DatabricksEmulator, GITHUB_JWT, GITHUB_REQUEST_TOKEN, PAT, type EmuJob } from './emulators/databricks';
import { expectValidRecord, inputs, testIo } from './support';

const VOLUME = '/Volumes/main/deploy/wheels';
const OLD_PATH = `${VOLUME}/paved_demo/1.4.0/paved_demo-1.4.0-py3-none-any.whl`;
const NEW_PATH = `${VOLUME}/paved_demo/1.5.0/paved_demo-1.5.0-py3-none-any.whl`;
const OLD_BYTES = wheelBytes('1.4.0');

/** A zip-shaped payload (local file header magic first), different per content. */
function wheelBytes(content: string): Buffer {
  return Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.from([0x14, 0x00, 0x80, 0xff, 0xfe]), Buffer.from(`paved_demo ${content}`)]);
}

function classicJob(extraTasks = 0): EmuJob {
  return {
    job_id: 123,
    creator_user_name: 'alice@example.com',
    run_as_user_name: 'sp-deployer',
    settings: {
      name: 'nightly-etl',
      run_as: { service_principal_name: 'sp-deployer' },
      schedule: { quartz_cron_expression: '0 0 2 * * ?', timezone_id: 'UTC', pause_status: 'UNPAUSED' },
      max_concurrent_runs: 1,
      queue: { enabled: true },
      tags: { team: 'data' },
      job_clusters: [{ job_cluster_key: 'main', new_cluster: { spark_version: '15.4.x-scala2.12', num_workers: 2 } }],
      tasks: [
        {
          task_key: 'etl',
          job_cluster_key: 'main',
          python_wheel_task: { package_name: 'paved_demo', entry_point: 'etl' },
          libraries: [{ pypi: { package: 'requests==2.32.3' } }, { whl: OLD_PATH }],
        },
        ...Array.from({ length: extraTasks }, (_, i) => ({ task_key: `report_${i}`, depends_on: [{ task_key: 'etl' }], notebook_task: { notebook_path: `/Reports/r${i}` } })),
      ],
    },
  };
}

function serverlessJob(): EmuJob {
  return {
    job_id: 456,
    creator_user_name: 'alice@example.com',
    run_as_user_name: 'sp-deployer',
    settings: {
      name: 'serverless-etl',
      environments: [{ environment_key: 'default', spec: { environment_version: '2', dependencies: ['requests==2.32.3', OLD_PATH] } }],
      tasks: [{ task_key: 'etl', environment_key: 'default', python_wheel_task: { package_name: 'paved-demo', entry_point: 'etl' } }],
    },
  };
}

describe('deploy-databricks scenarios', () => {
  let emu: DatabricksEmulator;
  let host: string;
  let cwd: string;
  let newWheel: string;

  beforeEach(async () => {
    emu = new DatabricksEmulator();
    emu.addJob(classicJob());
    emu.addJob(serverlessJob());
    emu.files.set(OLD_PATH, OLD_BYTES);
    host = await emu.start();
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dbx-'));
    fs.mkdirSync(path.join(cwd, 'dist'));
    newWheel = path.join(cwd, 'dist', 'paved_demo-1.5.0-py3-none-any.whl');
    fs.writeFileSync(newWheel, wheelBytes('1.5.0'));
  });
  afterEach(async () => {
    await emu.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const deploy = (values: Record<string, string | number | boolean | undefined> = {}, env: NodeJS.ProcessEnv = {}) => {
    const io = testIo(cwd, env);
    const given = { environment: 'dev', host, 'job-id': 123, 'wheel-dir': VOLUME, wheel: 'dist/paved_demo-1.5.0-py3-none-any.whl', 'databricks-token': PAT, ...values };
    return {
      io,
      run: async () => {
        const outcome = await deployDatabricks(inputs(given, DATABRICKS_ALL_INPUTS), io);
        expectValidRecord(outcome.data);
        return outcome;
      },
    };
  };
  const resets = () => emu.http.requests.filter((r) => r.path === '/api/2.2/jobs/reset');
  const job = (id = 123) => emu.jobs.get(id)!;

  test('happy path: versioned upload, one reset that keeps every other setting, previous wheel in the tags', async () => {
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(outcome.outputs).toMatchObject({ version: NEW_PATH, 'previous-version': OLD_PATH, outcome: 'succeeded', url: `${host}/jobs/123` });
    expect(emu.files.get(NEW_PATH)).toEqual(wheelBytes('1.5.0'));
    expect(emu.files.get(`${NEW_PATH}.sha256`)!.toString()).toMatch(/^[0-9a-f]{64}  paved_demo-1\.5\.0-py3-none-any\.whl\n$/);
    expect(emu.files.get(OLD_PATH)).toEqual(OLD_BYTES);
    const upload = emu.http.requests.find((r) => r.method === 'PUT' && r.path.endsWith('.whl'))!;
    expect(upload.query.get('overwrite')).toBe('false');
    expect(resets()).toHaveLength(1);
    const expected = structuredClone(classicJob().settings);
    expected.tasks[0].libraries[1].whl = NEW_PATH;
    expected.tags = { team: 'data', [TAG_WHEEL]: NEW_PATH, [TAG_PREVIOUS_WHEEL]: OLD_PATH };
    expect(resets()[0].json).toEqual({ job_id: 123, new_settings: expected });
    expect(job().settings).toEqual(expected);
  });

  test('serverless: the wheel is swapped in the environment dependencies of the wheel task', async () => {
    const outcome = await deploy({ 'job-id': 456 }).run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(job(456).settings.environments[0].spec).toEqual({ environment_version: '2', dependencies: ['requests==2.32.3', NEW_PATH] });
    expect(job(456).settings.tags).toEqual({ [TAG_WHEEL]: NEW_PATH, [TAG_PREVIOUS_WHEEL]: OLD_PATH });
  });

  test('a workspace folder as the wheel store: import-file without overwrite, then the same rollback story', async () => {
    const wsOld = '/Workspace/Shared/wheels/paved_demo/1.4.0/paved_demo-1.4.0-py3-none-any.whl';
    const wsNew = '/Workspace/Shared/wheels/paved_demo/1.5.0/paved_demo-1.5.0-py3-none-any.whl';
    emu.jobs.get(123)!.settings.tasks[0].libraries[1].whl = wsOld;
    emu.workspaceFiles.set(wsOld, OLD_BYTES);
    emu.failingWheels.add('1.5.0');
    const outcome = await deploy({ 'wheel-dir': '/Workspace/Shared/wheels', 'smoke-run': true }).run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(emu.workspaceFiles.get(wsNew)).toEqual(wheelBytes('1.5.0'));
    expect(emu.workspaceFiles.get(`${wsNew}.sha256`)!.toString()).toMatch(/^[0-9a-f]{64}  /);
    expect(emu.http.requests.filter((r) => r.path.startsWith('/api/2.0/workspace-files/import-file')).map((r) => r.query.get('overwrite'))).toEqual(['false', 'false', 'false']);
    expect(job().settings.tasks[0].libraries[1].whl).toBe(wsOld);
    expect([...emu.workspaceFiles.keys()].filter((k) => k.endsWith('.lock'))).toEqual([]);

    // the same version again with other bytes is refused before any change
    fs.writeFileSync(newWheel, wheelBytes('1.5.0 rebuilt'));
    emu.http.requests.length = 0;
    const err = await deploy({ 'wheel-dir': '/Workspace/Shared/wheels' }).run().catch((e) => e);
    expect(err.describe()).toMatch(/paved_demo 1\.5\.0 was already deployed with different bytes/);
    expect(emu.mutations()).toHaveLength(0);
  });

  test('jobs/get pagination: a 250-task job is read whole, so reset does not drop 150 tasks', async () => {
    emu.jobs.clear();
    emu.addJob(classicJob(249));
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(emu.http.requests.filter((r) => r.path === '/api/2.2/jobs/get' && r.query.get('page_token') === '2').length).toBeGreaterThan(0);
    expect(resets()[0].json.new_settings.tasks).toHaveLength(250);
    expect(job().settings.tasks.map((t: { task_key: string }) => t.task_key)).toEqual(classicJob(249).settings.tasks.map((t: { task_key: string }) => t.task_key));
  });

  test('the same version with the same bytes already on the volume is reused, not uploaded again', async () => {
    await deploy().run();
    emu.jobs.set(123, structuredClone(classicJob()));
    emu.http.requests.length = 0;
    const again = await deploy().run();
    expect(again.data.outcome).toBe('succeeded');
    expect(emu.http.requests.filter((r) => r.method === 'PUT' && /\.(whl|sha256)$/.test(r.path))).toHaveLength(0);
    expect(job().settings.tasks[0].libraries[1].whl).toBe(NEW_PATH);
  });

  test('a stale read after reset is waited out until the workspace shows the new wheel', async () => {
    emu.staleReadsAfterReset = 3;
    const { io, run } = deploy();
    const outcome = await run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(io.lines).toContain('the workspace shows the change after 4 reads');
    expect(resets()).toHaveLength(1);
  });

  test('a smoke run that fails: the job is reset to exactly its previous settings, both wheels stay', async () => {
    emu.failingWheels.add('1.5.0');
    const { io, run } = deploy({ 'smoke-run': true });
    const outcome = await run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.outputs).toMatchObject({ version: OLD_PATH, 'previous-version': OLD_PATH, outcome: 'rolled-back' });
    expect(outcome.data.error!.message).toMatch(/smoke run \d+ ended FAILED: Task etl failed with message: ModuleNotFoundError/);
    expect(job().settings).toEqual(classicJob().settings);
    expect(emu.files.has(OLD_PATH) && emu.files.has(NEW_PATH)).toBe(true);
    expect(resets()).toHaveLength(2);
    expect(io.sleeps).toContain(10_000);
  });

  test('run-now answered 503 after starting the run is retried with the same idempotency token: one run, not two', async () => {
    emu.http.fault('POST', '/api/2.2/jobs/run-now', { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' }, afterHandler: true });
    const outcome = await deploy({ 'smoke-run': true }).run();
    expect(outcome.data.outcome).toBe('succeeded');
    const calls = emu.http.requests.filter((r) => r.path === '/api/2.2/jobs/run-now');
    expect(calls).toHaveLength(2);
    expect(calls[0].json.idempotency_token).toBe(calls[1].json.idempotency_token);
    expect(emu.runs).toHaveLength(1);
  });

  test('a smoke run that does not finish in time is cancelled and counts as failed', async () => {
    emu.runReads = 1_000_000;
    const outcome = await deploy({ 'smoke-run': true, 'smoke-timeout': 60 }).run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(outcome.data.error!.message).toMatch(/smoke run \d+ did not finish within 60 s \(cancelled\)/);
    expect(emu.runs[0].cancelled).toBe(true);
    expect(job().settings).toEqual(classicJob().settings);
  });

  test('a smoke run that passes is recorded with the deploy', async () => {
    const outcome = await deploy({ 'smoke-run': true }).run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(emu.runs).toHaveLength(1);
    expect(emu.runs[0].wheel).toBe(NEW_PATH);
    expect(outcome.data.details!.candidate).toMatchObject({ smokeRun: { result: 'SUCCESS' } });
  });

  test('staging (no auto-rollback): the failure names the exact rollback command, which restores the job', async () => {
    emu.failingWheels.add('1.5.0');
    const failed = await deploy({ environment: 'staging', 'smoke-run': true }).run();
    expect(failed.data.outcome).toBe('failed');
    expect(job().settings.tasks[0].libraries[1].whl).toBe(NEW_PATH);
    expect(failed.data.rollbackCommand).toBe(`paved deploy databricks --host ${host} --job-id 123 --environment staging --rollback --wheel-path ${OLD_PATH}`);

    const back = await deploy({ environment: 'staging', rollback: true, 'wheel-path': OLD_PATH, 'smoke-run': true }).run();
    expect(back.data.outcome).toBe('succeeded');
    expect(back.outputs).toMatchObject({ version: OLD_PATH, 'previous-version': NEW_PATH });
    expect(job().settings.tasks[0].libraries[1].whl).toBe(OLD_PATH);
  });

  test('rollback on demand without a path returns to the wheel recorded in the job tags', async () => {
    await deploy().run();
    const back = await deploy({ rollback: true, wheel: '', 'wheel-dir': '' }).run();
    expect(back.data.outcome).toBe('succeeded');
    expect(job().settings.tasks[0].libraries[1].whl).toBe(OLD_PATH);
    expect(job().settings.tags[TAG_PREVIOUS_WHEEL]).toBe(NEW_PATH);
  });

  test('permission denied on reset: the deploy aborts and the job still uses the previous wheel', async () => {
    emu.readOnlyJobs.add(123);
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('aborted');
    expect(outcome.data.error!.message).toMatch(/permission denied on job 123/);
    expect(job().settings).toEqual(classicJob().settings);
    expect(outcome.outputs.version).toBe('');
    expect(outcome.outputs['previous-version']).toBe(OLD_PATH);
  });

  test('one deploy per job: a lock held by another run stops this one before any change, naming it', async () => {
    const lock = `${VOLUME.split('/').slice(0, 5).join('/')}/.paved/locks/job-123.lock`;
    emu.files.set(lock, Buffer.from(JSON.stringify({ deployId: 'd-1', actor: 'bob', runUrl: 'https://github.com/acme/data/actions/runs/9', since: '2026-11-22T19:58:00.000Z' })));
    const err = await deploy().run().catch((e) => e);
    expect(err.exitCode).toBe(1);
    expect(err.describe()).toMatch(/job 123 is being deployed by bob in https:\/\/github\.com\/acme\/data\/actions\/runs\/9 since 2026-11-22T19:58:00\.000Z\n  hint: wait for that run to finish; if it died, delete \/Volumes\/main\/deploy\/wheels\/\.paved\/locks\/job-123\.lock/);
    expect(job().settings).toEqual(classicJob().settings);
    expect(emu.files.has(NEW_PATH)).toBe(false);
    expect(emu.files.has(lock)).toBe(true);
  });

  test('the lock is released after a deploy, whether it succeeded or was rolled back', async () => {
    const locks = () => [...emu.files.keys()].filter((k) => k.endsWith('.lock'));
    await deploy().run();
    expect(locks()).toEqual([]);
    emu.failingWheels.add('1.6.0');
    fs.writeFileSync(path.join(cwd, 'dist', 'paved_demo-1.6.0-py3-none-any.whl'), wheelBytes('1.6.0'));
    const outcome = await deploy({ wheel: 'dist/paved_demo-1.6.0-py3-none-any.whl', 'smoke-run': true }).run();
    expect(outcome.data.outcome).toBe('rolled-back');
    expect(locks()).toEqual([]);
    expect(emu.http.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('.lock')).map((r) => r.query.get('overwrite'))).toEqual(['false', 'false']);
  });

  test('429 and 503 from the Jobs API are retried', async () => {
    emu.http.fault('GET', '/api/2.2/jobs/get', { status: 429, headers: { 'retry-after': '2' }, body: { error_code: 'REQUEST_LIMIT_EXCEEDED' } });
    emu.http.fault('POST', '/api/2.2/jobs/reset', { status: 503, body: { error_code: 'TEMPORARILY_UNAVAILABLE' } });
    const outcome = await deploy().run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(resets()).toHaveLength(2);
  });

  test('the wheel is built with the project command (argv, no shell) when no wheel is given', async () => {
    fs.rmSync(newWheel);
    const script = path.join(cwd, 'make-wheel.js');
    fs.writeFileSync(script, `require('fs').writeFileSync('dist/paved_demo-1.5.0-py3-none-any.whl', Buffer.concat([Buffer.from('PK\\x03\\x04', 'latin1'), Buffer.from('built')])); console.log('built wheel');\n`);
    const { io, run } = deploy({ wheel: '', build: `${process.execPath} make-wheel.js` });
    const outcome = await run();
    expect(outcome.data.outcome).toBe('succeeded');
    expect(io.lines).toContain('built wheel');
    expect(emu.files.get(NEW_PATH)!.toString('latin1')).toBe('PK\x03\x04built');
  });

  describe('credentials', () => {
    test('OAuth M2M: client credentials at /oidc/v1/token, the secret never printed', async () => {
      const outcome = await deploy({ 'databricks-token': undefined, 'client-id': CLIENT_ID, 'client-secret': CLIENT_SECRET }).run();
      expect(outcome.data.outcome).toBe('succeeded');
      const tokenRequest = emu.http.requests.find((r) => r.path === '/oidc/v1/token')!;
      expect(Object.fromEntries(new URLSearchParams(tokenRequest.body.toString()))).toEqual({ grant_type: 'client_credentials', scope: 'all-apis' });
      expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
      expect(JSON.stringify(outcome)).not.toContain(CLIENT_SECRET);
    });

    test('GitHub OIDC workload identity federation: the runtime token is exchanged (RFC 8693)', async () => {
      const env = { ACTIONS_ID_TOKEN_REQUEST_URL: `${host}/github-oidc/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: GITHUB_REQUEST_TOKEN };
      const outcome = await deploy({ 'databricks-token': undefined, 'client-id': CLIENT_ID, oidc: true, 'oidc-audience': 'acct-1234' }, env).run();
      expect(outcome.data.outcome).toBe('succeeded');
      const github = emu.http.requests.find((r) => r.path === '/github-oidc/token')!;
      expect(github.query.get('audience')).toBe('acct-1234');
      expect(github.query.get('api-version')).toBe('2.0');
      const exchange = emu.http.requests.find((r) => r.path === '/oidc/v1/token')!;
      expect(exchange.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(exchange.headers.authorization).toBeUndefined();
      expect(Object.fromEntries(new URLSearchParams(exchange.body.toString()))).toEqual({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: GITHUB_JWT,
        subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
        client_id: CLIENT_ID,
        scope: 'all-apis',
      });
      expect(JSON.stringify(outcome)).not.toContain(GITHUB_JWT);
    });

    test('GitLab id_tokens: the identity token is read from the named variable', async () => {
      const env = { GITLAB_DATABRICKS_ID_TOKEN: GITHUB_JWT };
      const outcome = await deploy({ 'databricks-token': undefined, 'client-id': CLIENT_ID, oidc: true, 'oidc-token-env': 'GITLAB_DATABRICKS_ID_TOKEN' }, env).run();
      expect(outcome.data.outcome).toBe('succeeded');
      expect(emu.http.requests.some((r) => r.path === '/github-oidc/token')).toBe(false);
    });

    test('a refused exchange is a clear input error before any change', async () => {
      const env = { GITLAB_DATABRICKS_ID_TOKEN: 'eyJ.not-matching.policy' };
      const err = await deploy({ 'databricks-token': undefined, 'client-id': CLIENT_ID, oidc: true, 'oidc-token-env': 'GITLAB_DATABRICKS_ID_TOKEN' }, env).run().catch((e) => e);
      expect(err.describe()).toMatch(/oidc: the Databricks token endpoint refused the identity token \(HTTP 400\)\n  hint: check the federation policy/);
      expect(emu.mutations()).toHaveLength(0);
    });
  });

  describe('bad inputs stop before any change', () => {
    test('a job id that does not exist', async () => {
      const err = await deploy({ 'job-id': 999 }).run().catch((e) => e);
      expect(err).toBeInstanceOf(InputError);
      expect(err.describe()).toMatch(/job-id: job 999 does not exist in this workspace/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('a wheel whose version was already deployed with different bytes', async () => {
      emu.files.set(NEW_PATH, wheelBytes('1.5.0 built elsewhere'));
      emu.files.set(`${NEW_PATH}.sha256`, Buffer.from(`${'ab'.repeat(32)}  paved_demo-1.5.0-py3-none-any.whl\n`));
      const err = await deploy().run().catch((e) => e);
      expect(err.describe()).toMatch(/paved_demo 1\.5\.0 was already deployed with different bytes \(sha256 abababababab…, this build [0-9a-f]{12}…\)\n  hint: bump the package version/);
      expect(emu.mutations()).toHaveLength(0);
      expect(job().settings).toEqual(classicJob().settings);
    });

    test('a wheel version already on the volume without a digest, with other bytes', async () => {
      emu.files.set(NEW_PATH, wheelBytes('1.5.0 built elsewhere'));
      const err = await deploy().run().catch((e) => e);
      expect(err.describe()).toMatch(/paved_demo 1\.5\.0 was already deployed with different bytes \(sha256 [0-9a-f]{12}…, this build [0-9a-f]{12}…\)/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('a wheel version already on the volume without a digest, byte for byte the same, is reused', async () => {
      emu.files.set(NEW_PATH, wheelBytes('1.5.0'));
      const outcome = await deploy().run();
      expect(outcome.data.outcome).toBe('succeeded');
      expect(emu.mutations().filter((r) => r.method === 'PUT' && r.path.endsWith('.whl'))).toHaveLength(0);
      expect(JSON.stringify(job().settings)).toContain(NEW_PATH);
    });

    test('a digest of other bytes left without its wheel (an interrupted upload)', async () => {
      emu.files.set(`${NEW_PATH}.sha256`, Buffer.from(`${'cd'.repeat(32)}  paved_demo-1.5.0-py3-none-any.whl\n`));
      const err = await deploy().run().catch((e) => e);
      expect(err.describe()).toMatch(/a digest of other bytes for paved_demo 1\.5\.0 is in the wheel folder without its wheel/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('missing token', async () => {
      const err = await deploy({ 'databricks-token': undefined }).run().catch((e) => e);
      expect(err.describe()).toMatch(/DATABRICKS_TOKEN: no Databricks credentials/);
      expect(emu.http.requests).toHaveLength(0);
    });

    test('a job without a wheel task for the package', async () => {
      emu.jobs.get(123)!.settings.tasks[0].libraries = [{ pypi: { package: 'requests' } }];
      const err = await deploy().run().catch((e) => e);
      expect(err.describe()).toMatch(/job 123 has no python_wheel_task that installs a paved_demo wheel/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('a wheel folder that is neither a volume nor a workspace folder, and a file that is not a wheel', async () => {
      expect((await deploy({ 'wheel-dir': 'dbfs:/FileStore/wheels' }).run().catch((e) => e)).describe()).toMatch(/wheel-dir: "dbfs:\/FileStore\/wheels" is neither a Unity Catalog volume nor a workspace folder/);
      fs.writeFileSync(path.join(cwd, 'notes.txt'), 'x');
      expect((await deploy({ wheel: 'notes.txt' }).run().catch((e) => e)).describe()).toMatch(/notes\.txt: not a wheel file name/);
      expect(emu.http.requests).toHaveLength(0);
    });

    test('a volume that does not exist', async () => {
      const err = await deploy({ 'wheel-dir': '/Volumes/main/deploy/missing/wheels' }).run().catch((e) => e);
      expect(err.describe()).toMatch(/wheel-dir: the volume \/Volumes\/main\/deploy\/missing does not exist/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('rollback with no recorded previous wheel', async () => {
      const err = await deploy({ rollback: true }).run().catch((e) => e);
      expect(err.describe()).toMatch(/wheel-path: job 123 has no paved_wheel_previous tag to roll back to/);
      expect(emu.mutations()).toHaveLength(0);
    });

    test('a build that fails', async () => {
      const err = await deploy({ wheel: '', build: `${process.execPath} -e process.exit(3)` }).run().catch((e) => e);
      expect(err.describe()).toMatch(/build: the wheel build failed with exit code 3/);
      expect(emu.http.requests).toHaveLength(0);
    });
  });
});
