// One mapping from named settings to the governor's options, shared by the CLI (`--registry`) and the
// audit action (`registry:`), so both read the same names, defaults and tokens the same way.

import * as path from 'node:path';
import { GitHubClient } from '../forge/github';
import { GitLabClient } from '../forge/gitlab';
import { InputError } from '../platform/errors';
import { secrets } from '../platform/redact';

/** Where settings come from: parsed CLI options or action inputs. `field` names the setting in errors. */
export interface SettingSource {
  string(name: string): string | undefined;
  list(name: string): string[];
  number(name: string): number | undefined;
  boolean(name: string, fallback: boolean): boolean;
  field(name: string): string;
}

export const FAIL_ON = ['non_compliant', 'drifting', 'never'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface ForgeSettings {
  github?: GitHubClient;
  gitlab?: GitLabClient;
}

export interface AuditRunOptions extends ForgeSettings {
  registry: string;
  projects: string[];
  checkouts?: string;
  runtime: boolean;
  outDir?: string;
  writeRegistry: boolean;
  failOn: FailOn;
  now: Date;
}

export interface MetricsOptions extends ForgeSettings {
  registry?: string;
  facts?: string;
  audit?: string;
  projects: string[];
  checkouts?: string;
  days: number;
  weeks: number;
  out?: string;
  outDir?: string;
  now: Date;
}

/**
 * API clients for the forges, built only when a token or API URL is given (or the job runs on that
 * forge): a token never travels anywhere but its own forge's base URL.
 */
export function forgeClients(source: SettingSource, env: NodeJS.ProcessEnv): ForgeSettings {
  const githubToken = source.string('github-token') || undefined;
  const gitlabToken = source.string('gitlab-token') || undefined;
  secrets.add(githubToken);
  secrets.add(gitlabToken);
  const githubUrl = source.string('github-api-url') || env.GITHUB_API_URL || undefined;
  const gitlabUrl = source.string('gitlab-api-url') || env.CI_API_V4_URL || undefined;
  const out: ForgeSettings = {};
  if (githubToken || githubUrl) out.github = new GitHubClient({ baseUrl: githubUrl, token: githubToken });
  if (gitlabToken || gitlabUrl) out.gitlab = new GitLabClient({ baseUrl: gitlabUrl, token: gitlabToken });
  return out;
}

export function parseNow(source: SettingSource): Date {
  const raw = source.string('now');
  if (!raw) return new Date();
  const ms = Date.parse(raw);
  if (Number.isNaN(ms)) throw new InputError(`not a date: "${raw}"`, { field: source.field('now'), hint: 'give an ISO 8601 date such as 2026-03-02 or 2026-03-02T12:00:00Z' });
  return new Date(ms);
}

function resolvePath(value: string | undefined, cwd: string): string | undefined {
  return value ? path.resolve(cwd, value) : undefined;
}

export function auditRunOptions(source: SettingSource, cwd: string, env: NodeJS.ProcessEnv): AuditRunOptions {
  const registry = source.string('registry');
  if (!registry) throw new InputError('a project registry is required', { field: source.field('registry'), hint: 'the registry YAML (see docs/governance.md#registry)' });
  const failOn = (source.string('fail-on') || 'non_compliant') as FailOn;
  if (!FAIL_ON.includes(failOn)) throw new InputError(`"${failOn}" is not one of: ${FAIL_ON.join(', ')}`, { field: source.field('fail-on') });
  return {
    ...forgeClients(source, env),
    registry: path.resolve(cwd, registry),
    projects: source.list('project'),
    checkouts: resolvePath(source.string('checkouts'), cwd),
    runtime: source.boolean('runtime', true),
    outDir: resolvePath(source.string('out-dir'), cwd),
    writeRegistry: source.boolean('write-registry', false),
    failOn,
    now: parseNow(source),
  };
}

export function metricsOptions(source: SettingSource, cwd: string, env: NodeJS.ProcessEnv): MetricsOptions {
  const days = source.number('days') ?? 90;
  if (!(days >= 1 && days <= 730)) throw new InputError(`must be between 1 and 730 days, got ${days}`, { field: source.field('days') });
  const weeks = source.number('weeks') ?? 12;
  if (!(weeks >= 1 && weeks <= 104 && Number.isInteger(weeks))) throw new InputError(`must be a whole number of weeks from 1 to 104, got ${weeks}`, { field: source.field('weeks') });
  return {
    ...forgeClients(source, env),
    registry: resolvePath(source.string('registry'), cwd),
    facts: resolvePath(source.string('facts'), cwd),
    audit: resolvePath(source.string('audit'), cwd),
    projects: source.list('project'),
    checkouts: resolvePath(source.string('checkouts'), cwd),
    days,
    weeks,
    out: resolvePath(source.string('out'), cwd),
    outDir: resolvePath(source.string('out-dir'), cwd),
    now: parseNow(source),
  };
}
