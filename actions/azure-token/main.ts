// GitHub face of the Azure workload-identity exchange: asks the runner for an OIDC token with
// Entra's audience and outputs a masked Azure access token for the deploy steps that follow.

import * as core from '@actions/core';
import { AZURE_TOKEN_AUDIENCE, azureAccessToken } from '../../src/cloud/azure-login';
import { runAction } from '../../src/platform/github';

runAction('azure-token', async (inputs) => {
  const idToken = await core.getIDToken(AZURE_TOKEN_AUDIENCE);
  const token = await azureAccessToken({
    tenantId: inputs.requireString('tenant-id'),
    clientId: inputs.requireString('client-id'),
    idToken,
    scope: inputs.string('scope', { default: 'arm' })!,
    authorityUrl: inputs.string('authority-url'),
  });
  return {
    step: 'azure-token',
    verdict: 'pass',
    exitCode: 0,
    title: `Azure token for ${token.scope}, valid until ${token.expiresOn}`,
    markdown: '',
    annotations: [],
    outputs: { token: token.accessToken, 'expires-on': token.expiresOn },
    secretOutputs: ['token'],
    data: { scope: token.scope, expiresOn: token.expiresOn },
  };
});
