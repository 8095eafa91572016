// HTTP health checks for deploys: probes with an expected status and body (substring or regex),
// retried with exponential backoff until they pass N times in a row or an overall deadline runs out.
// Clock, sleep and transport are injectable so tests run instantly and can probe through any channel
// (the Kubernetes API server's service proxy, for instance).
//
// Probes carry no credentials of their own, so plain http:// is allowed for them (an internal preview
// endpoint often has no TLS); a transport that adds credentials (the Kubernetes proxy) goes through
// HttpClient and its https-or-loopback rule.

import { InputError } from '../platform/errors';
import { secrets } from '../platform/redact';

export interface ProbeSpec {
  /** Appended to the endpoint's base URL (default `/`). */
  path?: string;
  method?: 'GET' | 'HEAD';
  /** Statuses that count as healthy (default: any 2xx). */
  expectStatus?: number[];
  /** The body must contain this text. */
  bodyContains?: string;
  /** The body must match this regular expression. */
  bodyMatches?: string;
}

export interface ProbeResponse {
  status: number;
  body: string;
}

/** Sends one probe request; throws on a transport failure (refused, reset, timeout). */
export type ProbeTransport = (url: string, request: { method: string; timeoutMs: number }) => Promise<ProbeResponse>;

export interface HealthOptions {
  /** Consecutive passing rounds required (default 1; 2+ rides out load-balancer propagation after a switch). */
  successThreshold?: number;
  /** First wait between rounds (default 2 s); doubles up to `maxIntervalMs` (default 15 s). */
  intervalMs?: number;
  maxIntervalMs?: number;
  /** Overall deadline for the check (default 120 s). */
  deadlineMs?: number;
  /** Per-request timeout (default 10 s). */
  requestTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  transport?: ProbeTransport;
  /** Called after every round, so long checks show progress. */
  onRound?: (round: HealthRound) => void;
}

export interface ProbeResult {
  url: string;
  ok: boolean;
  status?: number;
  /** Why the probe failed: wrong status, body mismatch or transport error. */
  reason?: string;
}

export interface HealthRound {
  round: number;
  elapsedMs: number;
  ok: boolean;
  probes: ProbeResult[];
}

export interface HealthResult {
  ok: boolean;
  baseUrl: string;
  rounds: number;
  elapsedMs: number;
  /** The last round's probe results (the evidence for the verdict). */
  last: ProbeResult[];
  /** One line for logs and records. */
  summary: string;
}

export const DEFAULT_HEALTH: Required<Pick<HealthOptions, 'successThreshold' | 'intervalMs' | 'maxIntervalMs' | 'deadlineMs' | 'requestTimeoutMs'>> = {
  successThreshold: 1,
  intervalMs: 2000,
  maxIntervalMs: 15000,
  deadlineMs: 120000,
  requestTimeoutMs: 10000,
};

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The default transport: plain fetch, no redirects followed (a redirect to a login page is not "healthy"). */
export const fetchTransport: ProbeTransport = async (url, { method, timeoutMs }) => {
  const response = await fetch(url, { method, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: method === 'HEAD' ? '' : await response.text() };
};

/** Checks a probe spec for mistakes (bad regex, impossible statuses) before anything is deployed. */
export function validateProbe(probe: ProbeSpec, field = 'health'): void {
  if (probe.path !== undefined && !probe.path.startsWith('/')) {
    throw new InputError(`health path must start with "/", got "${probe.path}"`, { field: `${field}-path` });
  }
  for (const status of probe.expectStatus ?? []) {
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new InputError(`expected status must be an HTTP status (100-599), got ${status}`, { field: `${field}-status` });
    }
  }
  if (probe.bodyMatches !== undefined) {
    try {
      new RegExp(probe.bodyMatches);
    } catch (err) {
      throw new InputError(`not a valid regular expression: ${(err as Error).message}`, { field: `${field}-body-regex` });
    }
  }
}

export function probeUrl(baseUrl: string, probe: ProbeSpec): string {
  const path = probe.path ?? '/';
  return baseUrl.replace(/\/+$/, '') + path;
}

/** Runs one probe once and judges it. */
export async function probeOnce(baseUrl: string, probe: ProbeSpec, transport: ProbeTransport, timeoutMs: number): Promise<ProbeResult> {
  const url = probeUrl(baseUrl, probe);
  let response: ProbeResponse;
  try {
    response = await transport(url, { method: probe.method ?? 'GET', timeoutMs });
  } catch (err) {
    return { url, ok: false, reason: secrets.redact(describeTransportError(err)) };
  }
  const { status, body } = response;
  const statusOk = probe.expectStatus?.length ? probe.expectStatus.includes(status) : status >= 200 && status < 300;
  if (!statusOk) {
    const wanted = probe.expectStatus?.length ? probe.expectStatus.join(' or ') : '2xx';
    return { url, ok: false, status, reason: `status ${status}, expected ${wanted}` };
  }
  if (probe.bodyContains !== undefined && !body.includes(probe.bodyContains)) {
    return { url, ok: false, status, reason: `body does not contain "${probe.bodyContains}"` };
  }
  if (probe.bodyMatches !== undefined && !new RegExp(probe.bodyMatches).test(body)) {
    return { url, ok: false, status, reason: `body does not match /${probe.bodyMatches}/` };
  }
  return { url, ok: true, status };
}

/**
 * Probes `baseUrl` with every probe per round until `successThreshold` consecutive rounds pass
 * (healthy) or the deadline would be passed by the next wait (unhealthy). Never throws for an
 * unhealthy target: the verdict is in the result.
 */
export async function checkHealth(baseUrl: string, probes: ProbeSpec[], options: HealthOptions = {}): Promise<HealthResult> {
  const opts = { ...DEFAULT_HEALTH, ...options };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const transport = options.transport ?? fetchTransport;
  const list = probes.length ? probes : [{}];
  const started = now();
  let round = 0;
  let streak = 0;
  let wait = opts.intervalMs;
  let last: ProbeResult[] = [];
  for (;;) {
    round++;
    last = [];
    for (const probe of list) last.push(await probeOnce(baseUrl, probe, transport, opts.requestTimeoutMs));
    const ok = last.every((p) => p.ok);
    streak = ok ? streak + 1 : 0;
    const elapsedMs = now() - started;
    options.onRound?.({ round, elapsedMs, ok, probes: last });
    if (streak >= opts.successThreshold) return result(true);
    if (elapsedMs + wait > opts.deadlineMs) return result(false);
    await sleep(wait);
    wait = Math.min(wait * 2, opts.maxIntervalMs);
  }

  function result(ok: boolean): HealthResult {
    const elapsedMs = now() - started;
    const failing = last.filter((p) => !p.ok);
    const summary = ok
      ? `healthy: ${last.map((p) => `${p.url} → ${p.status}`).join(', ')} (${round} round${round === 1 ? '' : 's'}, ${formatMs(elapsedMs)})`
      : `unhealthy after ${round} round${round === 1 ? '' : 's'} (${formatMs(elapsedMs)}): ${failing.map((p) => `${p.url}: ${p.reason}`).join('; ')}`;
    return { ok, baseUrl, rounds: round, elapsedMs, last, summary };
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
}

function describeTransportError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}
