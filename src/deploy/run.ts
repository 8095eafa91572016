// Runs one deploy strategy through the lifecycle with the inputs every deploy shares, and turns the
// record into the step's outcome: progress lines as it goes, GitHub deployment statuses when a token
// and repository are given, the record file written atomically, outputs url/version/previous-version/outcome.

import * as path from 'node:path';
import { InputError } from '../platform/errors';
import type { StepOutcome } from '../platform/step';
import { GithubDeployments } from './github-deployments';
import type { CommonDeployInputs } from './inputs';
import { runLifecycle, type DeployStrategy, type TransitionObserver } from './lifecycle';
import { recordOutcome, sourceFromEnv, writeRecord, type DeployRecord } from './records';

/** What a deploy core needs from its front-end. Tests inject `sleep`/`now` so nothing waits for real. */
export interface DeployIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  log(message: string): void;
  warn(message: string): void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export async function runDeployStep(step: string, strategy: DeployStrategy, common: CommonDeployInputs, io: DeployIo): Promise<StepOutcome<DeployRecord>> {
  const source = sourceFromEnv(io.env);
  if (common.environment.requiresApproval && source.platform === 'gitlab' && !io.env.CI_ENVIRONMENT_NAME) {
    throw new InputError(`${common.environment.name} needs an approval, but this GitLab job declares no environment`, {
      field: 'environment',
      hint: 'give the job `environment: { name: production }` with `when: manual` and protect the environment (see docs/deploy.md)',
    });
  }
  const observers: TransitionObserver[] = [];
  if (common.github) {
    const ref = source.commit ?? io.env.GITHUB_SHA;
    if (!ref) throw new InputError('GitHub deployment statuses need the commit being deployed', { field: 'github-token', hint: 'run inside GitHub Actions (GITHUB_SHA) or drop github-token' });
    if (!/^[^/\s]+\/[^/\s]+$/.test(common.github.repository)) {
      throw new InputError(`expects owner/name, got "${common.github.repository}"`, { field: 'github-repository' });
    }
    observers.push(new GithubDeployments({ ...common.github, ref, apiUrl: io.env.GITHUB_API_URL, sleep: io.sleep }));
  }
  const record = await runLifecycle({
    strategy,
    environment: common.environment,
    operation: common.rollback ? 'rollback' : 'deploy',
    requestedVersion: common.rollback ? undefined : common.version,
    health: common.health,
    log: io.log,
    warn: io.warn,
    sleep: io.sleep,
    now: io.now,
    observers,
    source,
  });
  if (common.recordFile) writeRecord(path.resolve(io.cwd, common.recordFile), record);
  return recordOutcome(step, record, common.recordFile);
}
