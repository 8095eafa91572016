// How paved gets a Databricks access token: a personal access token as is, OAuth M2M (client
// credentials at /oidc/v1/token), or workload identity federation (a GitHub or GitLab OIDC JWT
// exchanged at /oidc/v1/token, RFC 8693), so CI needs no long-lived Databricks secret.

import { InputError } from '../../platform/errors';
import { HttpClient, HttpError } from '../../platform/http';
import { secrets } from '../../platform/redact';

export type DatabricksAuth =
  | { kind: 'pat'; token: string }
  | { kind: 'oauth-m2m'; clientId: string; clientSecret: string }
  | {
      kind: 'oidc';
      /** The service principal's application id (service-principal federation policy); omitted for an account-wide policy. */
      clientId?: string;
      /** The identity token itself (GitLab `id_tokens:` puts it in a variable) ... */
      idToken?: string;
      /** ... or GitHub's token request endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN). */
      githubRequest?: { url: string; token: string; audience?: string };
    };

export interface AuthInput {
  token?: string;
  clientId?: string;
  clientSecret?: string;
  /** Use workload identity federation. */
  oidc?: boolean;
  oidcToken?: string;
  oidcAudience?: string;
  env: NodeJS.ProcessEnv;
}

/** Picks the method from what was given; a missing credential is an input error before any request. */
export function resolveAuth(input: AuthInput): DatabricksAuth {
  if (input.oidc) {
    if (input.oidcToken) return { kind: 'oidc', clientId: input.clientId, idToken: input.oidcToken };
    const url = input.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const token = input.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!url || !token) {
      throw new InputError('workload identity federation needs an OIDC token, and none is available', {
        field: 'oidc',
        hint: 'on GitHub give the job `permissions: id-token: write`; on GitLab declare `id_tokens:` and pass the variable with --oidc-token-env',
      });
    }
    return { kind: 'oidc', clientId: input.clientId, githubRequest: { url, token, audience: input.oidcAudience } };
  }
  if (input.clientId || input.clientSecret) {
    if (!input.clientId || !input.clientSecret) {
      throw new InputError('OAuth M2M needs both a client id and a client secret', {
        field: input.clientId ? 'DATABRICKS_CLIENT_SECRET' : 'DATABRICKS_CLIENT_ID',
        hint: 'set DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET (a service principal OAuth secret), or use a token',
      });
    }
    return { kind: 'oauth-m2m', clientId: input.clientId, clientSecret: input.clientSecret };
  }
  if (input.token) return { kind: 'pat', token: input.token };
  throw new InputError('no Databricks credentials', {
    field: 'DATABRICKS_TOKEN',
    hint: 'set DATABRICKS_TOKEN, or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET, or use --oidc with an identity token',
  });
}

export interface TokenDeps {
  host: string;
  sleep?: (ms: number) => Promise<void>;
}

/** Turns credentials into the bearer token the REST API takes. */
export async function accessToken(auth: DatabricksAuth, deps: TokenDeps): Promise<string> {
  if (auth.kind === 'pat') {
    secrets.add(auth.token);
    return auth.token;
  }
  secrets.add(auth.kind === 'oauth-m2m' ? auth.clientSecret : auth.idToken);
  const oidc = new HttpClient({
    baseUrl: deps.host,
    apiName: 'Databricks token endpoint',
    sleep: deps.sleep,
    ...(auth.kind === 'oauth-m2m' ? { authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString('base64')}` } : {}),
  });
  const form = new URLSearchParams();
  if (auth.kind === 'oauth-m2m') {
    form.set('grant_type', 'client_credentials');
  } else {
    form.set('grant_type', 'urn:ietf:params:oauth:grant-type:token-exchange');
    form.set('subject_token', auth.idToken ?? (await githubIdToken(auth.githubRequest!, deps)));
    form.set('subject_token_type', 'urn:ietf:params:oauth:token-type:jwt');
    if (auth.clientId) form.set('client_id', auth.clientId);
  }
  form.set('scope', 'all-apis');
  let res;
  try {
    // A token request changes nothing, so retrying it on 5xx is safe.
    res = await oidc.request<{ access_token?: string }>('POST', 'oidc/v1/token', {
      rawBody: Buffer.from(form.toString()),
      contentType: 'application/x-www-form-urlencoded',
      retryUnsafe: true,
    });
  } catch (err) {
    if (err instanceof HttpError && (err.status === 400 || err.status === 401 || err.status === 403)) {
      throw new InputError(`the Databricks token endpoint refused the ${auth.kind === 'oidc' ? 'identity token' : 'client credentials'} (HTTP ${err.status})`, {
        field: auth.kind === 'oidc' ? 'oidc' : 'DATABRICKS_CLIENT_ID',
        hint:
          auth.kind === 'oidc'
            ? "check the federation policy's issuer, audience and subject against the job's token"
            : 'check the service principal client id and OAuth secret (secrets expire)',
      });
    }
    throw err;
  }
  const token = res.body?.access_token;
  if (!token) throw new InputError('the Databricks token endpoint answered without an access_token', { field: 'oidc/v1/token' });
  secrets.add(token);
  return token;
}

/** Asks the GitHub Actions runtime for an OIDC token (what `core.getIDToken` does), so the core needs no @actions import. */
async function githubIdToken(request: { url: string; token: string; audience?: string }, deps: TokenDeps): Promise<string> {
  secrets.add(request.token);
  const github = new HttpClient({ baseUrl: request.url, token: request.token, apiName: 'GitHub OIDC token service', sleep: deps.sleep });
  const url = new URL(request.url);
  if (request.audience) url.searchParams.set('audience', request.audience);
  const res = await github.get<{ value?: string }>(url.href);
  if (!res.body?.value) throw new InputError('GitHub answered the OIDC token request without a token', { field: 'ACTIONS_ID_TOKEN_REQUEST_URL' });
  secrets.add(res.body.value);
  return res.body.value;
}
