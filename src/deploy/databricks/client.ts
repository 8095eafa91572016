// Client for the Databricks REST calls a wheel deploy makes: Jobs API 2.2 (get with pagination
// merged, reset, run-now, runs/get), plus `send` for the wheel stores (./store). API errors that are
// the user's to fix (no such job, permission denied) become InputErrors that say what to do.

import { InputError } from '../../platform/errors';
import { HttpClient, HttpError, type HttpResponse, type RequestOptions } from '../../platform/http';

export interface WheelLibrary {
  whl?: string;
  [key: string]: unknown;
}

export interface JobTask {
  task_key: string;
  python_wheel_task?: { package_name: string; entry_point?: string; [key: string]: unknown };
  libraries?: WheelLibrary[];
  environment_key?: string;
  [key: string]: unknown;
}

export interface JobEnvironment {
  environment_key: string;
  spec?: { dependencies?: string[]; [key: string]: unknown };
}

export interface JobSettings {
  name?: string;
  tasks?: JobTask[];
  job_clusters?: unknown[];
  environments?: JobEnvironment[];
  parameters?: unknown[];
  tags?: Record<string, string>;
  [key: string]: unknown;
}

export interface Job {
  job_id: number;
  settings: JobSettings;
  run_as_user_name?: string;
  creator_user_name?: string;
}

export interface Run {
  run_id: number;
  run_page_url?: string;
  state?: { life_cycle_state?: string; result_state?: string; state_message?: string };
  status?: { state?: string; termination_details?: { code?: string; type?: string; message?: string } };
}

/** Arrays that Jobs API 2.2 splits across pages of `jobs/get` (later pages repeat the rest empty). */
const PAGINATED = ['tasks', 'job_clusters', 'environments', 'parameters'] as const;

export class DatabricksClient {
  constructor(private readonly http: HttpClient) {}

  get host(): string {
    return this.http.baseUrl.origin;
  }

  /** The whole job, every page of `jobs/get` merged. */
  async getJob(jobId: number): Promise<Job> {
    let job: Job | undefined;
    let pageToken: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const { body } = await this.call(`job ${jobId}`, () =>
        this.http.get<Job & { has_more?: boolean; next_page_token?: string }>('api/2.2/jobs/get', { query: { job_id: jobId, page_token: pageToken } }),
      );
      if (!job) job = { ...body, settings: { ...body.settings } };
      else {
        for (const key of PAGINATED) {
          const more = body.settings?.[key];
          if (Array.isArray(more) && more.length) job.settings[key] = [...((job.settings[key] as unknown[]) ?? []), ...more] as never;
        }
      }
      if (!body.has_more || !body.next_page_token) break;
      pageToken = body.next_page_token;
    }
    delete (job as Partial<{ has_more: boolean; next_page_token: string }>).has_more;
    delete (job as Partial<{ has_more: boolean; next_page_token: string }>).next_page_token;
    return job!;
  }

  /** Replaces the job's settings entirely (permissions are not part of them and stay as they are). */
  async resetJob(jobId: number, settings: JobSettings): Promise<void> {
    // reset is a full replace, so repeating it after an ambiguous 5xx is safe.
    await this.call(`job ${jobId}`, () => this.http.post('api/2.2/jobs/reset', { job_id: jobId, new_settings: settings }, { retryUnsafe: true }));
  }

  async runNow(jobId: number, idempotencyToken: string): Promise<number> {
    const { body } = await this.call(`job ${jobId}`, () =>
      this.http.post<{ run_id: number }>('api/2.2/jobs/run-now', { job_id: jobId, idempotency_token: idempotencyToken }, { retryUnsafe: true }),
    );
    return body.run_id;
  }

  async getRun(runId: number): Promise<Run> {
    return (await this.call(`run ${runId}`, () => this.http.get<Run>('api/2.2/jobs/runs/get', { query: { run_id: runId } }))).body;
  }

  async cancelRun(runId: number): Promise<void> {
    await this.call(`run ${runId}`, () => this.http.post('api/2.2/jobs/runs/cancel', { run_id: runId }, { retryUnsafe: true }));
  }

  /** Any other workspace call, with the same error explanations (the wheel stores use it). */
  send<T = unknown>(what: string, method: string, path: string, req: RequestOptions = {}): Promise<HttpResponse<T>> {
    return this.call(what, () => this.http.request<T>(method, path, req));
  }

  /** Runs a request and turns the errors a user can fix into InputErrors naming the resource. */
  private async call<T>(what: string, fn: () => Promise<HttpResponse<T>>): Promise<HttpResponse<T>> {
    try {
      return await fn();
    } catch (err) {
      throw explain(err, what);
    }
  }
}

function explain(err: unknown, what: string): unknown {
  if (!(err instanceof HttpError)) return err;
  const code = errorCode(err.responseBody);
  if (err.status === 401) return new InputError('Databricks rejected the credentials (HTTP 401)', { field: 'DATABRICKS_TOKEN', hint: 'the token is wrong or expired' });
  if (err.status === 403 || code === 'PERMISSION_DENIED') {
    return new InputError(`permission denied on ${what}`, {
      field: what,
      hint: 'the deploying identity needs CAN_MANAGE on the job and write access to the wheel folder (WRITE VOLUME on a volume)',
    });
  }
  if ((err.status === 404 || err.status === 400) && /^job \d+$/.test(what) && (code === 'RESOURCE_DOES_NOT_EXIST' || code === 'INVALID_PARAMETER_VALUE' || /does not exist/i.test(err.responseBody))) {
    return new InputError(`${what} does not exist in this workspace`, { field: '--job-id', hint: 'check the job id (the number in the job page URL) and the host' });
  }
  return err;
}

function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error_code?: string }).error_code;
  } catch {
    return undefined;
  }
}
