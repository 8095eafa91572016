// An in-memory Databricks workspace on loopback: Jobs API 2.2 (get with pagination of large jobs,
// reset with the run_as quirk, run-now and runs/get with runs that pass or fail depending on the
// wheel the job uses), the Files API on Unity Catalog volumes, workspace files, and /oidc/v1/token for OAuth M2M and
// token exchange, plus GitHub's OIDC token request endpoint for the federation flow. Faults: stale
// reads after reset, permission denied, and everything HttpEmulator offers.

import { HttpEmulator, type EmulatedRequest, type EmulatedResponse } from '../../helpers/http-emulator';

export const PAT = 'dapi-test-token-0123456789abcdef';
export const CLIENT_ID = 'sp-client-7d0c';
export const CLIENT_SECRET = 'dose-client-secret-4242';
export const GITHUB_REQUEST_TOKEN = 'gh-runtime-request-token-777';
export const GITHUB_JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvZGF0YTplbnZpcm9ubWVudDpwcm9kIn0.c2ln';

export interface EmuJob {
  job_id: number;
  creator_user_name: string;
  run_as_user_name: string;
  settings: Record<string, any>;
}

export interface EmuRun {
  run_id: number;
  job_id: number;
  wheel: string;
  reads: number;
  cancelled: boolean;
  idempotencyToken?: string;
}

export class DatabricksEmulator {
  readonly http = new HttpEmulator();
  readonly jobs = new Map<number, EmuJob>();
  readonly files = new Map<string, Buffer>();
  /** Directories made with the Files API (a volume's root always exists). */
  readonly directories = new Set<string>();
  /** Workspace files and folders (`/Workspace/...`). */
  readonly workspaceFiles = new Map<string, Buffer>();
  readonly workspaceFolders = new Set<string>(['/Workspace', '/Workspace/Shared']);
  readonly runs: EmuRun[] = [];
  /** Volumes that exist (`/Volumes/<catalog>/<schema>/<volume>`). */
  readonly volumes = new Set<string>(['/Volumes/main/deploy/wheels']);
  /** Wheel paths (substring match) whose smoke runs fail. */
  readonly failingWheels = new Set<string>();
  /** Jobs the caller may read but not change. */
  readonly readOnlyJobs = new Set<number>();
  /** Array elements per `jobs/get` page (Jobs API 2.2 pages at 100). */
  pageSize = 100;
  /** After a reset, this many reads of the job still return the settings from before (eventual consistency). */
  staleReadsAfterReset = 0;
  /** Runs/get reads a run needs before it terminates. */
  runReads = 2;
  private readonly tokens = new Set<string>([PAT]);
  private stale?: { jobId: number; settings: Record<string, any>; left: number };
  private counter = 100;

  constructor() {
    this.http
      .on('GET', '/api/2.2/jobs/get', (req) => this.guard(req) ?? this.getJob(req))
      .on('POST', '/api/2.2/jobs/reset', (req) => this.guard(req) ?? this.reset(req))
      .on('POST', '/api/2.2/jobs/run-now', (req) => this.guard(req) ?? this.runNow(req))
      .on('GET', '/api/2.2/jobs/runs/get', (req) => this.guard(req) ?? this.getRun(req))
      .on('POST', '/api/2.2/jobs/runs/cancel', (req) => this.guard(req) ?? this.cancelRun(req))
      .on('PUT', '/api/2.0/fs/files/*', (req) => this.guard(req) ?? this.putFile(req))
      .on('HEAD', '/api/2.0/fs/files/*', (req) => this.guard(req) ?? this.headFile(req))
      .on('GET', '/api/2.0/fs/files/*', (req) => this.guard(req) ?? this.getFile(req))
      .on('DELETE', '/api/2.0/fs/files/*', (req) => this.guard(req) ?? this.deleteFile(req))
      .on('PUT', '/api/2.0/fs/directories/*', (req) => this.guard(req) ?? this.makeDirectory(req))
      .on('HEAD', '/api/2.0/fs/directories/*', (req) => this.guard(req) ?? this.headDirectory(req))
      .on('GET', '/api/2.0/workspace/get-status', (req) => this.guard(req) ?? this.workspaceStatus(req))
      .on('GET', '/api/2.0/workspace/export', (req) => this.guard(req) ?? this.workspaceExport(req))
      .on('POST', '/api/2.0/workspace/mkdirs', (req) => this.guard(req) ?? this.workspaceMkdirs(req))
      .on('POST', '/api/2.0/workspace/delete', (req) => this.guard(req) ?? this.workspaceDelete(req))
      .on('POST', '/api/2.0/workspace-files/import-file/*', (req) => this.guard(req) ?? this.workspaceImport(req))
      .on('POST', '/oidc/v1/token', (req) => this.token(req))
      .on('GET', '/github-oidc/token', (req) => this.githubToken(req));
  }

