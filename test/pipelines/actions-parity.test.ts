// The two front-ends of every offline step, run from their bundles: the action's dist bundle run the way
// the runner runs it (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, the workflow's context
// variables) and the CLI bundle run with the same inputs on an identical fresh copy. Both must end the
// same way, give the same outputs (action outputs = the CLI's dotenv) and the same report (job summary =
// `--format markdown`). The bundles are built from the sources once per run, so this also proves that
// each action starts from its bundle alone.

import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { dotenvName } from '../../src/platform/outputs';
import { FlyEmulator, TOKEN as FLY_TOKEN } from '../deploy/emulators/fly';
import { readGithubOutput } from '../helpers/github-output';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const STEPS = ['plan', 'policy-check', 'apply', 'quality-gate', 'security-scan', 'deploy-fly', 'audit'];
/** What the runner substitutes for `${{ github.token }}` in an action.yml default. */
const RUNNER_TOKEN = 'ghs_paritytesttoken0123456789abcdefABCDEF';
const SHA = '3f9c2e1a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e';
const PROCESS_TIMEOUT_MS = 5 * 60_000;
const STEP_TIMEOUT_MS = 10 * 60_000;

let work: string;
/** The action repository the bundles run from (see actionRepository). */
let platform: string;
let bundles: string;
let eventFile: string;
/** Children still running when the file ends (a test that timed out) are stopped in afterAll. */
const children = new Set<ChildProcess>();

// ---------------------------------------------------------------------------------------------------
// Building and running the bundles

interface Ran {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `node script args` (no shell). */
function runNode(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return runProcess(process.execPath, [script, ...args], cwd, env);
}

/** Runs a program without blocking the event loop (the Fly emulator answers from this process). */
function runProcess(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), PROCESS_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({ exitCode: code ?? (signal ? 128 : 1), stdout, stderr });
    });
  });
}

/** `scripts/build.js --one NAME` for each bundle, two at a time (ncc is single-threaded; CI has two cores). */
async function buildBundles(names: string[], outDir: string): Promise<void> {
  const queue = [...names];
  const worker = async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const built = await runNode(path.join(ROOT, 'scripts', 'build.js'), ['--one', name, '--out', outDir], ROOT, process.env);
      if (built.exitCode !== 0) throw new Error(`building the ${name} bundle failed (exit ${built.exitCode}):\n${built.stderr}`);
    }
  };
  await Promise.all([worker(), worker()]);
}

/** The variables the runner gives every step of a push-to-main job, `run:` steps and actions alike. */
function workflowEnv(workspace: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: 'acme/service',
    GITHUB_SHA: SHA,
    GITHUB_REF: 'refs/heads/main',
    GITHUB_REF_NAME: 'main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
  };
}

interface ActionSpec {
  inputs: Record<string, { required?: boolean; default?: unknown }>;
  outputs: Record<string, unknown>;
  runs: { using: string; main: string };
}

function actionSpec(name: string): ActionSpec {
  return YAML.parse(fs.readFileSync(path.join(ROOT, 'actions', name, 'action.yml'), 'utf8')) as ActionSpec;
}

/** The values the runner fills in for inputs a workflow leaves out: the action.yml defaults, evaluated. */
function actionDefaults(name: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [input, spec] of Object.entries(actionSpec(name).inputs ?? {})) {
    if (spec.default === undefined) continue;
    const value = String(spec.default);
    if (value.replace(/\s/g, '') === '${{github.token}}') defaults[input] = RUNNER_TOKEN;
    else if (value.includes('${{')) throw new Error(`actions/${name}/action.yml: the test does not know how to evaluate the default of ${input}: ${value}`);
    else defaults[input] = value;
  }
  return defaults;
}

function readDotenv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: not a KEY=value line: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

function scratchDir(label: string): string {
  return fs.mkdtempSync(path.join(work, `${label}-`));
}

interface ActionRun extends Ran {
  outputs: Record<string, string>;
  summary: string;
}

async function runActionBundle(name: string, workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
  const files = scratchDir(`${name}-runner`);
  const outputFile = path.join(files, 'github-output');
  const summaryFile = path.join(files, 'step-summary');
  fs.writeFileSync(outputFile, '');
  fs.writeFileSync(summaryFile, '');
  // The runner's naming: upper-cased, hyphens kept (INPUT_APPROVED-DIGEST).
  const inputVars = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  const ran = await runNode(path.join(bundles, name, 'index.js'), [], workspace, {
    ...workflowEnv(workspace),
    ...inputVars,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  });
  return { ...ran, outputs: readGithubOutput(outputFile), summary: fs.readFileSync(summaryFile, 'utf8') };
}

