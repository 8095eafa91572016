// Kudu (the SCM site) deployment API for one slot: zip deploy (`/api/zipdeploy?isAsync=true`) or OneDeploy
// (`/api/publish?type=zip&async=true`), then poll the deployment until it is terminal. Talks to Kudu with
// the Entra (ARM-audience) token, which works whether or not SCM basic auth is allowed.

import { HttpClient, HttpError, parseRetryAfter } from '../../platform/http';
import { DeployError, DeployInProgressError } from '../lifecycle';
import { InputError } from '../../platform/errors';

/** Kudu's DeployStatus, plus the values functions-action treats as terminal for OneDeploy. */
export const KUDU_STATUS: Record<number, string> = { [-1]: 'Cancelled', 0: 'Pending', 1: 'Building', 2: 'Deploying', 3: 'Failed', 4: 'Success', 5: 'Conflict', 6: 'PartialSuccess' };
const RUNNING = new Set([0, 1, 2]);

export type PublishMethod = 'zipdeploy' | 'onedeploy';

interface KuduDeployment {
  id?: string;
  status?: number;
  status_text?: string;
  complete?: boolean;
  message?: string;
  log_url?: string;
}

export class KuduClient {
  private readonly http: HttpClient;

  constructor(
    readonly scmUri: string,
    token: string,
    private readonly o: { sleep?: (ms: number) => Promise<void>; now?: () => number; slot: string },
  ) {
    this.http = new HttpClient({ baseUrl: scmUri, token, apiName: `Kudu (${o.slot})`, sleep: o.sleep, timeoutMs: 300000 });
  }

  /** Refuses when a deployment is already running on this slot (Kudu would answer 409 anyway). */
  async assertIdle(): Promise<void> {
    const res = await this.call('GET', '/api/deployments/latest', { expect: [404] });
    const latest = res.body as KuduDeployment | undefined;
    if (res.status !== 404 && latest && RUNNING.has(Number(latest.status)) && latest.complete !== true) {
      throw new DeployInProgressError(`a deployment is already running on the ${this.o.slot} slot (${latest.id ?? 'latest'}: ${KUDU_STATUS[Number(latest.status)]})`, {
        hint: 'wait for it to finish, then retry',
      });
    }
  }

  async deploy(zip: Buffer, method: PublishMethod, meta: { message: string; deadlineMs: number; log: (m: string) => void }): Promise<KuduDeployment> {
    const path = method === 'zipdeploy' ? '/api/zipdeploy' : '/api/publish';
    const query: Record<string, string> = method === 'zipdeploy' ? { isAsync: 'true', deployer: 'paved', message: meta.message } : { type: 'zip', async: 'true', deployer: 'paved', message: meta.message };
    const res = await this.call('POST', path, { rawBody: zip, contentType: 'application/zip', query });
    if (res.status === 200) return { status: 4, complete: true };
    const location = res.headers.location ?? '/api/deployments/latest';
    let wait = parseRetryAfter(res.headers['retry-after']) ?? 2000;
    const now = this.o.now ?? Date.now;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const started = now();
    let lastStatus = -99;
    for (;;) {
      if (now() - started + wait > meta.deadlineMs) throw new DeployError(`the ${this.o.slot} deployment did not finish within ${Math.round(meta.deadlineMs / 1000)} s`);
      await sleep(wait);
      const poll = await this.call('GET', location, { expect: [202] });
      const body = (poll.body ?? {}) as KuduDeployment;
      const status = Number(body.status);
      if (status !== lastStatus) meta.log(`  ${this.o.slot} deployment ${body.id ?? ''}: ${KUDU_STATUS[status] ?? status}${body.status_text ? ` (${body.status_text})` : ''}`);
      lastStatus = status;
      if (status === 4 || status === 6) return body;
      if (status === 3 || status === -1 || status === 5) {
        throw new DeployError(`the ${this.o.slot} deployment ${KUDU_STATUS[status]}: ${body.status_text ?? ''}`.trim(), { hint: body.log_url ? `deployment log: ${body.log_url}` : undefined });
      }
      wait = parseRetryAfter(poll.headers['retry-after']) ?? wait;
    }
  }

  private async call(method: string, path: string, req: Parameters<HttpClient['request']>[2] = {}) {
    try {
      return await this.http.request(method, path, req);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      if (err.status === 409) throw new DeployInProgressError(`Kudu refused the ${this.o.slot} deployment (409): ${err.responseBody.slice(0, 200)}`, { hint: 'another deployment is running on this slot; wait and retry' });
      if (err.status === 401 || err.status === 403) {
        throw new InputError(`Kudu rejected the token (${err.status}) for the ${this.o.slot} slot`, { field: 'token', hint: 'the Entra token needs Website Contributor on the app; refresh it after azure/login' });
      }
      throw new DeployError(`Kudu ${method} ${path} failed (${err.status ?? 'no response'}): ${err.responseBody.slice(0, 300) || err.message}`);
    }
  }
}
