// The plan action: `paved plan run` (or `paved plan convert` with native-plan) with the same core.

import { runAction } from '../../src/platform/github';
import type { ToolChoice } from '../../src/contract/adapters';
import { convertStep, planStep } from '../../src/contract/steps';
import { HASH_KEY_ENV } from '../../src/contract/values';

runAction('plan', async (inputs, face) => {
  const hashKey = inputs.secret('hash-key');
  const env = { ...process.env, ...(hashKey && { [HASH_KEY_ENV]: hashKey }) };
  const common = {
    cwd: process.cwd(),
    directory: inputs.string('directory', { default: '.' })!,
    environment: inputs.string('environment'),
    output: inputs.string('plan-file', { default: 'plan.json' })!,
    tool: (inputs.string('tool', { default: 'auto' }) ?? 'auto') as ToolChoice,
    commit: inputs.string('commit'),
    env,
  };
  const native = inputs.string('native-plan');
  if (native) return convertStep({ ...common, input: native });
  return planStep({ ...common, timeoutMs: (inputs.number('timeout', 3600) ?? 3600) * 1000, log: (line) => face.info(line), group: (title, fn) => face.group(title, fn) });
});
