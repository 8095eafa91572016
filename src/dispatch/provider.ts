// The provider side of a managed-infrastructure run, before any plan: everything the customer sent
// is re-derived from the forge (the repository's identity, the commit, the pull request) and the
// variables file is judged against the allow-list. State is keyed by the repository's numeric id,
// which a customer cannot choose, never by a name it sent.

import { GateFailure, InputError } from '../platform/errors';
import type { CustomerRepo } from './customer-repo';
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
  /** Where the tool keeps state for this customer and environment: `<platform>-<repository id>/<environment>`. */
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
  // owner/name on GitHub, group/subgroup/project on GitLab, or GitLab's numeric upstream project id.
  if (!/^(\d+|[\w.-]+(\/[\w.-]+)+)$/.test(request.repository)) throw new InputError(`"${request.repository}" is not owner/name or a project id`, { field: 'repository' });
  if (!SHA.test(request.commit)) throw new InputError(`"${request.commit}" is not a full 40-character commit SHA`, { field: 'commit' });
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(request.environment)) throw new InputError(`"${request.environment}" is not an environment name`, { field: 'environment' });
  if (request.pr !== undefined && !(Number.isInteger(request.pr) && request.pr > 0)) throw new InputError('must be a pull request number', { field: 'pr' });
}

export async function prepareRun(customerRepo: CustomerRepo, allowList: AllowList, request: RunRequest, variablesPath = VARIABLES_PATH): Promise<PreparedRun> {
  checkRequestShape(request);
  const notRegistered = (name: string) => new Rejection([`${name} is not a registered customer of this provider`]);
  // A name that is not registered is refused before any call; a numeric id is known only once resolved.
  const byId = /^\d+$/.test(request.repository);
  if (!byId && !findCustomer(allowList, request.repository)) throw notRegistered(request.repository);

  const repo = await customerRepo.identify(request.repository);
  if (!repo) throw new Rejection([`${request.repository} cannot be read by the provider`]);
  const customer = findCustomer(allowList, repo.fullName);
  if (!customer) throw notRegistered(repo.fullName);
  if (!customer.environments.includes(request.environment)) {
    throw new Rejection([`environment ${request.environment} is not enabled for ${repo.fullName} (enabled: ${customer.environments.join(', ')})`]);
  }
  if (!(await customerRepo.commitExists(repo, request.commit))) throw new Rejection([`commit ${request.commit} does not exist in ${repo.fullName}`]);
  if ((request.mode === 'apply' || request.mode === 'drift') && !(await customerRepo.onDefaultBranch(repo, request.commit))) {
    throw new Rejection([`commit ${request.commit.slice(0, 12)} is not on ${repo.defaultBranch}: only merged changes are applied`]);
  }
  if (request.mode === 'plan' && request.pr !== undefined) {
    const head = await customerRepo.changeHead(repo, request.pr);
    if (head === undefined) throw new Rejection([`there is no open change request #${request.pr} in ${repo.fullName}`]);
    if (head !== request.commit) throw new Rejection([`commit ${request.commit.slice(0, 12)} is not the head of change request #${request.pr}`]);
  }

  const text = await customerRepo.readFile(repo, variablesPath, request.commit);
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
    repository: repo.fullName,
    repositoryId: repo.id,
    defaultBranch: repo.defaultBranch,
    stateKey: `${customerRepo.platform}-${repo.id}/${request.environment}`,
    variables: judged.values,
  };
}
