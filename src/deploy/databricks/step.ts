// `paved deploy databricks` and the deploy-databricks action: one core, fed by either front-end through
// the same input table: resolve credentials and the wheel (built or given), then run the versioned-wheel
// strategy through the shared deploy lifecycle.

import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { HttpClient, checkBaseUrl } from '../../platform/http';
import type { StepOutcome } from '../../platform/step';
import { COMMON_INPUTS, readCommonInputs, type DeployInputSpec, type InputReader } from '../inputs';
import type { DeployRecord } from '../records';
import { runDeployStep, type DeployIo } from '../run';
import { accessToken, resolveAuth } from './auth';
import { DatabricksClient } from './client';
import { storeKind } from './store';
import { DatabricksWheelStrategy } from './strategy';
import { buildWheel, readWheel, type Wheel } from './wheel';

export const DATABRICKS_STEP = 'deploy-databricks';

export const DATABRICKS_INPUTS: DeployInputSpec[] = [
  { name: 'host', type: 'string', description: 'workspace URL, https://<workspace>', env: 'DATABRICKS_HOST', valueName: 'URL' },
  { name: 'job-id', type: 'number', description: 'the job to point at the new wheel', env: 'DATABRICKS_JOB_ID', valueName: 'ID' },
  { name: 'wheel', type: 'string', description: 'the .whl to deploy (instead of building it)', valueName: 'FILE' },
  { name: 'build', type: 'string', description: 'command that builds the wheel, split on spaces and run without a shell (e.g. "python -m build --wheel")', valueName: 'COMMAND' },
  { name: 'dist-dir', type: 'string', description: 'folder the build writes the wheel to', default: 'dist', valueName: 'DIR' },
  { name: 'wheel-dir', type: 'string', description: 'folder for versioned wheels: a Unity Catalog volume /Volumes/<catalog>/<schema>/<volume>[/folder] or a workspace folder /Workspace/<folder>', env: 'DATABRICKS_WHEEL_DIR', valueName: 'PATH' },
  { name: 'wheel-path', type: 'string', description: 'with rollback: the wheel path to return to (default: the job tag paved_wheel_previous)', valueName: 'PATH' },
  { name: 'smoke-run', type: 'boolean', description: 'run the job once after the switch and require success (rolled back otherwise)' },
  { name: 'smoke-timeout', type: 'number', description: 'seconds the smoke run may take before it is cancelled and counted as failed', default: 1800, valueName: 'SECONDS' },
  { name: 'databricks-token', type: 'secret', description: 'personal access token (or use OAuth M2M / OIDC)', env: 'DATABRICKS_TOKEN', valueName: 'TOKEN' },
  { name: 'client-id', type: 'string', description: 'service principal application id (OAuth M2M, or the principal of an OIDC federation policy)', env: 'DATABRICKS_CLIENT_ID', valueName: 'ID' },
  { name: 'client-secret', type: 'secret', description: 'service principal OAuth secret (OAuth M2M)', env: 'DATABRICKS_CLIENT_SECRET', valueName: 'SECRET' },
  { name: 'oidc', type: 'boolean', description: "authenticate with the CI job's OIDC identity token (workload identity federation), no Databricks secret" },
  { name: 'oidc-token-env', type: 'string', description: 'variable holding the identity token (GitLab `id_tokens:`); default: request one from GitHub Actions', valueName: 'NAME' },
  { name: 'oidc-audience', type: 'string', description: 'audience of the GitHub identity token (the federation policy\'s, e.g. the account id)', valueName: 'AUDIENCE' },
];

export const DATABRICKS_ALL_INPUTS = [...COMMON_INPUTS, ...DATABRICKS_INPUTS];

/** Databricks asks Jobs API callers to poll runs no more than every few seconds. */
const POLL_INTERVAL_MS = 10_000;

export async function deployDatabricks(input: InputReader, io: DeployIo): Promise<StepOutcome<DeployRecord>> {
  const common = readCommonInputs(input);
  const hostInput = input.string('host');
  if (!hostInput) throw new InputError('missing the workspace URL', { field: 'host', hint: 'pass --host https://<workspace> or set DATABRICKS_HOST' });
  const host = checkBaseUrl(hostInput, 'host').origin;
  const jobId = input.number('job-id');
  if (jobId === undefined || !Number.isInteger(jobId) || jobId <= 0) {
    throw new InputError(jobId === undefined ? 'missing the job id' : `expects a job id (a positive whole number), got ${jobId}`, { field: 'job-id', hint: 'the number in the job page URL: /jobs/<id>' });
  }
  const oidcTokenEnv = input.string('oidc-token-env');
  const oidcToken = oidcTokenEnv ? io.env[oidcTokenEnv] : undefined;
  if (oidcTokenEnv && !oidcToken) throw new InputError(`the variable ${oidcTokenEnv} is empty or not set`, { field: 'oidc-token-env', hint: 'declare it under the job\'s id_tokens:' });
  const auth = resolveAuth({
    token: input.secret('databricks-token'),
    clientId: input.string('client-id'),
    clientSecret: input.secret('client-secret'),
    oidc: input.boolean('oidc') ?? false,
    oidcToken,
    oidcAudience: input.string('oidc-audience'),
    env: io.env,
  });

  let wheel: Wheel | undefined;
  const wheelDir = input.string('wheel-dir') ?? '';
  if (!common.rollback) {
    storeKind(wheelDir);
    const wheelFile = input.string('wheel');
    const build = input.string('build');
    if (wheelFile && build) throw new InputError('give either a wheel or a build command, not both', { field: 'wheel' });
    if (wheelFile) wheel = readWheel(path.resolve(io.cwd, wheelFile));
    else if (build) wheel = await buildWheel(build, input.string('dist-dir') ?? 'dist', io.cwd, io.log);
    else throw new InputError('missing the wheel to deploy', { field: 'wheel', hint: 'pass --wheel dist/<name>.whl or --build "python -m build --wheel"' });
  }
  const smokeTimeout = input.number('smoke-timeout') ?? 1800;
  if (!(smokeTimeout > 0)) throw new InputError(`must be a positive number of seconds, got ${smokeTimeout}`, { field: 'smoke-timeout' });

  const token = await accessToken(auth, { host, sleep: io.sleep });
  // Uploads carry whole wheels, so requests get 5 minutes rather than the default 30 s.
  const client = new DatabricksClient(new HttpClient({ baseUrl: host, token, apiName: 'Databricks API', sleep: io.sleep, timeoutMs: 300_000 }));
  const strategy = new DatabricksWheelStrategy({
    client,
    jobId,
    wheelDir,
    wheel,
    rollbackTo: input.string('wheel-path'),
    smokeRun: input.boolean('smoke-run') ?? false,
    smokeTimeoutMs: smokeTimeout * 1000,
    pollIntervalMs: POLL_INTERVAL_MS,
    readBackTimeoutMs: 60_000,
    environment: common.environment.name,
  });
  const outcome = await runDeployStep(DATABRICKS_STEP, strategy, { ...common, version: common.version ?? wheel?.version }, io);
  // A job has no URL to probe, but its page is where a reader goes next.
  if (!outcome.outputs.url) outcome.outputs.url = strategy.jobUrl;
  return outcome;
}
