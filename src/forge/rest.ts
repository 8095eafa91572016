// What GitHub's and GitLab's REST APIs have in common on top of the shared HttpClient: waiting out
// rate limits (403/429 with Retry-After, x-ratelimit-reset or RateLimit-Reset), and following pages
// (Link rel="next", or GitLab's x-next-page).

import { InputError } from '../platform/errors';
import { HttpClient, HttpError, parseRetryAfter, type HttpResponse, type RequestOptions } from '../platform/http';

export interface ForgeClientOptions {
  /** API root: `https://api.github.com`, `https://gitlab.example.com/api/v4` (http:// only on loopback). */
  baseUrl?: string;
  token?: string;
  /** Injected in tests so waits do not happen for real. */
  sleep?: (ms: number) => Promise<void>;
  /** The clock used to turn a reset timestamp into a wait (tests fix it). */
  now?: () => number;
  /** The longest single rate-limit wait accepted before giving up (default 15 minutes). */
  maxRateLimitWaitMs?: number;
  /** Rate-limit waits per request before giving up (default 3). */
  maxRateLimitRetries?: number;
  /** Retries of 5xx and dropped connections (HttpClient's attempts; default 4). */
  maxAttempts?: number;
  /** Stops following pages after this many items (the caller's safety net; default 10,000). */
  maxItems?: number;
}

export class RateLimitError extends HttpError {}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** REST access with rate-limit waits and pagination; GitHubClient and GitLabClient build on it. */
export class ForgeRest {
  readonly http: HttpClient;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    http: HttpClient,
    private readonly options: ForgeClientOptions,
  ) {
    this.http = http;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
  }

  /** One request; rate limits are waited out, other errors thrown (statuses in `expect` are returned). */
  async request<T>(method: string, path: string, req: RequestOptions = {}): Promise<HttpResponse<T>> {
    const expect = [...(req.expect ?? []), 403, 429];
    const maxRetries = this.options.maxRateLimitRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      const res = await this.http.request<T>(method, path, { ...req, expect });
      if (res.status !== 403 && res.status !== 429) return res;
      const wait = this.rateLimitWait(res);
      if (wait === undefined) {
        if (req.expect?.includes(res.status)) return res;
        throw new HttpError(
          `${this.http.apiName}: ${method} ${path} answered HTTP ${res.status}${message(res)}`,
          res.status,
          res.text,
          res.url,
        );
      }
      const maxWait = this.options.maxRateLimitWaitMs ?? 15 * 60 * 1000;
      if (attempt >= maxRetries || wait > maxWait) {
        throw new RateLimitError(
          `${this.http.apiName}: rate limit reached on ${method} ${path} (reset in ${Math.ceil(wait / 1000)} s)`,
          res.status,
          res.text,
          res.url,
        );
      }
      await this.sleep(wait);
    }
  }

  /** Every item of a paginated list. `itemsKey` names the array inside wrapped answers (`workflow_runs`). */
  async paginate<T>(path: string, query: RequestOptions['query'] = {}, itemsKey?: string, maxItems?: number): Promise<T[]> {
    const limit = maxItems ?? this.options.maxItems ?? 10000;
    const items: T[] = [];
    let next: string | undefined = this.http.url(path, { per_page: 100, ...query });
    const seen = new Set<string>();
    while (next && !seen.has(next) && items.length < limit) {
      seen.add(next);
      const res: HttpResponse<unknown> = await this.request<unknown>('GET', next);
      const body = res.body as Record<string, unknown> | unknown[] | undefined;
      const page = (itemsKey && body && !Array.isArray(body) ? body[itemsKey] : body) as T[] | undefined;
      if (!Array.isArray(page)) {
        throw new HttpError(`${this.http.apiName}: GET ${path} did not answer a list`, res.status, res.text, res.url);
      }
      items.push(...page);
      next = nextPage(res, next);
      // The token goes with every page: never follow a next link to another server.
      if (next && new URL(next).origin !== this.http.baseUrl.origin) {
        throw new HttpError(`${this.http.apiName}: GET ${path} pointed its next page at another server (${new URL(next).origin}); not followed`, res.status, '', next);
      }
    }
    return items.slice(0, limit);
  }

  /** How long to wait before retrying a 403/429, or undefined when it is not a rate limit. */
  private rateLimitWait(res: HttpResponse<unknown>): number | undefined {
    const h = res.headers;
    const retryAfter = parseRetryAfter(h['retry-after'], this.now());
    if (retryAfter !== undefined) return Math.max(retryAfter, 1000);
    const remaining = h['x-ratelimit-remaining'] ?? h['ratelimit-remaining'];
    const reset = h['x-ratelimit-reset'] ?? h['ratelimit-reset'];
    if (reset !== undefined && (remaining === '0' || res.status === 429)) {
      const resetMs = Number(reset) * 1000;
      if (Number.isFinite(resetMs)) return Math.max(resetMs - this.now(), 0) + 1000;
    }
    if (res.status === 429) return 60 * 1000;
    // GitHub's secondary limits answer 403 with a message and no headers; wait a minute as documented.
    if (/secondary rate limit|rate limit exceeded/i.test(res.text)) return 60 * 1000;
    return undefined;
  }
}

/** The next page's URL from a Link header or GitLab's x-next-page, keeping the other query parameters. */
function nextPage(res: HttpResponse<unknown>, current: string): string | undefined {
  const link = res.headers.link;
  if (link) {
    for (const part of link.split(',')) {
      const m = part.match(/<([^>]+)>\s*;\s*rel="?next"?/);
      if (m) return m[1];
    }
    return undefined;
  }
  const nextNumber = res.headers['x-next-page'];
  if (nextNumber && /^\d+$/.test(nextNumber.trim())) {
    const url = new URL(current);
    url.searchParams.set('page', nextNumber.trim());
    return url.href;
  }
  return undefined;
}

function message(res: HttpResponse<unknown>): string {
  const body = res.body as { message?: unknown; error?: unknown } | undefined;
  const text = body && typeof body === 'object' ? (body.message ?? body.error) : undefined;
  return typeof text === 'string' ? `: ${text}` : '';
}

/** `owner/repo` (GitHub) checked before it reaches a URL. */
export function splitRepo(repo: string): { owner: string; name: string } {
  const m = repo.match(/^([\w.-]+)\/([\w.-]+)$/);
  if (!m) throw new InputError(`not an owner/repo name: "${repo}"`, { field: 'repo', hint: 'write it as owner/name, for example acme/payments' });
  return { owner: m[1], name: m[2] };
}

/** Encodes each path segment (file paths in contents URLs keep their slashes). */
export function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}
