// Azure Resource Manager calls for a Function App and its slots (Microsoft.Web/sites), over the shared
// HttpClient: read the site, slots and plan; app settings; publishing credentials (for the Kudu URL); and
// the slot swap family (slotsswap, applySlotConfig, resetSlotConfig), with the long-running-operation
// protocol: poll `Azure-AsyncOperation` (status body) or `Location` (202 = running), honour Retry-After.

import { InputError } from '../../platform/errors';
import { HttpClient, HttpError, parseRetryAfter } from '../../platform/http';
import { DeployError, DeployInProgressError } from '../lifecycle';

export const ARM_API_VERSION = '2024-04-01';
export const PRODUCTION = 'production';

export interface Site {
  id?: string;
  name: string;
  kind?: string;
  properties: {
    state?: string;
    defaultHostName?: string;
    serverFarmId?: string;
    functionAppConfig?: unknown;
    sku?: string;
    slotSwapStatus?: { timestampUtc?: string; sourceSlotName?: string; destinationSlotName?: string };
  };
}

export interface ArmOptions {
  baseUrl: string;
  token: string;
  subscription: string;
  resourceGroup: string;
  app: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export class ArmClient {
  readonly http: HttpClient;
  private readonly sitePath: string;

  constructor(private readonly o: ArmOptions) {
    this.http = new HttpClient({ baseUrl: o.baseUrl, token: o.token, apiName: 'Azure Resource Manager', sleep: o.sleep });
    this.sitePath = `/subscriptions/${enc(o.subscription)}/resourceGroups/${enc(o.resourceGroup)}/providers/Microsoft.Web/sites/${enc(o.app)}`;
  }

  /** `…/sites/{app}` for production, `…/sites/{app}/slots/{slot}` otherwise. */
  slotPath(slot: string, suffix = ''): string {
    return `${slot === PRODUCTION ? this.sitePath : `${this.sitePath}/slots/${enc(slot)}`}${suffix}`;
  }

  async getSite(): Promise<Site> {
    const res = await this.call('GET', this.sitePath, { expect: [404] });
    if (res.status === 404) {
      throw new InputError(`Function App ${this.o.app} not found in resource group ${this.o.resourceGroup} (subscription ${this.o.subscription})`, { field: 'app' });
    }
    return res.body as Site;
  }

  async getSlot(slot: string): Promise<Site> {
    const res = await this.call('GET', this.slotPath(slot), { expect: [404] });
    if (res.status === 404) {
      throw new InputError(`slot "${slot}" does not exist on ${this.o.app}`, {
        field: 'slot',
        hint: `create it first: az functionapp deployment slot create -g ${this.o.resourceGroup} -n ${this.o.app} --slot ${slot}`,
      });
    }
    return res.body as Site;
  }

  async getPlan(serverFarmId: string): Promise<{ sku?: { tier?: string; name?: string }; kind?: string } | undefined> {
    const res = await this.call('GET', serverFarmId, { expect: [404] });
    return res.status === 404 ? undefined : (res.body as { sku?: { tier?: string; name?: string } });
  }

  async appSettings(slot: string): Promise<Record<string, string>> {
    const res = await this.call('POST', this.slotPath(slot, '/config/appsettings/list'), { retryUnsafe: true });
    return ((res.body as { properties?: Record<string, string> })?.properties ?? {}) as Record<string, string>;
  }

  /** Replaces the slot's app settings (ARM has no partial update): read, merge, write. Restarts the slot. */
  async setAppSettings(slot: string, settings: Record<string, string>): Promise<void> {
    const current = await this.appSettings(slot);
    await this.call('PUT', this.slotPath(slot, '/config/appsettings'), { body: { properties: { ...current, ...settings } } });
  }

  async scmUri(slot: string): Promise<string> {
    const res = await this.call('POST', this.slotPath(slot, '/config/publishingcredentials/list'), { retryUnsafe: true });
    const props = (res.body as { properties?: { scmUri?: string; publishingPassword?: string } })?.properties ?? {};
    if (!props.scmUri) throw new DeployError(`ARM returned no scmUri for ${this.o.app}/${slot}`);
    // The URI carries the basic-auth user and password; we talk to Kudu with the Entra token instead.
    const url = new URL(props.scmUri);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  }

  /** Swaps `slot` into `target` (production by default) and waits for the operation to finish. */
  async swap(slot: string, target: string, deadlineMs: number, log: (m: string) => void): Promise<void> {
    await this.lro(this.slotPath(slot, '/slotsswap'), { targetSlot: target, preserveVnet: true }, `swap ${slot} → ${target}`, deadlineMs, log);
  }

  /** Swap with preview, phase 1: production's settings applied to the slot, which restarts and warms. */
  async applySlotConfig(slot: string, target: string): Promise<void> {
    await this.call('POST', this.slotPath(slot, '/applySlotConfig'), { body: { targetSlot: target, preserveVnet: true } });
  }

  async resetSlotConfig(slot: string): Promise<void> {
    await this.call('POST', this.slotPath(slot, '/resetSlotConfig'), { body: {} });
  }

  private async lro(path: string, body: unknown, what: string, deadlineMs: number, log: (m: string) => void): Promise<void> {
    const now = this.o.now ?? Date.now;
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const started = now();
    const first = await this.call('POST', path, { body });
    if (first.status !== 201 && first.status !== 202) return;
    const asyncUrl = first.headers['azure-asyncoperation'] ?? first.headers['operation-location'];
    const location = first.headers.location;
    if (!asyncUrl && !location) return;
    let wait = parseRetryAfter(first.headers['retry-after']) ?? 5000;
    for (let poll = 1; ; poll++) {
      if (now() - started + wait > deadlineMs) {
        throw new DeployError(`${what} did not finish within ${Math.round(deadlineMs / 1000)} s and is still running in Azure`, {
          uncertain: true,
          hint: `follow it at ${asyncUrl ?? location}`,
        });
      }
      await sleep(wait);
      if (asyncUrl) {
        const res = await this.call('GET', asyncUrl, { expect: [200, 201, 202] });
        const status = String((res.body as { status?: string })?.status ?? 'InProgress');
        log(`  ${what}: ${status} (poll ${poll})`);
        if (/^succeeded$/i.test(status)) return;
        if (/fail|cancel/i.test(status)) {
          const error = (res.body as { error?: { code?: string; message?: string } })?.error;
          throw new DeployError(`${what} ${status}: ${error?.code ?? ''} ${error?.message ?? ''}`.trim());
        }
        wait = parseRetryAfter(res.headers['retry-after']) ?? wait;
      } else {
        const res = await this.call('GET', location as string, { expect: [202] });
        log(`  ${what}: ${res.status === 202 ? 'running' : 'done'} (poll ${poll})`);
        if (res.status !== 202) return;
        wait = parseRetryAfter(res.headers['retry-after']) ?? wait;
      }
    }
  }

  private async call(method: string, path: string, req: Parameters<HttpClient['request']>[2] = {}) {
    try {
      return await this.http.request(method, path, { ...req, query: { 'api-version': ARM_API_VERSION, ...req.query } });
    } catch (err) {
      throw explainArm(err, `${method} ${path.replace(/^https?:\/\/[^/]+/, '')}`, this.o.app);
    }
  }
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

export function armErrorMessage(body: string): string {
  try {
    const error = JSON.parse(body)?.error;
    return error ? `${error.code ?? ''}: ${error.message ?? ''}`.trim() : body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

export function explainArm(err: unknown, what: string, app: string): unknown {
  if (!(err instanceof HttpError)) return err;
  const message = armErrorMessage(err.responseBody);
  switch (err.status) {
    case 401:
      return new InputError(`Azure rejected the token (401) for ${what}`, {
        field: 'token',
        hint: 'the token is missing or expired: after azure/login, run `az account get-access-token --resource https://management.azure.com --query accessToken -o tsv` again',
      });
    case 403:
      return new InputError(`forbidden (403) for ${what}: ${message}`, { field: 'token', hint: `give the deploy identity "Website Contributor" on ${app}` });
    case 409:
      return new DeployInProgressError(`another operation is in progress on ${app} (409): ${message}`, { hint: 'wait for it to finish (a swap can take 10-20 minutes) and retry' });
    case 417:
      return new DeployError(`the slot did not respond to the warm-up ping (417): ${message}`, { hint: 'check that the app starts and answers on / (or WEBSITE_SWAP_WARMUP_PING_PATH)' });
    default:
      return new DeployError(`${what} failed (${err.status ?? 'no response'}): ${message || err.message}`);
  }
}
