// One table of deploy inputs serves both front-ends: the CLI builds its options from it and the actions
// read the same names through an `InputReader`, so `paved deploy aks --x` and `with: x:` cannot drift
// (a test checks every entry is declared in each action.yml). Also reads the inputs every deploy shares
// (environment, health checks, record, GitHub deployments).

import type { CliContext, OptionSpec } from '../cli/command';
import type { ParsedArgs } from '../cli/args';
import { InputError } from '../platform/errors';
import { secrets } from '../platform/redact';
import type { ProbeSpec } from './health';
import { validateProbe, type HealthOptions } from './health';
import type { EnvironmentPolicy, HealthPlan } from './lifecycle';
import { resolveEnvironment } from './lifecycle';
import type { DeployIo } from './run';

/** How a core reads its inputs, whichever front-end it runs under. Absent values are undefined. */
export interface InputReader {
  string(name: string): string | undefined;
  boolean(name: string): boolean | undefined;
  number(name: string): number | undefined;
  list(name: string): string[];
  /** Registered with the redactor as soon as it is read. */
  secret(name: string): string | undefined;
}

export interface DeployInputSpec {
  name: string;
  type: 'string' | 'boolean' | 'number' | 'list' | 'secret';
  description: string;
  /** Environment variable that supplies the value when the input is absent. */
  env?: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  valueName?: string;
}

export const COMMON_INPUTS: DeployInputSpec[] = [
  { name: 'environment', type: 'string', description: 'target environment (dev, staging, prod or a name like prod-eu)', env: 'CI_ENVIRONMENT_NAME', valueName: 'NAME' },
  { name: 'tier', type: 'string', description: 'automation level when the environment name does not say it', choices: ['dev', 'staging', 'prod'] },
  { name: 'auto-rollback', type: 'boolean', description: 'switch back by itself when a post-switch check fails (default: on for dev and prod, off for staging)' },
  { name: 'rollback', type: 'boolean', description: 'roll back to the previous version instead of deploying' },
  { name: 'version', type: 'string', description: 'the version being deployed (default: image tag / commit SHA)', valueName: 'VERSION' },
  { name: 'url', type: 'string', description: 'production URL checked after the switch', valueName: 'URL' },
  { name: 'health-path', type: 'list', description: 'path probed on the new and then the live version (default /)', valueName: 'PATH' },
  { name: 'health-status', type: 'list', description: 'status codes that count as healthy (default any 2xx)', valueName: 'CODE' },
  { name: 'health-body', type: 'string', description: 'text the health response body must contain', valueName: 'TEXT' },
  { name: 'health-body-regex', type: 'string', description: 'regular expression the health response body must match', valueName: 'REGEX' },
  { name: 'health-timeout', type: 'number', description: 'deadline for each health check, seconds', default: 120, valueName: 'SECONDS' },
  { name: 'health-interval', type: 'number', description: 'first wait between probe rounds, seconds (doubles up to 15)', default: 2, valueName: 'SECONDS' },
  { name: 'health-successes', type: 'number', description: 'consecutive passing rounds required after the switch', default: 2, valueName: 'N' },
  { name: 'timeout', type: 'number', description: 'deadline for the new version to become ready, seconds', default: 600, valueName: 'SECONDS' },
  { name: 'record', type: 'string', description: 'write the deploy record (JSON, schemas/deploy-record.schema.json) to this file', env: 'PAVED_DEPLOY_RECORD', valueName: 'FILE' },
  { name: 'github-token', type: 'secret', description: 'token with deployments: write, to record GitHub deployment statuses', valueName: 'TOKEN' },
  { name: 'github-repository', type: 'string', description: 'owner/name for GitHub deployment statuses', env: 'GITHUB_REPOSITORY', valueName: 'OWNER/NAME' },
];

/** CLI options for a table of deploy inputs. */
export function cliOptions(specs: DeployInputSpec[]): OptionSpec[] {
  return specs.map((s) => ({
    name: s.name,
    type: s.type === 'list' || s.type === 'secret' ? 'string' : s.type,
    multiple: s.type === 'list' ? true : undefined,
    description: s.description,
    env: s.env,
    default: s.default,
    choices: s.choices,
    valueName: s.valueName,
  }));
}

/** What a deploy needs from the command line's context: directory, environment and log lines through the face. */
export function cliIo(ctx: CliContext): DeployIo {
  return { cwd: ctx.cwd, env: ctx.env, log: (m) => ctx.face.info(m), warn: (m) => ctx.face.warning(m) };
}

