// Azure access tokens from a CI identity token (workload identity federation): the CI platform's
// OIDC token is the client assertion of an Entra application that trusts this repository, so no
// long-lived Azure secret exists anywhere. This is the exchange azure/login performs, without
// needing the az CLI on the runner.

import { InputError } from '../platform/errors';
import { HttpClient, HttpError } from '../platform/http';
import { secrets } from '../platform/redact';

/** The audience Entra expects on a federated identity token. */
export const AZURE_TOKEN_AUDIENCE = 'api://AzureADTokenExchange';

export const AZURE_SCOPES = {
  /** Azure Resource Manager (Function Apps, slots, swaps). */
  arm: 'https://management.azure.com/.default',
  /** AKS clusters with Entra ID integration (the cluster's API server). */
  aks: '6dae42f8-4368-4678-94ff-3960e28e3630/.default',
} as const;

export interface AzureTokenRequest {
  tenantId: string;
  clientId: string;
  /** The CI platform's OIDC token (GitHub `core.getIDToken`, GitLab `id_tokens:`). */
  idToken: string;
  /** `arm`, `aks`, or a full scope such as `https://vault.azure.net/.default`. */
  scope: string;
  authorityUrl?: string;
  sleep?: (ms: number) => Promise<void>;
}

export interface AzureToken {
  accessToken: string;
  expiresOn: string;
  scope: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function resolveScope(scope: string): string {
  return scope in AZURE_SCOPES ? AZURE_SCOPES[scope as keyof typeof AZURE_SCOPES] : scope;
}

export async function azureAccessToken(request: AzureTokenRequest, now = () => Date.now()): Promise<AzureToken> {
  if (!GUID.test(request.tenantId)) throw new InputError(`"${request.tenantId}" is not a tenant id (a GUID)`, { field: 'tenant-id', hint: 'az account show --query tenantId' });
  if (!GUID.test(request.clientId)) throw new InputError(`"${request.clientId}" is not a client id (a GUID)`, { field: 'client-id', hint: 'the Application (client) ID of the Entra app with the federated credential' });
  if (!request.idToken) throw new InputError('no OIDC identity token to exchange', { field: 'id-token', hint: 'GitHub: permissions id-token: write; GitLab: id_tokens with aud api://AzureADTokenExchange' });
  secrets.add(request.idToken);
  const scope = resolveScope(request.scope);
  const client = new HttpClient({ baseUrl: request.authorityUrl ?? 'https://login.microsoftonline.com', apiName: 'Microsoft Entra ID', sleep: request.sleep });
  const form = new URLSearchParams({
    client_id: request.clientId,
    scope,
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: request.idToken,
  });
  let body: { access_token?: string; expires_in?: number | string };
  try {
    const res = await client.request<typeof body>('POST', `${encodeURIComponent(request.tenantId)}/oauth2/v2.0/token`, {
      rawBody: Buffer.from(form.toString()),
      contentType: 'application/x-www-form-urlencoded',
      retryUnsafe: true, // a token request has no side effect
    });
    body = res.body;
  } catch (err) {
    if (err instanceof HttpError && err.status && err.status >= 400 && err.status < 500) {
      const reason = /"error_description"\s*:\s*"([^"]+)"/.exec(err.responseBody)?.[1] ?? `HTTP ${err.status}`;
      throw new InputError(`Entra ID refused the federated token: ${secrets.redact(reason.split('\\r\\n')[0])}`, {
        field: 'client-id',
        hint: "check the app's federated credential: issuer, subject (repo:<owner>/<repo>:environment:<env> on GitHub, project_path:<group>/<project>:ref_type:branch:ref:<branch> on GitLab) and audience api://AzureADTokenExchange",
      });
    }
    throw err;
  }
  if (!body?.access_token) throw new InputError('Entra ID answered without an access_token', { field: 'oauth2/v2.0/token' });
  secrets.add(body.access_token);
  const expiresIn = Number(body.expires_in ?? 3600);
  return { accessToken: body.access_token, expiresOn: new Date(now() + expiresIn * 1000).toISOString(), scope };
}
