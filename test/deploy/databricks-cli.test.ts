// `paved deploy databricks` end to end through the CLI runner, and the action's declared inputs
// matching the table both front-ends read.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expectValidRecord } from './support';
import { databricksCommands } from '../../src/deploy/databricks/cli';

// Only this domain's commands: the suite does not depend on every other domain loading.
jest.mock('../../src/cli/commands', () => ({ commands: [] }));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { runCli: runAll } = require('../../src/cli/main') as typeof import('../../src/cli/main');
const runCli = (argv: string[], io: { cwd: string; env?: NodeJS.ProcessEnv }) => runAll(argv, { ...io, commands: databricksCommands });
import { DATABRICKS_ALL_INPUTS } from '../../src/deploy/databricks/step';
import { DatabricksEmulator, PAT } from './emulators/databricks';

const VOLUME = '/Volumes/main/deploy/wheels';
const OLD_PATH = `${VOLUME}/etl_kit/0.9.0/etl_kit-0.9.0-py3-none-any.whl`;

describe('paved deploy databricks (CLI)', () => {
  let emu: DatabricksEmulator;
  let host: string;
  let cwd: string;

  beforeEach(async () => {
    emu = new DatabricksEmulator();
    emu.addJob({
      job_id: 7,
      creator_user_name: 'alice@example.com',
      run_as_user_name: 'alice@example.com',
      settings: { name: 'etl', tasks: [{ task_key: 'main', python_wheel_task: { package_name: 'etl-kit', entry_point: 'main' }, libraries: [{ whl: OLD_PATH }] }] },
    });
    emu.files.set(OLD_PATH, Buffer.from('PK\x03\x04old', 'latin1'));
    host = await emu.start();
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dbx-cli-'));
    fs.writeFileSync(path.join(cwd, 'etl_kit-1.0.0-py3-none-any.whl'), Buffer.from('PK\x03\x04new', 'latin1'));
  });
  afterEach(async () => {
    await emu.stop();
    fs.rmSync(cwd, { recursive: true, force: true });
  });

  const args = (...extra: string[]) => ['deploy', 'databricks', '--environment', 'prod', '--host', host, '--job-id', '7', ...extra];

  test('deploys the wheel and prints the record; the token never appears', async () => {
    const run = await runCli(args('--wheel-dir', VOLUME, '--wheel', 'etl_kit-1.0.0-py3-none-any.whl', '--format', 'json'), { cwd, env: { DATABRICKS_TOKEN: PAT } });
    expect(run.stderr).not.toContain('error');
    expect(run.exitCode).toBe(0);
    const record = JSON.parse(run.stdout);
    expectValidRecord(record);
    expect(record).toMatchObject({ kind: 'databricks', outcome: 'succeeded', versions: { previous: OLD_PATH, live: `${VOLUME}/etl_kit/1.0.0/etl_kit-1.0.0-py3-none-any.whl` } });
    expect(run.stdout + run.stderr).not.toContain(PAT);
  });

  test('then --rollback points the job back at the previous wheel', async () => {
    await runCli(args('--wheel-dir', VOLUME, '--wheel', 'etl_kit-1.0.0-py3-none-any.whl'), { cwd, env: { DATABRICKS_TOKEN: PAT } });
    const run = await runCli(args('--rollback'), { cwd, env: { DATABRICKS_TOKEN: PAT } });
    expect(run.exitCode).toBe(0);
    expect(emu.jobs.get(7)!.settings.tasks[0].libraries[0].whl).toBe(OLD_PATH);
  });

  test('a job id that is not a number is a usage error naming the option', async () => {
    const run = await runCli(['deploy', 'databricks', '--environment', 'prod', '--host', host, '--job-id', 'abc'], { cwd, env: { DATABRICKS_TOKEN: PAT } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--job-id: expects a number, got "abc"/);
    expect(emu.http.requests).toHaveLength(0);
  });

  test('action.yml declares exactly the inputs of the shared table and the four outputs', () => {
    const action = parseYaml(fs.readFileSync(path.join(__dirname, '../../actions/deploy-databricks/action.yml'), 'utf8'));
    expect(Object.keys(action.inputs).sort()).toEqual(DATABRICKS_ALL_INPUTS.map((i) => i.name).sort());
    expect(Object.values(action.inputs).every((i: any) => typeof i.description === 'string' && i.description.length > 10)).toBe(true);
    expect(Object.keys(action.outputs)).toEqual(expect.arrayContaining(['url', 'version', 'previous-version', 'outcome']));
    expect(action.runs).toEqual({ using: 'node24', main: '../../dist/deploy-databricks/index.js' });
  });
});