interface CliRun extends Ran {
  dotenv: Record<string, string>;
}

async function runCliBundle(argv: string[], format: 'json' | 'markdown', workspace: string): Promise<CliRun> {
  const dotenv = path.join(scratchDir('cli-dotenv'), 'outputs.env');
  const ran = await runNode(path.join(bundles, 'cli', 'index.js'), [...argv, '--format', format, '--dotenv', dotenv], workspace, workflowEnv(workspace));
  return { ...ran, dotenv: readDotenv(dotenv) };
}

// ---------------------------------------------------------------------------------------------------
// One parity case: the same inputs through both front-ends, each on its own identical workspace

/** An input given to both front-ends: its action name and value, and how the CLI spells it. */
interface Given {
  input: string;
  value: string;
  cli: string[];
}

/** `input: value` and `--flag value` (a multi-line value repeats the flag per line, as lists do). */
function opt(input: string, value: string, flag: string): Given {
  return { input, value, cli: lines(value).flatMap((v) => [flag, v]) };
}

/** `input: value` and positional arguments, one per line of the value. */
function pos(input: string, value: string): Given {
  return { input, value, cli: lines(value) };
}

/** A boolean input and the CLI switch that means the same (`--allow-deletes`, `--no-runtime`). */
function flag(input: string, value: 'true' | 'false', cliSwitch: string): Given {
  return { input, value, cli: [cliSwitch] };
}

/** An action input whose value is what the CLI does without being told. */
function actionOnly(input: string, value: string): Given {
  return { input, value, cli: [] };
}

function lines(value: string): string[] {
  return value.split('\n').filter((l) => l !== '');
}

interface Workspace {
  dir: string;
  /** Inputs that name something of this run only (its emulator's URL), given to both front-ends alike. */
  given?: Given[];
  /** Run-specific strings (an emulator's URL) and the placeholder both runs' values become. */
  replace?: Array<[string, string]>;
}

interface ParityCase {
  step: string;
  command: string[];
  given: Given[];
  /** A fresh workspace; called once per run, each identical to the others. */
  prepare: () => Promise<Workspace> | Workspace;
  /** Run-specific values of this step (named where each case defines it), replaced by placeholders. */
  normalise?: (text: string) => string;
}

interface ParityResult {
  action: ActionRun;
  json: CliRun;
  markdown: CliRun;
  /** The workspaces, kept until the end of the file for assertions on the files written. */
  workspaces: { action: string; json: string; markdown: string };
}

function normaliser(ws: Workspace, step: ParityCase['normalise']): (text: string) => string {
  // The workspace's absolute path (a temp dir per run) is the one run-specific value every step shares.
  const pairs: Array<[string, string]> = [[fs.realpathSync(ws.dir), '<workspace>'], [ws.dir, '<workspace>'], ...(ws.replace ?? [])];
  return (text) => {
    let out = text;
    for (const [from, to] of pairs) out = out.split(from).join(to);
    return step ? step(out) : out;
  };
}

/** What a GitHub output becomes in the CLI's dotenv: STEP_NAME upper snake, newlines folded. */
function asDotenv(step: string, outputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(outputs).map(([name, value]) => [dotenvName(step, name), value.replace(/\r?\n/g, ' ')]));
}

function mapValues(record: Record<string, string>, fn: (v: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));
}

/** The job summary is the markdown plus the line end `core.summary.addRaw(markdown, true)` adds. */
function report(text: string): string {
  return text.replace(/\n+$/, '');
}

