// The dispatch and report steps as StepOutcomes, shared by `paved dispatch` / `paved report` and
// the `dispatch` / `report` actions.

import * as path from 'node:path';
import { GitHubClient } from '../forge/github';
import { GitLabClient } from '../forge/gitlab';
import { InputError } from '../platform/errors';
import { readJson, readText, writeFileAtomic } from '../platform/files';
import { table } from '../platform/markdown';
import { secrets } from '../platform/redact';
import type { StepOutcome } from '../platform/step';
import { parseAllowList } from './allowlist';
import { dispatchAndWait, realClock, type Clock, type DispatchRequest } from './customer';
import { GitHubCustomerRepo, GitLabCustomerRepo, type CustomerRepo, type RepoIdentity } from './customer-repo';
import { prepareRun, Rejection, VARIABLES_PATH, type RunMode } from './provider';
import { planCounts, planMarkdown, postComment, postStatus, readPolicySummary, rejectionMarkdown, type PlanSummary, type ReportTarget } from './report';

export interface Connection {
  /** The forge of the repository this connection talks to (customer repositories may be on GitLab). */
  platform?: 'github' | 'gitlab';
  apiUrl: string;
  token?: string;
  /** Tests inject a clock so waits are instant. */
  sleep?: (ms: number) => Promise<void>;
}

/** The connection's token, registered for redaction; a missing one names what it is for. */
function tokenFor(connection: Connection, what: string, hint: string): string {
  if (!connection.token) throw new InputError(`no token for the ${what}`, { field: 'token', hint });
  secrets.add(connection.token);
  return connection.token;
}

export function github(connection: Connection, what: string): GitHubClient {
  const token = tokenFor(connection, what, 'see docs/managed-infra.md for the permissions each side needs');
  return new GitHubClient({ baseUrl: connection.apiUrl, token, sleep: connection.sleep });
}

/** The customer repository seen from the provider, on whichever forge it lives. */
export function customerRepo(connection: Connection, what: string): CustomerRepo {
  if (connection.platform !== 'gitlab') return new GitHubCustomerRepo(github(connection, what));
  const token = tokenFor(connection, what, 'a GitLab project or group access token with api scope');
  return new GitLabCustomerRepo(new GitLabClient({ baseUrl: connection.apiUrl, token, sleep: connection.sleep }));
}

/** The repository's identity, for reporting; a repository the provider cannot see gets no report. */
async function identityFor(repo: CustomerRepo, target: ReportTarget): Promise<RepoIdentity> {
  const identity = await repo.identify(target.repository);
  if (!identity) throw new InputError(`${target.repository} cannot be read with the given token`, { field: 'repository' });
  return identity;
}

function outcome(step: string, ok: boolean, title: string, markdown: string, outputs: Record<string, string>, data: unknown): StepOutcome {
  return { step, verdict: ok ? 'pass' : 'fail', exitCode: ok ? 0 : 1, title, markdown, annotations: ok ? [] : [{ level: 'error', message: title }], outputs, data };
}

export async function dispatchStep(request: DispatchRequest, provider: Connection, customer: Connection, clock: Clock = realClock, log?: (m: string) => void): Promise<StepOutcome> {
  const result = await dispatchAndWait(github(provider, 'provider repository (actions: write)'), github(customer, 'customer repository (statuses: read)'), request, clock, log);
  const what = `${request.mode} for ${request.environment}`;
  const title = result.timedOut
    ? `provider ${what} did not finish within ${Math.round(request.deadlineMs / 1000)}s${result.runUrl ? `: ${result.runUrl}` : ''}`
    : `provider ${what}: ${result.conclusion}${result.providerStatus?.description ? ` — ${result.providerStatus.description}` : ''}`;
  const markdown = [
    `### ${result.verdict === 'pass' ? '✅' : '❌'} Managed infrastructure ${what}`,
    '',
    table(
      ['provider run', 'conclusion', 'provider status', 'details'],
      [[result.runUrl ? `[${result.runId}](${result.runUrl})` : String(result.runId ?? 'not found'), result.timedOut ? 'deadline passed' : String(result.conclusion), result.providerStatus?.state ?? 'none', result.providerStatus?.description ?? '']],
    ),
    '',
    ...result.timeline.map((t) => `- ${t.at} ${t.event}`),
  ].join('\n');
  return outcome('dispatch', result.verdict === 'pass', title, markdown, {
    verdict: result.verdict,
    'run-id': String(result.runId ?? ''),
    'run-url': result.runUrl ?? '',
    conclusion: result.timedOut ? 'timed_out' : String(result.conclusion ?? ''),
    'provider-status': result.providerStatus?.description ?? '',
  }, result);
}

export interface PrepareOptions {
  target: ReportTarget;
  allowListFile: string;
  variablesPath?: string;
  tfvarsOut: string;
  cwd: string;
}

