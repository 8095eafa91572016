// The apply action: `paved apply` with the same core and checks.

import { runAction } from '../../src/platform/github';
import { applyStep, DEFAULT_PROTECTED_ENVS } from '../../src/contract/steps';

runAction('apply', async (inputs, face) => {
  const protectedEnvs = inputs.list('protected-environments');
  return applyStep({
    cwd: process.cwd(),
    plan: inputs.string('plan-file', { default: 'plan.json' })!,
    approvedDigest: inputs.requireString('approved-digest'),
    environment: inputs.string('environment'),
    allowDeletes: inputs.boolean('allow-deletes'),
    protectedEnvs: protectedEnvs.length ? protectedEnvs : DEFAULT_PROTECTED_ENVS,
    directory: inputs.string('directory'),
    commit: inputs.string('commit'),
    timeoutMs: (inputs.number('timeout', 3600) ?? 3600) * 1000,
    env: process.env,
    log: (line) => face.info(line), group: (title, fn) => face.group(title, fn),
  });
});
