// `paved deploy fly` end to end through the CLI runner, and the action's declared inputs matching the
// table both front-ends read (so `--x` and `with: x:` cannot drift).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expectValidRecord } from './support';
import { flyCommands } from '../../src/deploy/fly/cli';

// Only this domain's commands: the suite does not depend on every other domain loading.
jest.mock('../../src/cli/commands', () => ({ commands: [] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli: runAll } = require('../../src/cli/main') as typeof import('../../src/cli/main');
const runCli = (argv: string[], io: { cwd: string; env?: NodeJS.ProcessEnv }) => runAll(argv, { ...io, commands: flyCommands });
import { FLY_ALL_INPUTS } from '../../src/deploy/fly/step';
import { FlyEmulator, TOKEN } from './emulators/fly';

const OLD = 'registry.fly.io/paved-demo:v1';
const NEW = 'registry.fly.io/paved-demo:v2';

describe('paved deploy fly (CLI)', () => {
  let emu: FlyEmulator;
  let url: string;
  let cwd: string;

  beforeEach(async () => {
    emu = new FlyEmulator();
    // No start delay or grace period: the CLI runs on real time and must not wait here.
    emu.startDelay = 0;
    emu.grace = 0;
    emu.addMachine('m1', OLD);
    emu.addMachine('m2', OLD);
    url = await emu.start();
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-fly-cli-'));
    fs.writeFileSync(path.join(cwd, 'fly.toml'), 'app = "paved-demo"\n');
  });
  afterEach(async () => {
    await emu.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => ['deploy', 'fly', '--environment', 'dev', '--api-url', `${url}/v1`, '--url', `${url}/app`, '--health-successes', '1', '--releases-url', url, ...extra];

  test('deploys, prints the record as JSON, writes it to --record and the outputs to --dotenv', async () => {
    const dotenv = path.join(cwd, 'deploy.env');
    const run = await runCli([...args('--image', NEW, '--format', 'json', '--record', 'deploy.json', '--dotenv', dotenv)], { cwd, env: { FLY_API_TOKEN: TOKEN } });
    expect(run.stderr).not.toContain('error');
    expect(run.exitCode).toBe(0);
    const record = JSON.parse(run.stdout);
    expectValidRecord(record);
    expect(record).toMatchObject({ kind: 'fly', strategy: 'rolling', outcome: 'succeeded', versions: { previous: OLD, live: NEW } });
    expect(JSON.parse(fs.readFileSync(path.join(cwd, 'deploy.json'), 'utf8')).id).toBe(record.id);
    expect(fs.readFileSync(dotenv, 'utf8')).toMatch(/VERSION=.*paved-demo:v2/);
    expect(emu.images()).toEqual([NEW, NEW]);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  });

  test('a failed check exits 1 after rolling back; the text report names the image now live', async () => {
    emu.behaviour.set(NEW, 'broken');
    // Short health deadlines: the CLI runs on real time.
    const run = await runCli(args('--image', NEW, '--health-timeout', '1', '--health-interval', '0.2'), { cwd, env: { FLY_API_TOKEN: TOKEN } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/rolled back/);
    expect(run.stdout + run.stderr).toContain(OLD);
    expect(emu.images()).toEqual([OLD, OLD]);
  });

  test('bad input exits 2 with the field and a hint, and changes nothing', async () => {
    const run = await runCli(args('--image', NEW), { cwd, env: {} });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/FLY_API_TOKEN: missing the Fly API token\n  hint: create one with `fly tokens create deploy/);
    expect(emu.http.requests).toHaveLength(0);
  });

  test('--help lists the Fly options', async () => {
    const run = await runCli(['deploy', 'fly', '--help'], { cwd });
    expect(run.exitCode).toBe(0);
    for (const option of ['--app', '--image', '--process-group', '--machine-timeout', '--rollback', '--environment']) expect(run.stdout).toContain(option);
  });

  test('action.yml declares exactly the inputs of the shared table, each with a description, and the four outputs', () => {
    const action = parseYaml(fs.readFileSync(path.join(__dirname, '../../actions/deploy-fly/action.yml'), 'utf8'));
    expect(Object.keys(action.inputs).sort()).toEqual(FLY_ALL_INPUTS.map((i) => i.name).sort());
    expect(Object.values(action.inputs).every((i: any) => typeof i.description === 'string' && i.description.length > 10)).toBe(true);
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['url', 'version', 'previous-version', 'outcome']));
    expect(action.runs).toEqual({ using: 'node24', main: '../../dist/deploy-fly/index.js' });
  });
});
