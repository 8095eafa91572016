// Parity: each deploy action and its `paved deploy ...` command are one core with one input table. The
// same inputs against two identical emulated targets give the same outputs and the same API calls.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { databricksCommands } from '../../src/deploy/databricks/cli';
import { flyCommands } from '../../src/deploy/fly/cli';
import { DatabricksEmulator, PAT } from './emulators/databricks';
import { FlyEmulator, TOKEN } from './emulators/fly';
import { readGithubOutput } from '../helpers/github-output';

jest.mock('../../src/cli/commands', () => ({ commands: [] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli } = require('../../src/cli/main') as typeof import('../../src/cli/main');

const saved = { ...process.env };
const OLD = 'registry.fly.io/paved-demo:v1';
const NEW = 'registry.fly.io/paved-demo:v2';

async function app(): Promise<{ emu: FlyEmulator; url: string }> {
  const emu = new FlyEmulator();
  emu.startDelay = 0;
  emu.grace = 0;
  emu.addMachine('m1', OLD);
  emu.addMachine('m2', OLD);
  emu.addMachine('w1', 'registry.fly.io/paved-demo:worker', { group: 'worker' });
  return { emu, url: await emu.start() };
}

const calls = (emu: FlyEmulator) => emu.http.requests.filter((r) => !r.path.startsWith('/app')).map((r) => `${r.method} ${r.path}`);

/** Runs an action's main.ts in-process with `INPUT_*` variables, as the runner would; returns its outputs and summary. */
async function runAction(name: string, dir: string, env: Record<string, string>): Promise<{ outputs: Record<string, string>; summary: string }> {
  const outputFile = path.join(dir, 'github-output');
  const summaryFile = path.join(dir, 'github-summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  const cwd = process.cwd();
  process.chdir(dir);
  process.env = { PATH: saved.PATH, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, ...env };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    jest.isolateModules(() => {
      require(`../../actions/${name}/main`);
    });
    // runAction finishes asynchronously: the job summary is its last act.
    for (let i = 0; i < 400 && !fs.readFileSync(summaryFile, 'utf8'); i++) await new Promise((r) => setTimeout(r, 25));
  } finally {
    stdout.mockRestore();
    process.chdir(cwd);
    process.env = saved;
  }
  return { outputs: readGithubOutput(outputFile), summary: fs.readFileSync(summaryFile, 'utf8') };
}

test('deploy-fly: same inputs, same outputs and the same Machines API calls from the action and the CLI', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-fly-action-'));
  fs.writeFileSync(path.join(dir, 'fly.toml'), 'app = "paved-demo"\n');
  const a = await app();
  const b = await app();
  try {
    const cli = await runCli(['deploy', 'fly', '--environment', 'dev', '--image', NEW, '--api-url', `${a.url}/v1`, '--url', `${a.url}/app`, '--health-successes', '1', '--releases-url', a.url, '--format', 'json'], {
      cwd: dir,
      env: { FLY_API_TOKEN: TOKEN },
      commands: flyCommands,
    });
    expect(cli.exitCode).toBe(0);
    const record = JSON.parse(cli.stdout);
    const { outputs, summary } = await runAction('deploy-fly', dir, {
      FLY_API_TOKEN: TOKEN,
      INPUT_ENVIRONMENT: 'dev',
      INPUT_IMAGE: NEW,
      'INPUT_API-URL': `${b.url}/v1`,
      INPUT_URL: `${b.url}/app`,
      'INPUT_HEALTH-SUCCESSES': '1',
      'INPUT_RELEASES-URL': b.url,
    });
    expect(outputs).toEqual({ url: `${b.url}/app`, version: NEW, 'previous-version': OLD, outcome: 'succeeded' });
    expect([record.versions.live, record.versions.previous, record.outcome]).toEqual([outputs.version, outputs['previous-version'], outputs.outcome]);
    expect(calls(b.emu)).toEqual(calls(a.emu));
    expect(summary).toContain('deployed');
    expect(summary).not.toContain(TOKEN);
    expect(b.emu.images()).toEqual([NEW, NEW]);
  } finally {
    await a.emu.stop();
    await b.emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('deploy-databricks: same inputs, same outputs and the same workspace calls from the action and the CLI', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dbx-action-'));
  const wheel = 'etl_kit-2.0.0-py3-none-any.whl';
  fs.writeFileSync(path.join(dir, wheel), Buffer.from('PK\x03\x04two', 'latin1'));
  const oldPath = '/Volumes/main/deploy/wheels/etl_kit/1.0.0/etl_kit-1.0.0-py3-none-any.whl';
  const workspace = async () => {
    const emu = new DatabricksEmulator();
    emu.runReads = 1; // the smoke run ends on its first read: the front-ends run on real time
    emu.addJob({ job_id: 9, creator_user_name: 'a@example.com', run_as_user_name: 'a@example.com', settings: { name: 'etl', tasks: [{ task_key: 't', python_wheel_task: { package_name: 'etl_kit' }, libraries: [{ whl: oldPath }] }] } });
    emu.files.set(oldPath, Buffer.from('PK\x03\x04one', 'latin1'));
    return { emu, host: await emu.start() };
  };
  const workspaceCalls = (emu: DatabricksEmulator) => emu.http.requests.map((r) => `${r.method} ${r.path}`);
  const a = await workspace();
  const b = await workspace();
  try {
    const cli = await runCli(['deploy', 'databricks', '--environment', 'dev', '--host', a.host, '--job-id', '9', '--wheel-dir', '/Volumes/main/deploy/wheels', '--wheel', wheel, '--smoke-run'], {
      cwd: dir,
      env: { DATABRICKS_TOKEN: PAT },
      commands: databricksCommands,
    });
    expect(cli.exitCode).toBe(0);
    const { outputs, summary } = await runAction('deploy-databricks', dir, {
      DATABRICKS_TOKEN: PAT,
      INPUT_ENVIRONMENT: 'dev',
      INPUT_HOST: b.host,
      'INPUT_JOB-ID': '9',
      'INPUT_WHEEL-DIR': '/Volumes/main/deploy/wheels',
      INPUT_WHEEL: wheel,
      'INPUT_SMOKE-RUN': 'true',
    });
    const newPath = '/Volumes/main/deploy/wheels/etl_kit/2.0.0/etl_kit-2.0.0-py3-none-any.whl';
    expect(outputs).toEqual({ url: `${b.host}/jobs/9`, version: newPath, 'previous-version': oldPath, outcome: 'succeeded' });
    expect(workspaceCalls(b.emu)).toEqual(workspaceCalls(a.emu));
    expect(summary).not.toContain(PAT);
    expect(b.emu.jobs.get(9)!.settings).toEqual(a.emu.jobs.get(9)!.settings);
  } finally {
    await a.emu.stop();
    await b.emu.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