  start(): Promise<string> {
    return this.http.start();
  }
  stop(): Promise<void> {
    return this.http.stop();
  }

  addJob(job: EmuJob): EmuJob {
    this.jobs.set(job.job_id, structuredClone(job));
    return this.jobs.get(job.job_id)!;
  }

  /** Requests that change something in the workspace (token requests excluded). */
  mutations(): EmulatedRequest[] {
    return this.http.requests.filter((r) => (r.method === 'POST' || r.method === 'PUT' || r.method === 'DELETE') && !r.path.startsWith('/oidc/'));
  }

  private guard(req: EmulatedRequest): EmulatedResponse | undefined {
    const auth = String(req.headers.authorization ?? '');
    if (!auth.startsWith('Bearer ') || !this.tokens.has(auth.slice(7))) {
      return { status: 401, body: { error_code: 'UNAUTHENTICATED', message: 'Invalid access token.' } };
    }
    return undefined;
  }

  private getJob(req: EmulatedRequest): EmulatedResponse {
    const id = Number(req.query.get('job_id'));
    const job = this.jobs.get(id);
    if (!job) return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${id} does not exist.` } };
    let settings = job.settings;
    if (this.stale && this.stale.jobId === id && this.stale.left > 0) {
      this.stale.left--;
      settings = this.stale.settings;
    }
    const page = Number(req.query.get('page_token') ?? 0);
    const paged: Record<string, any> = {};
    let hasMore = false;
    for (const [key, value] of Object.entries(settings)) {
      if (['tasks', 'job_clusters', 'environments', 'parameters'].includes(key) && Array.isArray(value)) {
        paged[key] = value.slice(page * this.pageSize, (page + 1) * this.pageSize);
        if (value.length > (page + 1) * this.pageSize) hasMore = true;
      } else if (page === 0) paged[key] = value;
    }
    return {
      body: {
        job_id: job.job_id,
        creator_user_name: job.creator_user_name,
        run_as_user_name: job.run_as_user_name,
        settings: paged,
        ...(hasMore ? { has_more: true, next_page_token: String(page + 1) } : {}),
      },
    };
  }

  private reset(req: EmulatedRequest): EmulatedResponse {
    const id = Number(req.json?.job_id);
    if (this.readOnlyJobs.has(id)) return { status: 403, body: { error_code: 'PERMISSION_DENIED', message: `User does not have Manage permissions on job ${id}.` } };
    const job = this.jobs.get(id);
    if (!job) return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${id} does not exist.` } };
    const next = req.json?.new_settings;
    if (!next || typeof next !== 'object') return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'new_settings is required' } };
    // The real API keeps the previous identity when run_as is omitted.
    if (next.run_as === undefined && job.settings.run_as !== undefined) next.run_as = job.settings.run_as;
    if (this.staleReadsAfterReset > 0) this.stale = { jobId: id, settings: job.settings, left: this.staleReadsAfterReset };
    job.settings = next;
    return { body: {} };
  }

  /** The wheel the job's first wheel task uses, from its libraries or its environment. */
  currentWheel(jobId: number): string {
    const settings = this.jobs.get(jobId)!.settings;
    const task = (settings.tasks ?? []).find((t: any) => t.python_wheel_task);
    const lib = (task?.libraries ?? []).find((l: any) => l.whl);
    if (lib) return lib.whl;
    const env = (settings.environments ?? []).find((e: any) => e.environment_key === task?.environment_key);
    return (env?.spec?.dependencies ?? []).find((d: string) => d.endsWith('.whl')) ?? '';
  }

  private runNow(req: EmulatedRequest): EmulatedResponse {
    const id = Number(req.json?.job_id);
    if (!this.jobs.has(id)) return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Job ${id} does not exist.` } };
    const existing = this.runs.find((r) => r.job_id === id && r.idempotencyToken !== undefined && r.idempotencyToken === req.json?.idempotency_token);
    if (existing) return { body: { run_id: existing.run_id, number_in_job: existing.run_id } };
    const run: EmuRun = { run_id: ++this.counter, job_id: id, wheel: this.currentWheel(id), reads: 0, cancelled: false, idempotencyToken: req.json?.idempotency_token };
    this.runs.push(run);
    return { body: { run_id: run.run_id, number_in_job: run.run_id } };
  }

  private getRun(req: EmulatedRequest): EmulatedResponse {
    const run = this.runs.find((r) => r.run_id === Number(req.query.get('run_id')));
    if (!run) return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: 'Run does not exist.' } };
    run.reads++;
    const url = `https://adb-1.azuredatabricks.net/jobs/${run.job_id}/runs/${run.run_id}`;
    if (run.cancelled) return { body: { run_id: run.run_id, run_page_url: url, state: { life_cycle_state: 'TERMINATED', result_state: 'CANCELED' }, status: { state: 'TERMINATED' } } };
    if (run.reads < this.runReads) {
      return { body: { run_id: run.run_id, run_page_url: url, state: { life_cycle_state: run.reads === 1 ? 'PENDING' : 'RUNNING' }, status: { state: run.reads === 1 ? 'PENDING' : 'RUNNING' } } };
    }
    const failed = [...this.failingWheels].some((w) => run.wheel.includes(w));
    return {
      body: {
        run_id: run.run_id,
        run_page_url: url,
        state: { life_cycle_state: 'TERMINATED', result_state: failed ? 'FAILED' : 'SUCCESS', state_message: failed ? 'Task etl failed with message: ModuleNotFoundError: No module named paved_demo.jobs' : '' },
        status: { state: 'TERMINATED', termination_details: failed ? { code: 'RUN_EXECUTION_ERROR', type: 'CLIENT_ERROR', message: 'Task etl failed' } : { code: 'SUCCESS', type: 'SUCCESS' } },
      },
    };
  }

  private cancelRun(req: EmulatedRequest): EmulatedResponse {
    const run = this.runs.find((r) => r.run_id === Number(req.json?.run_id));
    if (run) run.cancelled = true;
    return { body: {} };
  }

  private filePath(req: EmulatedRequest): string {
    return decodeURIComponent(req.path.replace(/^\/api\/2\.0\/fs\/(files|directories)/, ''));
  }

  private volumeOf(path: string): string | undefined {
    return [...this.volumes].find((v) => path.startsWith(`${v}/`));
  }

  private putFile(req: EmulatedRequest): EmulatedResponse {
    const path = this.filePath(req);
    const volume = this.volumeOf(path);
    if (!volume) return { status: 404, body: { error_code: 'NOT_FOUND', message: `The volume of ${path} does not exist.` } };
    // Modelled strictly (unverified on a real workspace): the parent directory must exist.
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (parent !== volume && !this.directories.has(parent)) return { status: 404, body: { error_code: 'NOT_FOUND', message: `The parent directory ${parent} does not exist.` } };
    if (this.files.has(path) && req.query.get('overwrite') !== 'true') {
      return { status: 409, body: { error_code: 'ALREADY_EXISTS', message: `The file being created already exists.` } };
    }
    this.files.set(path, Buffer.from(req.body));
    return { status: 204 };
  }

  private makeDirectory(req: EmulatedRequest): EmulatedResponse {
    const path = this.filePath(req);
    const volume = this.volumeOf(path);
    if (!volume) return { status: 404, body: { error_code: 'NOT_FOUND', message: `The volume of ${path} does not exist.` } };
    for (let dir = path; dir.length > volume.length; dir = dir.slice(0, dir.lastIndexOf('/'))) this.directories.add(dir);
    return { status: 204 };
  }

  private headDirectory(req: EmulatedRequest): EmulatedResponse {
    const path = this.filePath(req);
    return this.volumes.has(path) || this.directories.has(path) ? { status: 200 } : { status: 404 };
  }

  private deleteFile(req: EmulatedRequest): EmulatedResponse {
    return this.files.delete(this.filePath(req)) ? { status: 204 } : { status: 404, body: { error_code: 'NOT_FOUND', message: 'File not found.' } };
  }

  private headFile(req: EmulatedRequest): EmulatedResponse {
    const data = this.files.get(this.filePath(req));
    return data ? { status: 200, headers: { 'content-length': String(data.length), 'content-type': 'application/octet-stream' } } : { status: 404 };
  }

  private getFile(req: EmulatedRequest): EmulatedResponse {
    const data = this.files.get(this.filePath(req));
    return data ? { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: data } : { status: 404, body: { error_code: 'NOT_FOUND', message: 'File not found.' } };
  }

  private workspaceStatus(req: EmulatedRequest): EmulatedResponse {
    const path = req.query.get('path') ?? '';
    if (this.workspaceFiles.has(path)) return { body: { path, object_type: 'FILE' } };
    if (this.workspaceFolders.has(path)) return { body: { path, object_type: 'DIRECTORY' } };
    return { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Path (${path}) doesn't exist.` } };
  }

  private workspaceExport(req: EmulatedRequest): EmulatedResponse {
    const data = this.workspaceFiles.get(req.query.get('path') ?? '');
    if (!data) return { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Path (${req.query.get('path')}) doesn't exist.` } };
    return { body: { content: data.toString('base64'), file_type: 'whl' } };
  }

  private workspaceMkdirs(req: EmulatedRequest): EmulatedResponse {
    const path = String(req.json?.path ?? '');
    if (!path.startsWith('/Workspace/')) return { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid path ${path}` } };
    for (let dir = path; dir !== '/Workspace'; dir = dir.slice(0, dir.lastIndexOf('/'))) this.workspaceFolders.add(dir);
    return { body: {} };
  }

  private workspaceDelete(req: EmulatedRequest): EmulatedResponse {
    return this.workspaceFiles.delete(String(req.json?.path)) ? { body: {} } : { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Path does not exist.' } };
  }

  private workspaceImport(req: EmulatedRequest): EmulatedResponse {
    const path = decodeURIComponent(req.path.slice('/api/2.0/workspace-files/import-file'.length));
    const parent = path.slice(0, path.lastIndexOf('/'));
    if (!this.workspaceFolders.has(parent)) return { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `The parent folder (${parent}) does not exist.` } };
    if (this.workspaceFiles.has(path) && req.query.get('overwrite') !== 'true') return { status: 409, body: { error_code: 'RESOURCE_ALREADY_EXISTS', message: `File already exists at (${path}).` } };
    this.workspaceFiles.set(path, Buffer.from(req.body));
    return { body: {} };
  }

  private token(req: EmulatedRequest): EmulatedResponse {
    const form = new URLSearchParams(req.body.toString('utf8'));
    if (req.headers['content-type'] !== 'application/x-www-form-urlencoded') return { status: 400, body: { error: 'invalid_request', error_description: 'form body expected' } };
    if (form.get('scope') !== 'all-apis') return { status: 400, body: { error: 'invalid_scope' } };
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      const basic = Buffer.from(String(req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
      if (basic !== `${CLIENT_ID}:${CLIENT_SECRET}`) return { status: 401, body: { error: 'invalid_client' } };
    } else if (grant === 'urn:ietf:params:oauth:grant-type:token-exchange') {
      const ok =
        form.get('subject_token') === GITHUB_JWT &&
        form.get('subject_token_type') === 'urn:ietf:params:oauth:token-type:jwt' &&
        form.get('client_id') === CLIENT_ID;
      if (!ok) return { status: 400, body: { error: 'invalid_grant', error_description: 'token does not match any federation policy' } };
    } else return { status: 400, body: { error: 'unsupported_grant_type' } };
    const token = `oauth-access-${++this.counter}`;
    this.tokens.add(token);
    return { body: { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'all-apis' } };
  }

  private githubToken(req: EmulatedRequest): EmulatedResponse {
    if (req.headers.authorization !== `Bearer ${GITHUB_REQUEST_TOKEN}`) return { status: 401, body: { message: 'Bad credentials' } };
    return { body: { value: GITHUB_JWT, count: 1 } };
  }
}
