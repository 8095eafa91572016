import { runCli } from '../../src/cli/main';
import { cloudCommands } from '../../src/cloud/cli';
import { AZURE_SCOPES, azureAccessToken } from '../../src/cloud/azure-login';
import { HttpEmulator } from '../helpers/http-emulator';

const TENANT = '11111111-2222-3333-4444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const ID_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.ci-identity.sig';

describe('Azure workload identity federation', () => {
  const entra = new HttpEmulator();
  let authorityUrl: string;
  beforeAll(async () => {
    entra.on('POST', '/:tenant/oauth2/v2.0/token', (req) => {
      const form = new URLSearchParams(req.body.toString());
      if (form.get('client_assertion') !== ID_TOKEN || form.get('client_id') !== CLIENT) {
        return { status: 400, body: { error: 'invalid_client', error_description: 'AADSTS70021: No matching federated identity record found for presented assertion.\r\nTrace ID: x' } };
      }
      return { body: { token_type: 'Bearer', expires_in: 3599, access_token: `azure-token-for-${form.get('scope')}` } };
    });
    authorityUrl = await entra.start();
  });
  afterAll(() => entra.stop());

  it('exchanges the CI identity token for an access token of the requested scope', async () => {
    const token = await azureAccessToken({ tenantId: TENANT, clientId: CLIENT, idToken: ID_TOKEN, scope: 'aks', authorityUrl }, () => 0);
    expect(token).toEqual({ accessToken: `azure-token-for-${AZURE_SCOPES.aks}`, expiresOn: new Date(3599000).toISOString(), scope: AZURE_SCOPES.aks });
    const form = new URLSearchParams(entra.requests.at(-1)!.body.toString());
    expect(entra.requests.at(-1)!.path).toBe(`/${TENANT}/oauth2/v2.0/token`);
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  });

  it('explains a refused federation without echoing the identity token', async () => {
    const err = await azureAccessToken({ tenantId: TENANT, clientId: 'aaaaaaaa-bbbb-cccc-dddd-000000000000', idToken: ID_TOKEN, scope: 'arm', authorityUrl }).catch((e) => e);
    expect(err.message).toContain('client-id: Entra ID refused the federated token: AADSTS70021: No matching federated identity record');
    expect(err.context.hint).toContain('repo:<owner>/<repo>:environment:<env>');
    expect(err.message).not.toContain(ID_TOKEN);
  });

  it('rejects ids that are not GUIDs before calling anything', async () => {
    const before = entra.requests.length;
    await expect(azureAccessToken({ tenantId: 'contoso', clientId: CLIENT, idToken: ID_TOKEN, scope: 'arm', authorityUrl })).rejects.toThrow(/tenant-id: "contoso" is not a tenant id/);
    expect(entra.requests.length).toBe(before);
  });

  it('paved azure token prints only the token on stdout, for export in a GitLab job', async () => {
    const env = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT, AZURE_ID_TOKEN: ID_TOKEN };
    const ok = await runCli(['azure', 'token', '--authority-url', authorityUrl], { env, commands: cloudCommands });
    expect(ok).toEqual({ exitCode: 0, stdout: `azure-token-for-${AZURE_SCOPES.arm}\n`, stderr: expect.stringContaining('valid until') });
    const missing = await runCli(['azure', 'token', '--authority-url', authorityUrl], { env: { ...env, AZURE_ID_TOKEN: '' }, commands: cloudCommands });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('AZURE_ID_TOKEN is not set');
  });
});
