// `paved azure token`: an Azure access token from the GitLab job's OIDC token, printed for
// `export AZURE_TOKEN=$(paved azure token ...)` (the value is a secret: GitLab masks nothing that
// is not a masked variable, so keep it out of `echo`).

import type { CommandSpec } from '../cli/command';
import { InputError } from '../platform/errors';
import { azureAccessToken } from './azure-login';

const azureToken: CommandSpec = {
  path: ['azure', 'token'],
  summary: 'exchange the CI job\'s OIDC token for an Azure access token (workload identity federation)',
  noFormat: true,
  options: [
    { name: 'tenant-id', type: 'string', env: 'AZURE_TENANT_ID', required: true, description: 'Entra tenant id' },
    { name: 'client-id', type: 'string', env: 'AZURE_CLIENT_ID', required: true, description: 'client id of the Entra app that trusts this project' },
    { name: 'id-token-env', type: 'string', default: 'AZURE_ID_TOKEN', valueName: 'NAME', description: 'variable holding the job\'s OIDC token (GitLab id_tokens: with aud api://AzureADTokenExchange)' },
    { name: 'scope', type: 'string', default: 'arm', description: 'arm, aks, or a full scope ending in /.default' },
    { name: 'authority-url', type: 'string', default: 'https://login.microsoftonline.com', description: 'Entra authority (sovereign clouds; http:// only on loopback)' },
  ],
  examples: ['export AZURE_TOKEN="$(paved azure token --scope arm)"'],
  async run(args, ctx) {
    const variable = args.string('id-token-env')!;
    const idToken = ctx.env[variable];
    if (!idToken) throw new InputError(`${variable} is not set`, { field: '--id-token-env', hint: `declare it in the job: id_tokens: { ${variable}: { aud: api://AzureADTokenExchange } }` });
    const token = await azureAccessToken({
      tenantId: args.requireString('tenant-id'),
      clientId: args.requireString('client-id'),
      idToken,
      scope: args.string('scope')!,
      authorityUrl: args.string('authority-url'),
    });
    ctx.stdout(`${token.accessToken}\n`);
    ctx.stderr(`azure token for ${token.scope}, valid until ${token.expiresOn}\n`);
    return 0;
  },
};

export const cloudCommands: CommandSpec[] = [azureToken];