async function parity(c: ParityCase): Promise<ParityResult> {
  const prepare = async () => {
    const ws = await c.prepare();
    return { ws, given: [...c.given, ...(ws.given ?? [])], norm: normaliser(ws, c.normalise) };
  };
  const action = await prepare().then(async ({ ws, given, norm }) => {
    const inputs = { ...actionDefaults(c.step), ...Object.fromEntries(given.map((g) => [g.input, g.value])) };
    const run = await runActionBundle(c.step, ws.dir, inputs);
    return { ...run, dir: ws.dir, outputs: mapValues(run.outputs, norm), summary: norm(run.summary), stdout: norm(run.stdout) };
  });
  const cli = (format: 'json' | 'markdown') =>
    prepare().then(async ({ ws, given, norm }) => {
      const run = await runCliBundle([...c.command, ...given.flatMap((g) => g.cli)], format, ws.dir);
      return { ...run, dir: ws.dir, dotenv: mapValues(run.dotenv, norm), stdout: norm(run.stdout), stderr: norm(run.stderr) };
    });
  const json = await cli('json');
  const markdown = await cli('markdown');

  const context = `${c.step}\naction stdout:\n${action.stdout}\ncli stderr:\n${json.stderr}`;
  // Same ending: both succeed, or both fail (the action exits 1 for every failure; the CLI 1 or 2).
  expect({ context, failed: action.exitCode !== 0 }).toEqual({ context, failed: json.exitCode !== 0 });
  expect(markdown.exitCode).toBe(json.exitCode);
  // Output by output: the action's outputs are the CLI's dotenv variables.
  const expected = asDotenv(c.step, action.outputs);
  expect(json.dotenv).toEqual(expected);
  expect(markdown.dotenv).toEqual(expected);
  // The job summary is the CLI's markdown report.
  expect(report(action.summary)).toEqual(report(markdown.stdout));
  if (json.exitCode === 0 || json.stdout !== '') expect(() => JSON.parse(json.stdout)).not.toThrow();
  // Every output the action sets is declared in its action.yml.
  const declared = Object.keys(actionSpec(c.step).outputs ?? {});
  expect(Object.keys(action.outputs).filter((o) => !declared.includes(o))).toEqual([]);
  return { action, json, markdown, workspaces: { action: action.dir, json: json.dir, markdown: markdown.dir } };
}

/** Success on both faces, with outputs and a summary to compare (the log is shown when it fails). */
function expectPassed(result: ParityResult): void {
  expect({ action: result.action.exitCode, cli: result.json.exitCode, log: result.action.stdout }).toEqual({ action: 0, cli: 0, log: result.action.stdout });
  expect(Object.keys(result.action.outputs).length).toBeGreaterThan(0);
  expect(result.action.summary.trim()).not.toBe('');
}

/** A failure must show on both faces: non-zero exits and an `::error::` line in the action's log. */
function expectFailed(result: ParityResult): void {
  expect(result.action.exitCode).not.toBe(0);
  expect(result.json.exitCode).not.toBe(0);
  expect(result.action.stdout).toMatch(/^::error::/m);
}

/** What a run printed or wrote, without the runner's `::add-mask::` commands (which carry the secret to mask). */
function visible(...texts: string[]): string {
  return texts.join('\n').replace(/^::add-mask::.*$/gm, '');
}

function copyOf(source: string, label: string): string {
  const dir = scratchDir(label);
  fs.cpSync(source, dir, { recursive: true });
  return dir;
}

// ---------------------------------------------------------------------------------------------------

/**
 * The action's repository as the runner downloads it at a tag: every file of the repository, with
 * dist/ freshly built from the sources and no node_modules (so a bundle that is not self-contained
 * fails here). Actions read files beside their bundle (policy-check's platform library, policies/).
 */
