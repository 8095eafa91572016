// The policy-check action: the same core and writers as `paved policy check`, delivered through the
// GitHub face (outputs, job summary, annotations, sticky PR comment).

import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { runAction } from '../../src/platform/github';
import { checkWriters, policyCheckStep } from '../../src/policy/outcome';
import type { EngineChoice, RegoVersion } from '../../src/policy/types';

const ENGINES = ['auto', 'builtin', 'wasm', 'opa'];
const LOG_FORMATS = ['table', 'json', 'junit', 'sarif', 'github'];

function choice<T extends string>(value: string, allowed: readonly string[], input: string): T {
  if (!allowed.includes(value)) throw new InputError(`"${value}" is not one of: ${allowed.join(', ')}`, { field: `with.${input}` });
  return value as T;
}

/** The platform library ships with the action: the runner downloads the whole repository at the tag. */
const PLATFORM_POLICIES = path.join(__dirname, '..', '..', 'policies');

runAction('policy-check', async (inputs, face) => {
  const format = choice<string>(inputs.string('format', { default: 'table' }) as string, LOG_FORMATS, 'format');
  const platform = inputs.boolean('platform-policies', true);
  const policies = [...(platform ? [PLATFORM_POLICIES] : []), ...inputs.list('policy')];
  if (policies.length === 0) throw new InputError('no policies: give policy, or leave platform-policies on', { field: 'with.policy' });
  const namespaces = inputs.list('namespace');
  const outcome = await policyCheckStep({
    policies,
    inputs: inputs.list('files'),
    data: inputs.list('data'),
    // The platform library's packages are paved.*; a team's own policies keep conftest's default, main.
    namespaces: namespaces.length > 0 || !platform ? namespaces : ['paved.*', 'main'],
    allNamespaces: inputs.boolean('all-namespaces'),
    engine: choice<EngineChoice>(inputs.string('engine', { default: 'auto' }) as string, ENGINES, 'engine'),
    regoVersion: choice<RegoVersion>(inputs.string('rego-version', { default: 'v1' }) as string, ['v0', 'v1'], 'rego-version'),
    failOnWarn: inputs.boolean('fail-on-warn'),
    approvals: inputs.list('approve'),
    sarifFile: inputs.string('sarif-file'),
    junitFile: inputs.string('junit-file'),
    cwd: process.env.GITHUB_WORKSPACE ?? process.cwd(),
  });
  face.info(checkWriters[format](outcome.data));
  return outcome;
});