export async function prepareStep(connection: Connection, options: PrepareOptions): Promise<StepOutcome> {
  const allowList = parseAllowList(readText(path.resolve(options.cwd, options.allowListFile), 'allow-list'), options.allowListFile);
  const repo = customerRepo(connection, 'customer repository (contents: read, statuses: write, pull-requests: write)');
  const { target } = options;
  try {
    const prepared = await prepareRun(repo, allowList, { repository: target.repository, commit: target.commit, environment: target.environment, mode: target.mode, pr: target.pr }, options.variablesPath ?? VARIABLES_PATH);
    writeFileAtomic(path.resolve(options.cwd, options.tfvarsOut), `${JSON.stringify(prepared.variables, null, 2)}\n`, { redact: false });
    const identity = { id: prepared.repositoryId, fullName: prepared.repository, defaultBranch: prepared.defaultBranch };
    await postStatus(repo, identity, target, 'pending', `${target.mode} running for ${target.environment}`);
    const names = Object.keys(prepared.variables);
    return outcome('report', true, `${prepared.repository} ${target.environment}: ${names.length} variables accepted, state ${prepared.stateKey}`, [
      `### Customer request accepted: ${prepared.repository} (${target.environment}, ${target.mode})`,
      '',
      table(['variable', 'value'], names.map((n) => [n, JSON.stringify(prepared.variables[n])])),
    ].join('\n'), { 'state-key': prepared.stateKey, 'repository-id': String(prepared.repositoryId), 'tfvars-file': options.tfvarsOut, repository: prepared.repository }, prepared);
  } catch (err) {
    if (!(err instanceof Rejection)) throw err;
    // A repository the provider cannot see gets no report: there is nowhere to post it.
    const identity = await repo.identify(target.repository);
    if (identity) {
      await postStatus(repo, identity, target, 'failure', err.message);
      await postComment(repo, identity, target, rejectionMarkdown(target, err.problems));
    }
    return outcome('report', false, err.message, rejectionMarkdown(target, err.problems), { 'state-key': '', rejected: 'true' }, { problems: err.problems });
  }
}

function readPlan(file: string, cwd: string): PlanSummary {
  const plan = readJson<PlanSummary>(path.resolve(cwd, file), 'contract plan');
  if (!plan || typeof plan.summary !== 'object' || !Array.isArray(plan.changes)) {
    throw new InputError('is not a contract plan (no summary or changes)', { file, hint: 'pass the plan.json written by paved plan run' });
  }
  return plan;
}

export async function planReportStep(connection: Connection, target: ReportTarget, planFile: string, policyFile: string | undefined, cwd: string): Promise<StepOutcome> {
  const plan = readPlan(planFile, cwd);
  const policy = policyFile ? readPolicySummary(readJson(path.resolve(cwd, policyFile), 'policy result')) : undefined;
  const repo = customerRepo(connection, 'customer repository (statuses: write, pull-requests: write)');
  const identity = await identityFor(repo, target);
  const markdown = planMarkdown(target, plan, policy);
  const ok = policy?.verdict !== 'fail';
  const description = `plan ${planCounts(plan)}; policy ${policy?.verdict ?? 'not checked'}${policy?.failures.length ? `: ${policy.failures[0]}` : ''}`;
  await postStatus(repo, identity, target, ok ? 'success' : 'failure', description);
  await postComment(repo, identity, target, markdown);
  return outcome('report', ok, description, markdown, { verdict: ok ? 'pass' : 'fail', counts: planCounts(plan) }, { plan: plan.summary, policy });
}

export async function applyReportStep(connection: Connection, target: ReportTarget, planFile: string, applied: boolean, cwd: string): Promise<StepOutcome> {
  const plan = readPlan(planFile, cwd);
  const repo = customerRepo(connection, 'customer repository (statuses: write, pull-requests: write)');
  const identity = await identityFor(repo, target);
  const description = applied ? `applied ${planCounts(plan)} to ${target.environment}` : `apply to ${target.environment} failed; nothing further was changed by the provider`;
  await postStatus(repo, identity, target, applied ? 'success' : 'failure', description);
  const markdown = `### ${applied ? '✅' : '❌'} ${description}\n\nCommit ${target.commit.slice(0, 12)}${target.runUrl ? ` · [provider run](${target.runUrl})` : ''}`;
  await postComment(repo, identity, target, markdown);
  return outcome('report', applied, description, markdown, { verdict: applied ? 'pass' : 'fail' }, { applied, plan: plan.summary });
}

export async function driftReportStep(connection: Connection, target: ReportTarget, planFile: string, cwd: string): Promise<StepOutcome> {
  const plan = readPlan(planFile, cwd);
  const drifted = (plan.drift ?? []).map((d) => d.address);
  const pending = plan.changes.filter((c) => c.action !== 'no-op' && c.action !== 'read').map((c) => c.address);
  const clean = drifted.length === 0 && pending.length === 0;
  const description = clean ? `no drift in ${target.environment}` : `drift in ${target.environment}: ${drifted.length} changed outside, ${pending.length} to reconcile`;
  const repo = customerRepo(connection, 'customer repository (statuses: write)');
  await postStatus(repo, await identityFor(repo, target), target, clean ? 'success' : 'failure', description);
  const markdown = [`### ${clean ? '✅' : '⚠️'} ${description}`, '', ...drifted.map((a) => `- drifted: \`${a}\``), ...pending.map((a) => `- would change: \`${a}\``)].join('\n');
  // Drift is reported, never applied; the scheduled job fails so someone looks at it.
  if (!clean) return outcome('report', false, description, markdown, { drift: 'true' }, { drifted, pending });
  return outcome('report', true, description, markdown, { drift: 'false' }, { drifted, pending });
}

export function parseMode(value: string | undefined, pr: number | undefined): RunMode {
  const mode = value ?? (pr === undefined ? 'apply' : 'plan');
  if (mode !== 'plan' && mode !== 'apply' && mode !== 'drift') throw new InputError(`"${mode}" is not plan, apply or drift`, { field: 'mode' });
  return mode;
}

export function parsePr(value: string | number | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InputError(`"${value}" is not a pull request number`, { field: 'pr' });
  return n;
}
