// GitHub face of `paved report`: the provider's run reports to the customer repository.

import { runAction } from '../../src/platform/github';
import { InputError } from '../../src/platform/errors';
import { applyReportStep, driftReportStep, parseMode, parsePr, planReportStep, prepareStep } from '../../src/dispatch/steps';

runAction('report', async (inputs) => {
  const pr = parsePr(inputs.string('pr'));
  const phase = inputs.requireString('phase');
  const target = {
    repository: inputs.requireString('repository'),
    commit: inputs.requireString('commit'),
    environment: inputs.requireString('environment'),
    mode: parseMode(inputs.string('mode'), pr),
    pr,
    runUrl: `${process.env.GITHUB_SERVER_URL ?? 'https://github.com'}/${process.env.GITHUB_REPOSITORY}/actions/runs/${process.env.GITHUB_RUN_ID}`,
  };
  const connection = { apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com', token: inputs.secret('customer-token', { required: true }) };
  const cwd = process.cwd();
  switch (phase) {
    case 'prepare':
      return prepareStep(connection, { target, allowListFile: inputs.requireString('allowlist'), variablesPath: inputs.string('variables-path'), tfvarsOut: inputs.string('tfvars-out', { default: 'customer.auto.tfvars.json' })!, cwd });
    case 'plan':
      return planReportStep(connection, target, inputs.requireString('plan'), inputs.string('policy'), cwd);
    case 'apply':
      return applyReportStep(connection, target, inputs.requireString('plan'), inputs.requireString('outcome') === 'success', cwd);
    case 'drift':
      return driftReportStep(connection, { ...target, mode: 'drift' }, inputs.requireString('plan'), cwd);
    default:
      throw new InputError(`"${phase}" is not prepare, plan, apply or drift`, { field: 'with.phase' });
  }
});
