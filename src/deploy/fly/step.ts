// `paved deploy fly` and the deploy-fly action: one core, fed by either front-end through the same
// input table, that drives the rolling strategy through the shared deploy lifecycle.

import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { readJson } from '../../platform/files';
import { HttpClient } from '../../platform/http';
import type { StepOutcome } from '../../platform/step';
import { COMMON_INPUTS, readCommonInputs, type DeployInputSpec, type InputReader } from '../inputs';
import type { DeployRecord } from '../records';
import { runDeployStep, type DeployIo } from '../run';
import { resolveFlyApp } from './config';
import { DEFAULT_MACHINES_URL, DEFAULT_PROCESS_GROUP, FlyMachinesClient } from './machines';
import { DEFAULT_RELEASES_URL, FlyReleasesClient } from './releases';
import { FlyRollingStrategy } from './rolling';

export const FLY_STEP = 'deploy-fly';
/** Fly's Machines API allows 5 reads per second per machine; one poll every 2 s stays far below. */
const POLL_INTERVAL_MS = 2000;

export const FLY_INPUTS: DeployInputSpec[] = [
  { name: 'app', type: 'string', description: 'Fly app name (default: `app` in fly.toml)', env: 'FLY_APP', valueName: 'NAME' },
  { name: 'config', type: 'string', description: 'fly.toml to read the app name from', default: 'fly.toml', valueName: 'FILE' },
  { name: 'image', type: 'string', description: 'image to deploy; with rollback, the image to return to (default: the one recorded on the machines)', valueName: 'IMAGE' },
  { name: 'from-record', type: 'string', description: 'with rollback: return to versions.previous of this deploy record (instead of the image recorded on the machines)', valueName: 'FILE' },
  { name: 'process-group', type: 'string', description: 'process group whose machines are updated (others are left alone)', default: DEFAULT_PROCESS_GROUP, valueName: 'GROUP' },
  { name: 'machine-timeout', type: 'number', description: 'per machine: seconds from the update until it is started with passing checks', default: 300, valueName: 'SECONDS' },
  { name: 'fly-api-token', type: 'secret', description: 'Fly API token (`fly tokens create deploy`)', env: 'FLY_API_TOKEN', valueName: 'TOKEN' },
  { name: 'api-url', type: 'string', description: 'Machines API base URL (http:// only on loopback, for emulators)', env: 'FLY_API_URL', default: DEFAULT_MACHINES_URL, valueName: 'URL' },
  { name: 'releases-url', type: 'string', description: "Fly API base URL for the release history ('none' records no release)", env: 'FLY_RELEASES_URL', default: DEFAULT_RELEASES_URL, valueName: 'URL' },
];

export const FLY_ALL_INPUTS = [...COMMON_INPUTS, ...FLY_INPUTS];

/** Deploy tokens are macaroons sent as `FlyV1 <token>`; personal tokens are bearer tokens. */
export function flyAuthorization(token: string): string {
  if (/^FlyV1 /.test(token)) return token;
  if (/^fm\d/.test(token)) return `FlyV1 ${token}`;
  return `Bearer ${token}`;
}

/** The image a past deploy of this app replaced, from its deploy record (`--record` of that run). */
export function imageFromRecord(file: string | undefined, app: string, cwd: string): string | undefined {
  if (!file) return undefined;
  const record = readJson<Partial<DeployRecord>>(path.resolve(cwd, file), 'deploy record');
  if (record.kind !== 'fly' || !record.target?.startsWith(`fly ${app} `)) {
    throw new InputError(`the record is of ${record.target ?? 'an unknown target'}, not of Fly app ${app}`, { file, field: 'from-record' });
  }
  if (!record.versions?.previous) throw new InputError('the record has no versions.previous to return to (it was a first deploy)', { file, field: 'from-record' });
  return record.versions.previous;
}

export async function deployFly(input: InputReader, io: DeployIo): Promise<StepOutcome<DeployRecord>> {
  const common = readCommonInputs(input);
  const token = input.secret('fly-api-token');
  if (!token) throw new InputError('missing the Fly API token', { field: 'FLY_API_TOKEN', hint: 'create one with `fly tokens create deploy -a <app>` and pass it as FLY_API_TOKEN (input fly-api-token)' });
  const { app } = resolveFlyApp({ app: input.string('app'), config: input.string('config'), cwd: io.cwd });
  const image = input.string('image') ?? (common.rollback ? imageFromRecord(input.string('from-record'), app, io.cwd) : undefined);
  if (!common.rollback && !image) throw new InputError('missing the image to deploy', { field: 'image', hint: 'pass --image registry.fly.io/<app>:<tag> (action input `image`)' });
  const machineTimeout = input.number('machine-timeout') ?? 300;
  if (!(machineTimeout > 0)) throw new InputError(`must be a positive number of seconds, got ${machineTimeout}`, { field: 'machine-timeout' });

  const authorization = flyAuthorization(token);
  const http = new HttpClient({ baseUrl: input.string('api-url') ?? DEFAULT_MACHINES_URL, authorization, apiName: 'Fly Machines API', sleep: io.sleep });
  const releasesUrl = input.string('releases-url') ?? DEFAULT_RELEASES_URL;
  // Bookkeeping must not hold a deploy up for long: few attempts.
  const releases =
    releasesUrl === 'none' ? undefined : new FlyReleasesClient(new HttpClient({ baseUrl: releasesUrl, authorization, apiName: 'Fly releases API', sleep: io.sleep, maxAttempts: 3 }));
  const strategy = new FlyRollingStrategy({
    client: new FlyMachinesClient(http, app),
    processGroup: input.string('process-group') ?? DEFAULT_PROCESS_GROUP,
    image,
    machineTimeoutMs: machineTimeout * 1000,
    deadlineMs: common.readyTimeoutMs,
    pollIntervalMs: POLL_INTERVAL_MS,
    // Leases are extended from the wait loops; the production probe runs without extending them, so
    // their lifetime covers its deadline.
    leaseTtlSeconds: Math.ceil((common.health.options?.deadlineMs ?? 120_000) / 1000) + 120,
    url: common.url ?? `https://${app}.fly.dev`,
    environment: common.environment.name,
    releases,
  });
  return runDeployStep(FLY_STEP, strategy, { ...common, version: common.version ?? image }, io);
}
