// The one HTTP client every cloud and forge API call goes through: JSON in and out, bearer tokens
// masked, retries on 429/5xx/connection drops that honour Retry-After, and a base URL rule that
// allows plain http:// only on loopback (test emulators), never towards a real host.

import { InputError, PavedError, EXIT_BAD_INPUT } from './errors';
import { secrets } from './redact';

export interface HttpClientOptions {
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` unless `authorization` is given. */
  token?: string;
  /** A full Authorization header value (for schemes other than Bearer). */
  authorization?: string;
  headers?: Record<string, string>;
  /** Attempts in all for a retryable failure (default 5). */
  maxAttempts?: number;
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** First backoff step; doubles per attempt, capped by `maxBackoffMs` (defaults 500 ms / 30 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Injected in tests so retries do not wait for real. */
  sleep?: (ms: number) => Promise<void>;
  /** Names the API in error messages ("Kubernetes API", "GitHub API"). */
  apiName?: string;
  /** Observes every attempt (method, url, status) for progress logs. */
  onAttempt?: (info: { method: string; url: string; status?: number; attempt: number; error?: string }) => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Raw body (zip uploads); sent as is with the given content type. */
  rawBody?: Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  /** Statuses that are answers, not errors (for example 404 when probing for existence). */
  expect?: number[];
  /** Retry this request on 5xx/429 even though it is not idempotent (the API documents it as safe). */
  retryUnsafe?: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
  /** The body as received, for binary downloads (wheels, archives). */
  bytes: Buffer;
  url: string;
}

export class HttpError extends PavedError {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly responseBody: string,
    readonly url: string,
  ) {
    super(message, EXIT_BAD_INPUT);
  }
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Rejects base URLs that are not https, except http:// on loopback. */
export function checkBaseUrl(raw: string, field = 'base-url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InputError(`not a valid URL: ${raw}`, { field, hint: 'give an absolute https:// URL' });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return url;
  throw new InputError(`${url.protocol}// is not allowed for ${url.host}: use https (plain http only on loopback)`, {
    field,
    hint: 'cloud APIs are called over https; plain http is accepted only on loopback (127.0.0.1, localhost, ::1) for test emulators',
  });
}

/** Seconds or an HTTP date, as Retry-After allows; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HttpClient {
  readonly baseUrl: URL;
  private readonly options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.baseUrl = checkBaseUrl(options.baseUrl);
    this.options = options;
    secrets.add(options.token);
    if (options.authorization) secrets.add(options.authorization.replace(/^\S+\s+/, ''));
  }

  get apiName(): string {
    return this.options.apiName ?? this.baseUrl.host;
  }

  url(path: string, query?: RequestOptions['query']): string {
    const base = this.baseUrl.href.endsWith('/') ? this.baseUrl.href : `${this.baseUrl.href}/`;
    const url = /^https?:\/\//.test(path) ? new URL(path) : new URL(path.replace(/^\//, ''), base);
    if (/^https?:\/\//.test(path)) checkBaseUrl(url.href, 'url');
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.href;
  }

  async request<T = unknown>(method: string, path: string, req: RequestOptions = {}): Promise<HttpResponse<T>> {
    const url = this.url(path, req.query);
    const maxAttempts = this.options.maxAttempts ?? 5;
    const sleep = this.options.sleep ?? realSleep;
    const retryable = IDEMPOTENT.has(method) || req.retryUnsafe === true;
    let lastError = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: this.headers(req),
          body: req.rawBody ?? (req.body === undefined ? undefined : JSON.stringify(req.body)),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 30000),
          redirect: 'follow',
        });
      } catch (err) {
        lastError = describeFetchError(err);
        this.options.onAttempt?.({ method, url, attempt, error: lastError });
        if (attempt < maxAttempts && retryable) {
          await sleep(this.backoff(attempt));
          continue;
        }
        throw new HttpError(`${this.apiName}: ${method} ${redactUrl(url)} failed: ${lastError}`, undefined, '', url);
      }
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString('utf8');
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => (headers[key] = value));
      this.options.onAttempt?.({ method, url, attempt, status: response.status });
      if (req.expect?.includes(response.status) || (response.status >= 200 && response.status < 300)) {
        return { status: response.status, headers, body: parseBody(text, headers) as T, text, bytes, url };
      }
      lastError = `HTTP ${response.status}${summariseBody(text)}`;
      if (RETRYABLE_STATUS.has(response.status) && attempt < maxAttempts && (retryable || response.status === 429)) {
        const wait = parseRetryAfter(headers['retry-after']) ?? this.backoff(attempt);
        await sleep(Math.min(wait, this.options.maxBackoffMs ?? 30000 * 4));
        continue;
      }
      throw new HttpError(`${this.apiName}: ${method} ${redactUrl(url)} answered ${lastError}`, response.status, text, url);
    }
    throw new HttpError(`${this.apiName}: ${method} ${redactUrl(url)} failed after ${maxAttempts} attempts: ${lastError}`, undefined, '', url);
  }

  get<T = unknown>(path: string, req?: RequestOptions) {
    return this.request<T>('GET', path, req);
  }
  post<T = unknown>(path: string, body?: unknown, req: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...req, body });
  }
  put<T = unknown>(path: string, body?: unknown, req: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...req, body });
  }
  patch<T = unknown>(path: string, body?: unknown, req: RequestOptions = {}) {
    return this.request<T>('PATCH', path, { ...req, body });
  }
  delete<T = unknown>(path: string, req?: RequestOptions) {
    return this.request<T>('DELETE', path, req);
  }

  private headers(req: RequestOptions): Record<string, string> {
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'paved',
      ...this.options.headers,
      ...req.headers,
    };
    if (this.options.authorization) headers.authorization = this.options.authorization;
    else if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (req.rawBody) headers['content-type'] = req.contentType ?? 'application/octet-stream';
    else if (req.body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
    return headers;
  }

  private backoff(attempt: number): number {
    const base = this.options.backoffMs ?? 500;
    return Math.min(base * 2 ** (attempt - 1), this.options.maxBackoffMs ?? 30000);
  }
}

function parseBody(text: string, headers: Record<string, string>): unknown {
  if (!text) return undefined;
  const type = headers['content-type'] ?? '';
  if (type.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function summariseBody(text: string): string {
  if (!text) return '';
  const oneLine = secrets.redact(text).replace(/\s+/g, ' ').trim();
  return `: ${oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine}`;
}

function describeFetchError(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'timed out';
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

function redactUrl(url: string): string {
  return secrets.redact(url.replace(/([?&](?:token|sig|code|access_token)=)[^&]+/gi, '$1***'));
}
