// Client for the Fly Machines API (https://api.machines.dev/v1): the calls a rolling deploy needs
// (list, get, lease, update, wait), with the API's real quirks handled where they occur:
// an ambiguous 408 from `wait`, a lease held by someone else (409), and 429 (retried by HttpClient).

import { HttpClient, HttpError } from '../../platform/http';
import { InputError } from '../../platform/errors';
import { DeployInProgressError } from '../lifecycle';

export const DEFAULT_MACHINES_URL = 'https://api.machines.dev/v1';
/** The process group flyctl gives machines of apps without `[processes]`. */
export const DEFAULT_PROCESS_GROUP = 'app';
/** Metadata keys paved writes on every machine it deploys, so a later rollback knows where to go. */
export const META_IMAGE = 'paved_image';
export const META_PREVIOUS_IMAGE = 'paved_previous_image';
/** Longest server-side wait asked of `GET /wait`. */
const WAIT_SECONDS_MAX = 25;

export interface FlyMachineConfig {
  image: string;
  metadata?: Record<string, string>;
  checks?: Record<string, unknown>;
  services?: Array<{ checks?: unknown[]; tcp_checks?: unknown[]; http_checks?: unknown[] }>;
  [key: string]: unknown;
}

export interface FlyCheckStatus {
  name: string;
  status: 'passing' | 'warning' | 'critical' | string;
  output?: string;
  updated_at?: string;
}

export interface FlyMachine {
  id: string;
  name?: string;
  state: string;
  region?: string;
  instance_id?: string;
  config: FlyMachineConfig;
  checks?: FlyCheckStatus[];
}

export interface FlyLease {
  nonce: string;
  expires_at?: number | string;
  owner?: string;
}

/** A machine's process group, as flyctl records it in metadata. */
export function processGroupOf(machine: FlyMachine): string {
  return machine.config.metadata?.fly_process_group ?? DEFAULT_PROCESS_GROUP;
}

/** Whether any health check is configured on the machine (top-level or per service). */
export function hasChecks(config: FlyMachineConfig): boolean {
  if (config.checks && Object.keys(config.checks).length > 0) return true;
  return (config.services ?? []).some((s) => (s.checks?.length ?? 0) + (s.tcp_checks?.length ?? 0) + (s.http_checks?.length ?? 0) > 0);
}

/** Another deployer holds a machine's lease: nothing may be changed until it is released or expires. */
export class LeaseHeldError extends DeployInProgressError {
  constructor(
    readonly machineId: string,
    readonly holder: string,
    readonly expiresAt: string | undefined,
  ) {
    super(`machine ${machineId} is leased by ${holder}${expiresAt ? ` until ${expiresAt}` : ''}`, {
      field: `machine ${machineId}`,
      hint: 'another deploy is probably running; wait for it to finish (or for the lease to expire) and run again',
    });
  }
}

export type WaitResult = { reached: true } | { reached: false; state: string; instanceId?: string };

export class FlyMachinesClient {
  constructor(
    private readonly http: HttpClient,
    readonly app: string,
  ) {}

  private path(suffix = ''): string {
    return `apps/${encodeURIComponent(this.app)}/machines${suffix}`;
  }

  /** The app's machines; the first call of a deploy, so an unknown app or a rejected token is reported here. */
  async list(): Promise<FlyMachine[]> {
    try {
      return (await this.http.get<FlyMachine[]>(this.path())).body ?? [];
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        throw new InputError(`Fly app ${this.app} not found`, { field: 'app', hint: 'check the app name (fly apps list) and that the token belongs to its organisation' });
      }
      if (err instanceof HttpError && (err.status === 401 || err.status === 403)) {
        throw new InputError(`the Fly API rejected the token for app ${this.app} (HTTP ${err.status})`, { field: 'FLY_API_TOKEN', hint: 'create a deploy token with `fly tokens create deploy -a <app>`' });
      }
      throw err;
    }
  }

  async get(id: string): Promise<FlyMachine> {
    return (await this.http.get<FlyMachine>(this.path(`/${id}`))).body;
  }

  /**
   * Acquires the machine's lease, or extends ours when `nonce` is given; a lease held by someone else
   * raises `LeaseHeldError` naming the holder.
   */
  async acquireLease(id: string, ttlSeconds: number, nonce?: string): Promise<FlyLease> {
    const res = await this.http.post<LeaseBody>(this.path(`/${id}/lease`), undefined, {
      query: { ttl: ttlSeconds },
      headers: nonce ? { 'fly-machine-lease-nonce': nonce } : undefined,
      expect: [409],
    });
    if (res.status === 409) {
      const held = await this.http.get<LeaseBody>(this.path(`/${id}/lease`), { expect: [404] });
      const holder = held.body?.data?.owner ?? leaseHolderFromMessage(res.body) ?? 'another deployer';
      throw new LeaseHeldError(id, holder, formatExpiry(held.body?.data?.expires_at));
    }
    const data = res.body?.data;
    if (!data?.nonce) throw new HttpError(`${this.http.apiName}: lease on machine ${id} answered without a nonce`, res.status, res.text, res.url);
    return { nonce: data.nonce, expires_at: data.expires_at, owner: data.owner };
  }

  async releaseLease(id: string, nonce: string): Promise<void> {
    await this.http.delete(this.path(`/${id}/lease`), { headers: { 'fly-machine-lease-nonce': nonce }, expect: [404] });
  }

  /**
   * Replaces the machine's config (`skipLaunch` keeps a stopped machine stopped). A 408 or 5xx is ambiguous (the update may have been applied), so
   * the machine is re-read: if it already carries the new image the update counts as done.
   */
  async update(id: string, config: FlyMachineConfig, nonce: string, options: { skipLaunch?: boolean } = {}): Promise<FlyMachine> {
    try {
      const body = options.skipLaunch ? { config, skip_launch: true } : { config };
      const res = await this.http.post<FlyMachine>(this.path(`/${id}`), body, { headers: { 'fly-machine-lease-nonce': nonce } });
      return res.body;
    } catch (err) {
      if (!(err instanceof HttpError) || !(err.status === undefined || err.status === 408 || err.status >= 500)) throw err;
      const machine = await this.get(id);
      if (machine.config.image === config.image) return machine;
      throw err;
    }
  }

  /** One `wait` call; 408 is answered as "not yet", with the state re-read because the wait may have raced the change. */
  async waitFor(id: string, state: 'started' | 'stopped', instanceId: string | undefined, timeoutSeconds: number): Promise<WaitResult> {
    const res = await this.http.get(this.path(`/${id}/wait`), {
      // The API waits up to 60 s, but HttpClient gives up on a request after 30 s: stay below that.
      query: { state, instance_id: instanceId, timeout: Math.max(1, Math.min(WAIT_SECONDS_MAX, Math.round(timeoutSeconds))) },
      expect: [408],
    });
    if (res.status !== 408) return { reached: true };
    const machine = await this.get(id);
    if (machine.state === state && (!instanceId || machine.instance_id === instanceId)) return { reached: true };
    return { reached: false, state: machine.state, instanceId: machine.instance_id };
  }
}

interface LeaseBody {
  status?: string;
  data?: { nonce?: string; expires_at?: number | string; owner?: string };
  error?: string;
  message?: string;
}

function leaseHolderFromMessage(body: LeaseBody | undefined): string | undefined {
  const text = body?.error ?? body?.message ?? '';
  return /held by ([^\s,]+)/i.exec(text)?.[1];
}

function formatExpiry(value: number | string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return new Date(value * 1000).toISOString();
  return value;
}