function actionRepository(dir: string): void {
  fs.mkdirSync(dir);
  for (const entry of fs.readdirSync(ROOT)) {
    if (!['dist', 'node_modules', '.git'].includes(entry)) fs.symlinkSync(path.join(ROOT, entry), path.join(dir, entry));
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-parity-'));
  eventFile = path.join(work, 'event.json');
  fs.writeFileSync(eventFile, `${JSON.stringify({ ref: 'refs/heads/main', after: SHA, repository: { full_name: 'acme/service', default_branch: 'main' } })}\n`);
  platform = path.join(work, 'platform');
  actionRepository(platform);
  bundles = path.join(platform, 'dist');
  // PAVED_PARITY_BUNDLES reuses bundles already built from the current sources (`node scripts/build.js --out DIR`).
  if (process.env.PAVED_PARITY_BUNDLES) fs.cpSync(path.resolve(process.env.PAVED_PARITY_BUNDLES), bundles, { recursive: true });
  else await buildBundles(['cli', ...STEPS], bundles);
}, 20 * 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('every step under test is an action whose action.yml runs the bundle built here', () => {
  for (const step of STEPS) {
    const { runs } = actionSpec(step);
    expect({ step, using: runs.using, bundle: fs.existsSync(path.resolve(platform, 'actions', step, runs.main)) }).toEqual({ step, using: 'node24', bundle: true });
  }
});

// ---------------------------------------------------------------------------------------------------
// The plan contract: plan, policy-check, apply on examples/infra-app

describe('plan contract on examples/infra-app', () => {
  /** infra-app with plan.json (staging) and prod.json (production) made by the CLI bundle. */
  let planned: string;
  let digest: string;

  beforeAll(async () => {
    planned = copyOf(path.join(ROOT, 'examples', 'infra-app'), 'infra-planned');
    for (const [env, file] of [['staging', 'plan.json'], ['production', 'prod.json']]) {
      const ran = await runNode(path.join(bundles, 'cli', 'index.js'), ['plan', 'run', '--env', env, '-o', file], planned, workflowEnv(planned));
      if (ran.exitCode !== 0) throw new Error(`paved plan run --env ${env} failed:\n${ran.stderr}`);
    }
    digest = fs.readFileSync(path.join(planned, 'plan.json.sha256'), 'utf8').split(' ')[0];
  }, STEP_TIMEOUT_MS);

  const infra = (): Workspace => ({ dir: copyOf(path.join(ROOT, 'examples', 'infra-app'), 'infra') });
  const infraPlanned = (): Workspace => ({ dir: copyOf(planned, 'infra') });

  test('plan: staging', async () => {
    const r = await parity({ step: 'plan', command: ['plan', 'run'], given: [opt('environment', 'staging', '--env')], prepare: infra });
    expectPassed(r);
    expect(r.action.outputs).toMatchObject({ 'plan-path': 'plan.json', 'create-count': '1', 'update-count': '2', 'has-deletes': 'false' });
    expect(r.action.outputs.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(r.json.stdout)).toMatchObject({ plan: 'plan.json', digest: r.action.outputs.digest });
    // The same plan, byte for byte, from both front-ends.
    const plans = Object.values(r.workspaces).map((dir) => fs.readFileSync(path.join(dir, 'plan.json'), 'utf8'));
    expect(new Set(plans).size).toBe(1);
    expect(r.action.summary).not.toContain('example-only-not-a-real-password');
  }, STEP_TIMEOUT_MS);

  test('plan: a plan script that fails fails both front-ends', async () => {
    const broken = (): Workspace => {
      const ws = infra();
      fs.writeFileSync(path.join(ws.dir, 'scripts', 'plan.sh'), '#!/usr/bin/env bash\necho "terraform: provider registry unreachable" >&2\nexit 3\n', { mode: 0o755 });
      return ws;
    };
    const r = await parity({ step: 'plan', command: ['plan', 'run'], given: [opt('environment', 'staging', '--env')], prepare: broken });
    expectFailed(r);
    expect(r.action.stdout).toMatch(/::error::plan: .*plan\.sh/);
    expect(fs.existsSync(path.join(r.workspaces.action, 'plan.json'))).toBe(false);
  }, STEP_TIMEOUT_MS);

  test('policy-check: the staging plan passes the platform library (the action default)', async () => {
    // The action judges with the library shipped beside its bundle (packages paved.* and main); the CLI is
    // given the same library and namespaces.
    const library: Given = { input: 'platform-policies', value: 'true', cli: ['--policy', path.join(platform, 'policies'), '--namespace', 'paved.*', '--namespace', 'main'] };
    const r = await parity({ step: 'policy-check', command: ['policy', 'check'], given: [library, pos('files', 'plan.json')], prepare: infraPlanned });
    expectPassed(r);
    expect(r.action.outputs).toMatchObject({ verdict: 'pass', failures: '0', engine: 'builtin' });
  }, STEP_TIMEOUT_MS);

  test('policy-check: the production plan deletes without approval and fails on both faces', async () => {
    const given = [
      // Off, the action judges with the given policies only, as the CLI always does.
      actionOnly('platform-policies', 'false'),
      opt('policy', path.join(ROOT, 'policies'), '--policy'),
      opt('namespace', 'paved.plan', '--namespace'),
      pos('files', 'prod.json'),
      opt('sarif-file', 'policy.sarif', '--sarif-file'),
    ];
    const r = await parity({ step: 'policy-check', command: ['policy', 'check'], given, prepare: infraPlanned });
    expectFailed(r);
    expect(r.action.outputs.verdict).toBe('fail');
    expect(Number(r.action.outputs.failures)).toBeGreaterThan(0);
    expect(r.action.outputs['sarif-file']).toBe('policy.sarif');
    const sarif = Object.values(r.workspaces).map((dir) => fs.readFileSync(path.join(dir, 'policy.sarif'), 'utf8'));
    expect(new Set(sarif).size).toBe(1);
  }, STEP_TIMEOUT_MS);

  test('policy-check: without the required files input the action names it', async () => {
    const ws = infraPlanned();
    const action = await runActionBundle('policy-check', ws.dir, actionDefaults('policy-check'));
    expect(action.exitCode).not.toBe(0);
    expect(action.stdout).toMatch(/^::error::policy-check: .*\bfiles\b/m);
    const cli = await runCliBundle(['policy', 'check', '--policy', path.join(platform, 'policies')], 'json', ws.dir);
    expect(cli.exitCode).toBe(2);
    expect(cli.stderr).toContain('missing argument');
  }, STEP_TIMEOUT_MS);

  test('apply: exactly the reviewed staging plan', async () => {
    const r = await parity({
      step: 'apply',
      command: ['apply', 'plan.json'],
      given: [opt('approved-digest', digest, '--approved-digest'), opt('environment', 'staging', '--env')],
      prepare: infraPlanned,
    });
    expectPassed(r);
    expect(r.action.outputs).toEqual({ applied: 'true', digest, 'plan-path': 'plan.json', 'has-deletes': 'false' });
    expect(JSON.parse(r.json.stdout)).toMatchObject({ applied: true, digest, environment: 'staging', commit: SHA });
    for (const dir of Object.values(r.workspaces)) expect(fs.existsSync(path.join(dir, '.paved', 'applied-staging.json'))).toBe(true);
  }, STEP_TIMEOUT_MS);

  test('apply: a digest that is not the reviewed one is refused on both faces', async () => {
    const r = await parity({
      step: 'apply',
      command: ['apply', 'plan.json'],
      given: [opt('approved-digest', 'f'.repeat(64), '--approved-digest'), opt('environment', 'staging', '--env')],
      prepare: infraPlanned,
    });
    expectFailed(r);
    expect(r.action.outputs.applied).toBe('false');
    expect(r.action.outputs['refused-reason']).toContain('digest');
    for (const dir of Object.values(r.workspaces)) expect(fs.existsSync(path.join(dir, '.paved', 'applied-staging.json'))).toBe(false);
  }, STEP_TIMEOUT_MS);

  test('apply: without the required approved-digest input the action names it', async () => {
    const ws = infraPlanned();
    const action = await runActionBundle('apply', ws.dir, { ...actionDefaults('apply'), environment: 'staging' });
    expect(action.exitCode).not.toBe(0);
    expect(action.stdout).toMatch(/^::error::apply: .*approved-digest/m);
    expect(fs.existsSync(path.join(ws.dir, '.paved', 'applied-staging.json'))).toBe(false);
  }, STEP_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------------
// quality-gate on examples/web-app's own test reports

describe('quality-gate on examples/web-app', () => {
  /** web-app after `npm test`: reports/junit.xml and reports/lcov.info, read by both front-ends. */
  let tested: string;

  beforeAll(async () => {
    tested = copyOf(path.join(ROOT, 'examples', 'web-app'), 'web-app-tested');
    fs.rmSync(path.join(tested, 'reports'), { recursive: true, force: true });
    const npm = await runProcess('npm', ['test'], tested, workflowEnv(tested));
    if (npm.exitCode !== 0) throw new Error(`npm test in examples/web-app failed:\n${npm.stdout}${npm.stderr}`);
  }, STEP_TIMEOUT_MS);

  const webApp = (): Workspace => ({ dir: copyOf(tested, 'web-app') });
  const reports = [opt('junit', 'reports/junit.xml', '--junit'), opt('coverage', 'reports/lcov.info', '--coverage'), opt('run', 'lint=npm run lint', '--run')];
  // Run-specific: the evidence file is named by the time of the run, and the lint check's duration.
  const gateNormalise = (text: string) => text.replace(/quality-gate-\d{8}T\d{6}Z/g, 'quality-gate-<time>').replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, '<duration>');

  test('passes with the tests, coverage and lint of the example', async () => {
    const r = await parity({ step: 'quality-gate', command: ['quality-gate'], given: [...reports, opt('min-coverage', '80', '--min-coverage')], prepare: webApp, normalise: gateNormalise });
    expectPassed(r);
    expect(r.action.outputs.verdict).toBe('pass');
    expect(Number(r.action.outputs['tests-total'])).toBeGreaterThan(0);
    expect(r.action.outputs['evidence-file']).toBe(`.paved/evidence/quality-gate-<time>-${SHA.slice(0, 12)}.json`);
  }, STEP_TIMEOUT_MS);

  test('fails on both faces when branch coverage is below the threshold', async () => {
    const given = [...reports, opt('metric', 'branches', '--metric'), opt('min-coverage', '99.9', '--min-coverage')];
    const r = await parity({ step: 'quality-gate', command: ['quality-gate'], given, prepare: webApp, normalise: gateNormalise });
    expectFailed(r);
    expect(r.action.outputs.verdict).toBe('fail');
  }, STEP_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------------
// security-scan on a small project (fixtures/scan-project, advisories in fixtures/osv)

describe('security-scan on a small project', () => {
  const project = (): Workspace => ({ dir: copyOf(path.join(FIXTURES, 'scan-project'), 'scan-project') });
  const given = [
    opt('osv-dir', path.join(FIXTURES, 'osv'), '--osv-dir'),
    opt('sbom', 'sbom.cdx.json', '--sbom'),
    opt('sarif-output', 'scan.sarif', '--sarif-output'),
  ];

  test('a medium advisory is reported but does not fail the default gate', async () => {
    const r = await parity({ step: 'security-scan', command: ['scan', 'all'], given, prepare: project });
    expectPassed(r);
    expect(r.action.outputs).toMatchObject({ verdict: 'warn', findings: '1', 'gate-failures': '0', 'sbom-file': expect.stringContaining('sbom.cdx.json') });
    const sboms = Object.values(r.workspaces).map((dir) => JSON.parse(fs.readFileSync(path.join(dir, 'sbom.cdx.json'), 'utf8')).components);
    expect(sboms[1]).toEqual(sboms[0]);
  }, STEP_TIMEOUT_MS);

  test('a committed access key fails both faces', async () => {
    const leaky = (): Workspace => {
      const ws = project();
      // Written at run time so the repository itself holds no key-shaped string.
      const key = ['AKIA', 'Z7QW', 'PARX', 'TYX4', 'K2MB'].join('');
      fs.writeFileSync(path.join(ws.dir, 'src', 'aws.js'), `module.exports = { accessKeyId: '${key}' };\n`);
      return ws;
    };
    const r = await parity({ step: 'security-scan', command: ['scan', 'all'], given, prepare: leaky });
    expectFailed(r);
    expect(r.action.outputs.verdict).toBe('fail');
    expect(Number(r.action.outputs['gate-failures'])).toBeGreaterThan(0);
  }, STEP_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------------
// deploy-fly against the Fly Machines emulator

describe('deploy-fly against the Fly emulator', () => {
  const OLD = 'registry.fly.io/paved-demo:v1';
  const NEW = 'registry.fly.io/paved-demo:v2';
  const running: FlyEmulator[] = [];

  /** A fresh app (two machines on the old image) behind its own emulator, and a checkout with fly.toml. */
  const flyApp = (newImage: 'healthy' | 'unhealthy', apps: FlyEmulator[]) => async (): Promise<Workspace> => {
    const emu = new FlyEmulator();
    emu.startDelay = 0;
    emu.grace = 0;
    emu.addMachine('m1', OLD);
    emu.addMachine('m2', OLD);
    emu.behaviour.set(NEW, newImage);
    const url = await emu.start();
    running.push(emu);
    apps.push(emu);
    const dir = scratchDir('fly-app');
    fs.writeFileSync(path.join(dir, 'fly.toml'), 'app = "paved-demo"\n');
    return {
      dir,
      given: [opt('api-url', `${url}/v1`, '--api-url'), opt('releases-url', url, '--releases-url'), opt('url', `${url}/app`, '--url')],
      replace: [[url, '<fly>']],
    };
  };
  const given = [
    opt('environment', 'dev', '--environment'),
    opt('image', NEW, '--image'),
    opt('fly-api-token', FLY_TOKEN, '--fly-api-token'),
    opt('health-successes', '1', '--health-successes'),
    opt('health-interval', '0.05', '--health-interval'),
    opt('record', 'deploy-record.json', '--record'),
    // Short deadlines, so the unhealthy image is given up on (and rolled back) in seconds.
    opt('machine-timeout', '3', '--machine-timeout'),
    opt('health-timeout', '3', '--health-timeout'),
  ];
  // Run-specific: the times of the rollout's timeline and the durations of its checks.
  const flyNormalise = (text: string) =>
    text
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      .replace(/\b\d\d:\d\d:\d\d\b/g, '<time>')
      .replace(/\b\d+(\.\d+)?\s?(ms|s)\b/g, '<duration>');

  afterAll(async () => {
    await Promise.all(running.map((e) => e.stop()));
  });

  test('a healthy image is rolled out the same way by both faces', async () => {
    const apps: FlyEmulator[] = [];
    const r = await parity({ step: 'deploy-fly', command: ['deploy', 'fly'], given, prepare: flyApp('healthy', apps), normalise: flyNormalise });
    expectPassed(r);
    expect(r.action.outputs).toMatchObject({ url: '<fly>/app', version: NEW, 'previous-version': OLD, outcome: 'succeeded' });
    expect(apps.map((emu) => emu.images())).toEqual([[NEW, NEW], [NEW, NEW], [NEW, NEW]]);
    const calls = apps.map((emu) => emu.http.requests.filter((q) => !q.path.startsWith('/app')).map((q) => `${q.method} ${q.path}`));
    expect(calls[1]).toEqual(calls[0]);
    expect(visible(r.action.stdout, r.action.summary, r.json.stdout, r.json.stderr, r.markdown.stdout)).not.toContain(FLY_TOKEN);
  }, STEP_TIMEOUT_MS);

  test('an unhealthy image is rolled back and fails both faces', async () => {
    const apps: FlyEmulator[] = [];
    const r = await parity({ step: 'deploy-fly', command: ['deploy', 'fly'], given, prepare: flyApp('unhealthy', apps), normalise: flyNormalise });
    expectFailed(r);
    expect(r.action.outputs.outcome).toBe('rolled-back');
    expect(apps.map((emu) => emu.images())).toEqual([[OLD, OLD], [OLD, OLD], [OLD, OLD]]);
  }, STEP_TIMEOUT_MS);
});

// ---------------------------------------------------------------------------------------------------
// audit of a portfolio read from local checkouts

describe('audit of local checkouts', () => {
  const portfolio = (): Workspace => ({ dir: copyOf(path.join(ROOT, 'test', 'governor', 'fixtures', 'portfolio'), 'portfolio') });
  const given = [
    opt('registry', 'registry.yaml', '--registry'),
    opt('out-dir', 'paved-audit', '--out-dir'),
    // Projects come from their checkouts; no API is asked (runtime evidence needs one).
    flag('runtime', 'false', '--no-runtime'),
    opt('github-token', RUNNER_TOKEN, '--github-token'),
  ];
  // Run-specific: the audit is dated by the day it runs.
  const auditNormalise = (text: string) => text.replace(/\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?Z)?/g, '<date>');

  test('the same statuses and reports from both faces', async () => {
    const r = await parity({ step: 'audit', command: ['audit', 'run'], given: [...given, opt('fail-on', 'never', '--fail-on')], prepare: portfolio, normalise: auditNormalise });
    expectPassed(r);
    expect(r.action.outputs).toMatchObject({ 'report-json': expect.stringContaining('audit.json') });
    expect(visible(r.action.stdout, r.action.summary, r.json.stdout, r.json.stderr, r.markdown.stdout)).not.toContain(RUNNER_TOKEN);
  }, STEP_TIMEOUT_MS);

  test('fails both faces when a project is non-compliant (fail-on default)', async () => {
    const r = await parity({ step: 'audit', command: ['audit', 'run'], given, prepare: portfolio, normalise: auditNormalise });
    expectFailed(r);
    expect(Number(r.action.outputs['non-compliant'])).toBeGreaterThan(0);
  }, STEP_TIMEOUT_MS);

  test('without the required registry input the action names it', async () => {
    const ws = portfolio();
    const action = await runActionBundle('audit', ws.dir, { ...actionDefaults('audit'), runtime: 'false' });
    expect(action.exitCode).not.toBe(0);
    expect(action.stdout).toMatch(/^::error::audit: .*registry/m);
  }, STEP_TIMEOUT_MS);
});
