// GitHub face of `paved dispatch`: the customer repository starts the provider's pipeline and waits.

import { runAction } from '../../src/platform/github';
import { dispatchStep, parseMode, parsePr } from '../../src/dispatch/steps';

runAction('dispatch', async (inputs, face) => {
  const pr = parsePr(inputs.string('pr'));
  return dispatchStep(
    {
      providerRepository: inputs.requireString('provider-repository'),
      workflow: inputs.string('workflow', { default: 'managed-infra.yml' })!,
      ref: inputs.string('ref', { default: 'main' })!,
      repository: inputs.string('repository', { default: process.env.GITHUB_REPOSITORY })!,
      commit: inputs.string('commit', { default: process.env.GITHUB_SHA })!,
      environment: inputs.requireString('environment'),
      mode: parseMode(inputs.string('mode'), pr),
      pr,
      deadlineMs: inputs.number('deadline', 1800)! * 1000,
      pollMs: inputs.number('poll', 10)! * 1000,
    },
    { apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com', token: inputs.secret('provider-token', { required: true }) },
    { apiUrl: process.env.GITHUB_API_URL ?? 'https://api.github.com', token: inputs.secret('github-token') ?? process.env.GITHUB_TOKEN },
    undefined,
    (message) => face.info(message),
  );
});