/** Reads CLI arguments as inputs (defaults and env fallbacks were applied by the parser). */
export function argsReader(args: ParsedArgs): InputReader {
  return {
    string: (name) => nonEmpty(args.string(name)),
    boolean: (name) => (args.has(name) ? args.flag(name) : undefined),
    number: (name) => args.number(name),
    list: (name) => args.strings(name).flatMap(splitList),
    secret: (name) => {
      const value = nonEmpty(args.string(name));
      secrets.add(value);
      return value;
    },
  };
}

/**
 * Reads action inputs through a `string(name)` accessor, applying the table's defaults and env
 * fallbacks the way the CLI parser does, so both front-ends see identical values.
 */
export function stringInputsReader(get: (name: string) => string | undefined, specs: DeployInputSpec[], env: NodeJS.ProcessEnv): InputReader {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const raw = (name: string): string | undefined => {
    const spec = byName.get(name);
    const value = nonEmpty(get(name)) ?? (spec?.env ? nonEmpty(env[spec.env]) : undefined);
    if (value === undefined && spec?.default !== undefined) return String(spec.default);
    if (value !== undefined && spec?.choices && !spec.choices.includes(value)) {
      throw new InputError(`"${value}" is not one of: ${spec.choices.join(', ')}`, { field: name });
    }
    return value;
  };
  return {
    string: raw,
    boolean: (name) => {
      const value = raw(name);
      if (value === undefined) return undefined;
      if (/^(true|yes|on|1)$/i.test(value)) return true;
      if (/^(false|no|off|0)$/i.test(value)) return false;
      throw new InputError(`expects true or false, got "${value}"`, { field: name });
    },
    number: (name) => {
      const value = raw(name);
      if (value === undefined) return undefined;
      const n = Number(value);
      if (!Number.isFinite(n)) throw new InputError(`expects a number, got "${value}"`, { field: name });
      return n;
    },
    list: (name) => splitList(raw(name) ?? ''),
    secret: (name) => {
      const value = raw(name);
      secrets.add(value);
      return value;
    },
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function splitList(value: string): string[] {
  return value
    .split(/\r?\n|,/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

export interface CommonDeployInputs {
  environment: EnvironmentPolicy;
  rollback: boolean;
  version?: string;
  url?: string;
  health: HealthPlan;
  readyTimeoutMs: number;
  recordFile?: string;
  github?: { token: string; repository: string };
}

export function readCommonInputs(input: InputReader): CommonDeployInputs {
  const envName = input.string('environment');
  if (!envName) throw new InputError('missing the target environment', { field: 'environment', hint: 'pass --environment dev|staging|prod (GitLab: the job\'s environment:name is used)' });
  const environment = resolveEnvironment(envName, { tier: input.string('tier'), autoRollback: input.boolean('auto-rollback') });
  const statuses = input.list('health-status').map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n)) throw new InputError(`expects a status code, got "${s}"`, { field: 'health-status' });
    return n;
  });
  const paths = input.list('health-path');
  const probes: ProbeSpec[] = (paths.length ? paths : ['/']).map((path) => ({
    path,
    expectStatus: statuses.length ? statuses : undefined,
    bodyContains: input.string('health-body'),
    bodyMatches: input.string('health-body-regex'),
  }));
  for (const probe of probes) validateProbe(probe);
  const seconds = (name: string, fallback: number) => milliseconds(input, name, fallback);
  const options: HealthOptions = { deadlineMs: seconds('health-timeout', 120), intervalMs: seconds('health-interval', 2) };
  const successes = input.number('health-successes') ?? 2;
  if (!Number.isInteger(successes) || successes < 1) throw new InputError(`must be a whole number of at least 1, got ${successes}`, { field: 'health-successes' });
  const url = probeBaseUrl(input.string('url'), 'url');
  const token = input.secret('github-token');
  const repository = input.string('github-repository');
  return {
    environment,
    rollback: input.boolean('rollback') ?? false,
    version: input.string('version'),
    url,
    health: { probes, options, confirmOptions: { successThreshold: successes } },
    readyTimeoutMs: seconds('timeout', 600),
    recordFile: input.string('record'),
    github: token && repository ? { token, repository } : undefined,
  };
}

/** A positive number of seconds from an input, in milliseconds. */
export function milliseconds(input: InputReader, name: string, fallbackSeconds: number): number {
  const value = input.number(name) ?? fallbackSeconds;
  if (!(value > 0)) throw new InputError(`must be a positive number of seconds, got ${value}`, { field: name });
  return value * 1000;
}

/** A URL that health probes start from: absolute http(s) (probes carry no credentials, so http is allowed). */
export function probeBaseUrl(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`not a valid URL: ${value}`, { field, hint: 'give an absolute URL such as https://shop.example.com' });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InputError(`expects an http(s) URL, got ${url.protocol}`, { field });
  return value;
}
