// The provider side of a managed-infrastructure run, before any plan: everything the customer sent
// is re-derived from GitHub (the repository's identity, the commit, the pull request) and the
// variables file is judged against the allow-list. State is keyed by the repository's numeric id,
// which a customer cannot choose, never by a name it sent.

import type { GitHubClient } from '../forge/github';
import { GateFailure, InputError } from '../platform/errors';
import { HttpError } from '../platform/http';
import { applyAllowList, findCustomer, type AllowList } from './allowlist';
import { parseVariables, valuesFor, type VariableValue } from './variables';

export type RunMode = 'plan' | 'apply' | 'drift';

export interface RunRequest {
  repository: string;
  commit: string;
  environment: string;
  mode: RunMode;
  pr?: number;
}

export interface PreparedRun extends RunRequest {
  /** The repository's canonical owner/name, as GitHub spells it. */
  repository: string;
  repositoryId: number;
  defaultBranch: string;
  /** Where the tool keeps state for this customer and environment: `github-<repository id>/<environment>`. */
  stateKey: string;
  variables: Record<string, VariableValue>;
}

/** A customer request the provider refuses: reported back to the customer, then the run stops. */
export class Rejection extends GateFailure {
  constructor(readonly problems: string[]) {
    super(`rejected: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`);
  }
}

export const VARIABLES_PATH = 'infra/variables.yml';
const SHA = /^[0-9a-f]{40}$/;

export function checkRequestShape(request: RunRequest): void {
  if (!/^[\w.-]+\/[\w.-]+$/.test(request.repository)) throw new InputError(`"${request.repository}" is not owner/name`, { field: 'repository' });
  if (!SHA.test(request.commit)) throw new InputError(`"${request.commit}" is not a full 40-character commit SHA`, { field: 'commit' });
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(request.environment)) throw new InputError(`"${request.environment}" is not an environment name`, { field: 'environment' });
  if (request.pr !== undefined && !(Number.isInteger(request.pr) && request.pr > 0)) throw new InputError('must be a pull request number', { field: 'pr' });
}

async function exists(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 422)) return false;
    throw err;
  }
}

export async function prepareRun(client: GitHubClient, allowList: AllowList, request: RunRequest, variablesPath = VARIABLES_PATH): Promise<PreparedRun> {
  checkRequestShape(request);
  const customer = findCustomer(allowList, request.repository);
  if (!customer) throw new Rejection([`${request.repository} is not a registered customer of this provider`]);
  if (!customer.environments.includes(request.environment)) {
    throw new Rejection([`environment ${request.environment} is not enabled for ${request.repository} (enabled: ${customer.environments.join(', ')})`]);
  }

  const repo = (await client.rest.request<{ id: number; full_name: string; default_branch: string }>('GET', `/repos/${request.repository}`)).body;
  const full = repo.full_name;
  if (!(await exists(() => client.rest.request('GET', `/repos/${full}/commits/${request.commit}`)))) {
    throw new Rejection([`commit ${request.commit} does not exist in ${full}`]);
  }
  if (request.mode === 'apply' || request.mode === 'drift') {
    const compare = await client.rest.request<{ status: string }>('GET', `/repos/${full}/compare/${encodeURIComponent(repo.default_branch)}...${request.commit}`);
    if (compare.body.status !== 'identical' && compare.body.status !== 'behind') {
      throw new Rejection([`commit ${request.commit.slice(0, 12)} is not on ${repo.default_branch}: only merged changes are applied`]);
    }
  }
  if (request.mode === 'plan' && request.pr !== undefined) {
    const pull = await client.rest.request<{ state: string; head: { sha: string } }>('GET', `/repos/${full}/pulls/${request.pr}`, { expect: [404] });
    if (pull.status === 404) throw new Rejection([`pull request #${request.pr} does not exist in ${full}`]);
    if (pull.body.head.sha !== request.commit) throw new Rejection([`commit ${request.commit.slice(0, 12)} is not the head of pull request #${request.pr}`]);
  }

  const text = await client.getFileText(full, variablesPath, request.commit);
  if (text === undefined) throw new Rejection([`${variablesPath} not found at ${request.commit.slice(0, 12)}`]);
  let values: Record<string, VariableValue>;
  try {
    values = valuesFor(parseVariables(text, variablesPath), request.environment);
  } catch (err) {
    if (err instanceof InputError) throw new Rejection([err.message]);
    throw err;
  }
  const judged = applyAllowList(allowList, request.environment, values);
  if (judged.problems.length) throw new Rejection(judged.problems);

  return {
    ...request,
    repository: full,
    repositoryId: repo.id,
    defaultBranch: repo.default_branch,
    stateKey: `github-${repo.id}/${request.environment}`,
    variables: judged.values,
  };
}
