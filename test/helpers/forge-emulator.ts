// A loopback emulator of the GitHub and GitLab REST endpoints paved's forge clients use: repository
// contents and tags, workflow runs (with GitHub's 1,000-result search cap), dispatch, deployments and
// statuses, issues and comments, GitLab files, tree, tags, CI lint, pipelines, deployments, notes and
// statuses. Lists are paginated the way each forge does it (Link headers / x-next-page). Faults
// (rate limits, 5xx, dropped connections) come from the underlying HttpEmulator.
//
// GitHub routes live at the root (base URL `http://127.0.0.1:<port>`), GitLab's under `/api/v4`.

import { HttpEmulator, type EmulatedRequest, type EmulatedResponse } from './http-emulator';

export interface FakeGithubRepo {
  defaultBranch?: string;
  /** Files at the default branch (path → text); `filesAt[ref]` overrides per ref. */
  files?: Record<string, string>;
  filesAt?: Record<string, Record<string, string>>;
  tags?: Array<{ name: string; sha: string }>;
  runs?: any[];
  deployments?: Array<any & { statuses?: any[] }>;
  issues?: any[];
  comments?: Record<number, Array<{ id: number; body: string }>>;
  statuses?: Record<string, any[]>;
  /** `base...head` → commits. */
  compare?: Record<string, any[]>;
  pulls?: Record<string, any[]>;
  /** When false, dispatch answers 422 to `return_run_details` like GHES before 3.21. */
  returnRunDetails?: boolean;
  dispatches?: any[];
  /** Called after a workflow_dispatch is recorded, with the run id it was given (the provider's side in tests). */
  onDispatch?: (dispatch: { id: number; workflow: string; ref: string; inputs: Record<string, string> }) => void;
  /** The repository's numeric id (GET /repos answers it). */
  id?: number;
  /** Commit SHAs that exist (GET /repos/:o/:r/commits/:sha). */
  commits?: string[];
  /** `base...head` → GitHub's compare status (ahead, behind, identical, diverged). */
  compareStatus?: Record<string, string>;
  /** Pull requests by number. */
  pullRequests?: Record<number, { state: string; head: { sha: string } }>;
}

export interface FakeGitlabProject {
  id: number;
  defaultBranch?: string;
  files?: Record<string, string>;
  tags?: Array<{ name: string; sha: string }>;
  lint?: any;
  pipelines?: any[];
  deployments?: any[];
  environments?: any[];
  issues?: any[];
  notes?: Record<number, Array<{ id: number; body: string }>>;
  statuses?: Record<string, any[]>;
  created?: any[];
  /** Commit SHAs that exist, and the branches containing each (GET .../commits/:sha/refs). */
  commits?: Record<string, string[]>;
  /** Merge requests by iid. */
  mergeRequests?: Record<number, { state: string; sha: string }>;
}

export class ForgeEmulator {
  readonly http = new HttpEmulator();
  readonly github: Record<string, FakeGithubRepo> = {};
  readonly gitlab: Record<string, FakeGitlabProject> = {};
  private nextId = 1000;
  baseUrl = '';

  get gitlabUrl(): string {
    return `${this.baseUrl}/api/v4`;
  }

  async start(): Promise<this> {
    this.routeGithub();
    this.routeGitlab();
    this.baseUrl = await this.http.start();
    return this;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  get requests(): EmulatedRequest[] {
    return this.http.requests;
  }

  private repo(req: EmulatedRequest): FakeGithubRepo | undefined {
    return this.github[`${req.params.owner}/${req.params.repo}`];
  }

  private project(req: EmulatedRequest): FakeGitlabProject | undefined {
    const key = req.params.project;
    return this.gitlab[key] ?? Object.values(this.gitlab).find((p) => String(p.id) === key);
  }

  // ------------------------------------------------------------------------------------------ GitHub
  private routeGithub(): void {
    const h = this.http;
    const notFound: EmulatedResponse = { status: 404, body: { message: 'Not Found' } };
    const withRepo = (fn: (repo: FakeGithubRepo, req: EmulatedRequest) => EmulatedResponse) => (req: EmulatedRequest) => {
      const repo = this.repo(req);
      return repo ? fn(repo, req) : notFound;
    };
    h.on('GET', '/repos/:owner/:repo', withRepo((repo, req) => ({ body: { id: repo.id ?? 1, full_name: `${req.params.owner}/${req.params.repo}`, default_branch: repo.defaultBranch ?? 'main' } })));
    h.on('GET', '/repos/:owner/:repo/commits/:sha', withRepo((repo, req) =>
      (repo.commits ?? []).includes(req.params.sha) ? { body: { sha: req.params.sha } } : { status: 422, body: { message: `No commit found for SHA: ${req.params.sha}` } },
    ));
    h.on('GET', '/repos/:owner/:repo/pulls/:number', withRepo((repo, req) => {
      const pull = repo.pullRequests?.[Number(req.params.number)];
      return pull ? { body: { number: Number(req.params.number), ...pull } } : notFound;
    }));
    h.on('DELETE', '/repos/:owner/:repo/issues/comments/:id', withRepo((repo, req) => {
      for (const list of Object.values(repo.comments ?? {})) {
        const i = list.findIndex((x) => String(x.id) === req.params.id);
        if (i !== -1) {
          list.splice(i, 1);
          return { status: 204 };
        }
      }
      return notFound;
    }));
    h.on('GET', '/repos/:owner/:repo/contents/*', withRepo((repo, req) => {
      const ref = req.query.get('ref') ?? repo.defaultBranch ?? 'main';
      const files = repo.filesAt?.[ref] ?? repo.files ?? {};
      const path = req.params.rest.replace(/\/+$/, '');
      if (files[path] !== undefined) {
        return { body: { type: 'file', name: path.split('/').pop(), path, encoding: 'base64', content: Buffer.from(files[path]).toString('base64') } };
      }
      const entries = directory(Object.keys(files), path).map((e) => ({ name: e.name, path: path ? `${path}/${e.name}` : e.name, type: e.type }));
      return entries.length > 0 ? { body: entries } : notFound;
    }));
    h.on('GET', '/repos/:owner/:repo/tags', withRepo((repo, req) => githubPage(req, (repo.tags ?? []).map((t) => ({ name: t.name, commit: { sha: t.sha } })))));
    const runs = (repo: FakeGithubRepo, req: EmulatedRequest, workflow?: string) => {
      let list = (repo.runs ?? []).filter((r) => !workflow || r.path?.endsWith(`/${workflow}`) || String(r.workflow_id) === workflow);
      for (const key of ['branch', 'event'] as const) {
        const v = req.query.get(key);
        if (v) list = list.filter((r) => (key === 'branch' ? r.head_branch : r.event) === v);
      }
      const status = req.query.get('status');
      if (status) list = list.filter((r) => r.status === status || r.conclusion === status);
      const created = req.query.get('created');
      if (created) {
        const [from, to] = created.split('..');
        list = list.filter((r) => Date.parse(r.created_at) >= Date.parse(from) && Date.parse(r.created_at) <= Date.parse(to) + 999);
      }
      list = [...list].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at));
      // Like GitHub: the count says how many matched, but only the first 1,000 can be paged through.
      return githubPage(req, list.slice(0, 1000), (items) => ({ total_count: list.length, workflow_runs: items }));
    };
    h.on('GET', '/repos/:owner/:repo/actions/runs', withRepo((repo, req) => runs(repo, req)));
    h.on('GET', '/repos/:owner/:repo/actions/workflows/:workflow/runs', withRepo((repo, req) => runs(repo, req, req.params.workflow)));
    h.on('GET', '/repos/:owner/:repo/actions/runs/:id', withRepo((repo, req) => {
      const run = (repo.runs ?? []).find((r) => String(r.id) === req.params.id);
      return run ? { body: run } : notFound;
    }));
    h.on('POST', '/repos/:owner/:repo/actions/workflows/:workflow/dispatches', withRepo((repo, req) => {
      if (req.json?.return_run_details !== undefined && repo.returnRunDetails === false) {
        return { status: 422, body: { message: 'Invalid request. "return_run_details" is not a permitted key.' } };
      }
      const id = this.nextId++;
      (repo.dispatches ??= []).push({ workflow: req.params.workflow, ...req.json, id });
      repo.onDispatch?.({ id, workflow: req.params.workflow, ref: req.json?.ref, inputs: req.json?.inputs ?? {} });
      if (!req.json?.return_run_details) return { status: 204 };
      const api = `${this.baseUrl}/repos/${req.params.owner}/${req.params.repo}/actions/runs/${id}`;
      return { status: 200, body: { workflow_run_id: id, run_url: api, html_url: `https://github.example/${req.params.owner}/${req.params.repo}/actions/runs/${id}` } };
    }));
    h.on('GET', '/repos/:owner/:repo/deployments', withRepo((repo, req) => {
      let list = repo.deployments ?? [];
      const env = req.query.get('environment');
      if (env) list = list.filter((d) => d.environment === env);
      return githubPage(req, list.map(({ statuses: _s, ...d }) => d));
    }));
    h.on('POST', '/repos/:owner/:repo/deployments', withRepo((repo, req) => {
      const d = { id: this.nextId++, sha: req.json.ref, created_at: new Date().toISOString(), statuses: [], ...req.json };
      (repo.deployments ??= []).push(d);
      const { statuses: _s, ...body } = d;
      return { status: 201, body };
    }));
    h.on('GET', '/repos/:owner/:repo/deployments/:id/statuses', withRepo((repo, req) => {
      const d = (repo.deployments ?? []).find((x) => String(x.id) === req.params.id);
      return d ? githubPage(req, d.statuses ?? []) : notFound;
    }));
    h.on('POST', '/repos/:owner/:repo/deployments/:id/statuses', withRepo((repo, req) => {
      const d = (repo.deployments ?? []).find((x) => String(x.id) === req.params.id);
      if (!d) return notFound;
      const s = { id: this.nextId++, created_at: new Date().toISOString(), ...req.json };
      (d.statuses ??= []).unshift(s);
      return { status: 201, body: s };
    }));
    h.on('POST', '/repos/:owner/:repo/statuses/:sha', withRepo((repo, req) => {
      const s = { id: this.nextId++, created_at: new Date().toISOString(), ...req.json };
      ((repo.statuses ??= {})[req.params.sha] ??= []).unshift(s);
      return { status: 201, body: s };
    }));
    h.on('GET', '/repos/:owner/:repo/commits/:ref/statuses', withRepo((repo, req) => githubPage(req, repo.statuses?.[req.params.ref] ?? [])));
    h.on('GET', '/repos/:owner/:repo/commits/:sha/pulls', withRepo((repo, req) => githubPage(req, repo.pulls?.[req.params.sha] ?? [])));
    h.on('GET', '/repos/:owner/:repo/compare/:range', withRepo((repo, req) => {
      const commits = repo.compare?.[req.params.range];
      const status = repo.compareStatus?.[req.params.range];
      if (!commits && status) return { body: { status, total_commits: 0, commits: [] } };
      return commits ? githubPage(req, commits, (items) => ({ status, total_commits: commits.length, commits: items })) : notFound;
    }));
    h.on('GET', '/repos/:owner/:repo/issues', withRepo((repo, req) => {
      let list = repo.issues ?? [];
      const labels = req.query.get('labels');
      if (labels) {
        const wanted = labels.split(',');
        list = list.filter((i) => wanted.every((l) => (i.labels ?? []).some((x: any) => (typeof x === 'string' ? x : x.name) === l)));
      }
      return githubPage(req, list);
    }));
    h.on('GET', '/repos/:owner/:repo/issues/:number/comments', withRepo((repo, req) => githubPage(req, repo.comments?.[Number(req.params.number)] ?? [])));
    h.on('POST', '/repos/:owner/:repo/issues/:number/comments', withRepo((repo, req) => {
      const c = { id: this.nextId++, body: req.json.body };
      ((repo.comments ??= {})[Number(req.params.number)] ??= []).push(c);
      return { status: 201, body: c };
    }));
    h.on('PATCH', '/repos/:owner/:repo/issues/comments/:id', withRepo((repo, req) => {
      const c = Object.values(repo.comments ?? {}).flat().find((x) => String(x.id) === req.params.id);
      if (!c) return notFound;
      c.body = req.json.body;
      return { body: c };
    }));
  }

  // ------------------------------------------------------------------------------------------ GitLab
  private routeGitlab(): void {
    const h = this.http;
    const notFound: EmulatedResponse = { status: 404, body: { message: '404 Project Not Found' } };
    const withProject = (fn: (p: FakeGitlabProject, req: EmulatedRequest) => EmulatedResponse) => (req: EmulatedRequest) => {
      const p = this.project(req);
      return p ? fn(p, req) : notFound;
    };
    h.on('GET', '/api/v4/projects/:project', withProject((p, req) => ({
      body: { id: p.id, default_branch: p.defaultBranch ?? 'main', path_with_namespace: this.pathOf(p) ?? req.params.project },
    })));
    h.on('GET', '/api/v4/projects/:project/repository/files/:file/raw', withProject((p, req) => {
      const text = p.files?.[req.params.file];
      return text === undefined ? { status: 404, body: { message: '404 File Not Found' } } : { headers: { 'content-type': 'text/plain' }, body: text };
    }));
    h.on('GET', '/api/v4/projects/:project/repository/commits/:sha', withProject((p, req) =>
      p.commits?.[req.params.sha] ? { body: { id: req.params.sha } } : { status: 404, body: { message: '404 Commit Not Found' } },
    ));
    h.on('GET', '/api/v4/projects/:project/repository/commits/:sha/refs', withProject((p, req) =>
      gitlabPage(req, (p.commits?.[req.params.sha] ?? []).map((name) => ({ type: 'branch', name }))),
    ));
    h.on('GET', '/api/v4/projects/:project/merge_requests/:mr', withProject((p, req) => {
      const mr = p.mergeRequests?.[Number(req.params.mr)];
      return mr ? { body: { iid: Number(req.params.mr), ...mr } } : { status: 404, body: { message: '404 Not found' } };
    }));
    h.on('GET', '/api/v4/projects/:project/repository/tree', withProject((p, req) => {
      const path = (req.query.get('path') ?? '').replace(/\/+$/, '');
      const entries = directory(Object.keys(p.files ?? {}), path);
      if (path && entries.length === 0) return { status: 404, body: { message: '404 Tree Not Found' } };
      return gitlabPage(req, entries.map((e) => ({ name: e.name, path: path ? `${path}/${e.name}` : e.name, type: e.type === 'dir' ? 'tree' : 'blob' })));
    }));
    h.on('GET', '/api/v4/projects/:project/repository/tags', withProject((p, req) => gitlabPage(req, (p.tags ?? []).map((t) => ({ name: t.name, commit: { id: t.sha } })))));
    h.on('GET', '/api/v4/projects/:project/ci/lint', withProject((p) => ({
      body: p.lint ?? { valid: true, errors: [], warnings: [], merged_yaml: p.files?.['.gitlab-ci.yml'] ?? '', includes: [], jobs: [] },
    })));
    h.on('GET', '/api/v4/projects/:project/pipelines', withProject((p, req) => {
      let list = p.pipelines ?? [];
      for (const key of ['ref', 'status', 'source'] as const) {
        const v = req.query.get(key);
        if (v) list = list.filter((x) => x[key] === v);
      }
      const after = req.query.get('updated_after');
      if (after) list = list.filter((x) => Date.parse(x.updated_at) > Date.parse(after));
      const before = req.query.get('updated_before');
      if (before) list = list.filter((x) => Date.parse(x.updated_at) < Date.parse(before));
      return gitlabPage(req, list);
    }));
    h.on('GET', '/api/v4/projects/:project/pipelines/:id', withProject((p, req) => {
      const x = (p.pipelines ?? []).find((y) => String(y.id) === req.params.id);
      return x ? { body: x } : notFound;
    }));
    h.on('POST', '/api/v4/projects/:project/pipeline', withProject((p, req) => {
      const x = { id: this.nextId++, status: 'created', created_at: new Date().toISOString(), updated_at: new Date().toISOString(), ...req.json };
      (p.created ??= []).push(x);
      return { status: 201, body: x };
    }));
    h.on('POST', '/api/v4/projects/:project/trigger/pipeline', withProject((p, req) => {
      const x = { id: this.nextId++, status: 'created', ref: req.json.ref, variables: req.json.variables, created_at: new Date().toISOString(), updated_at: new Date().toISOString() };
      (p.created ??= []).push(x);
      return { status: 201, body: x };
    }));
    h.on('GET', '/api/v4/projects/:project/deployments', withProject((p, req) => {
      let list = p.deployments ?? [];
      const env = req.query.get('environment');
      if (env) list = list.filter((d) => d.environment?.name === env);
      const status = req.query.get('status');
      if (status) list = list.filter((d) => d.status === status);
      const after = req.query.get('updated_after');
      if (after) list = list.filter((d) => Date.parse(d.updated_at ?? d.created_at) > Date.parse(after));
      return gitlabPage(req, list);
    }));
    h.on('GET', '/api/v4/projects/:project/environments', withProject((p, req) => gitlabPage(req, p.environments ?? [])));
    h.on('GET', '/api/v4/projects/:project/issues', withProject((p, req) => {
      let list = p.issues ?? [];
      const type = req.query.get('issue_type');
      if (type) list = list.filter((i) => i.issue_type === type);
      return gitlabPage(req, list);
    }));
    h.on('POST', '/api/v4/projects/:project/statuses/:sha', withProject((p, req) => {
      const s = { id: this.nextId++, status: req.json.state, ...req.json };
      ((p.statuses ??= {})[req.params.sha] ??= []).push(s);
      return { status: 201, body: s };
    }));
    h.on('GET', '/api/v4/projects/:project/merge_requests/:mr/notes', withProject((p, req) => gitlabPage(req, p.notes?.[Number(req.params.mr)] ?? [])));
    h.on('POST', '/api/v4/projects/:project/merge_requests/:mr/notes', withProject((p, req) => {
      const n = { id: this.nextId++, body: req.json.body };
      ((p.notes ??= {})[Number(req.params.mr)] ??= []).push(n);
      return { status: 201, body: n };
    }));
    h.on('PUT', '/api/v4/projects/:project/merge_requests/:mr/notes/:id', withProject((p, req) => {
      const n = (p.notes?.[Number(req.params.mr)] ?? []).find((x) => String(x.id) === req.params.id);
      if (!n) return notFound;
      n.body = req.json.body;
      return { body: n };
    }));
  }

  private pathOf(p: FakeGitlabProject): string | undefined {
    return Object.entries(this.gitlab).find(([, v]) => v === p)?.[0];
  }
}

/** Entries directly under `dir` among a flat list of file paths. */
function directory(paths: string[], dir: string): Array<{ name: string; type: 'file' | 'dir' }> {
  const prefix = dir ? `${dir}/` : '';
  const out = new Map<string, 'file' | 'dir'>();
  for (const p of paths) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const [head, ...tail] = rest.split('/');
    if (head) out.set(head, tail.length > 0 ? 'dir' : (out.get(head) ?? 'file'));
  }
  return [...out.entries()].map(([name, type]) => ({ name, type }));
}

function pageOf<T>(req: EmulatedRequest, items: T[]): { slice: T[]; page: number; last: number; perPage: number } {
  const perPage = Math.min(Number(req.query.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(req.query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  return { slice: items.slice((page - 1) * perPage, page * perPage), page, last, perPage };
}

function pageUrl(req: EmulatedRequest, page: number): string {
  const q = new URLSearchParams(req.query);
  q.set('page', String(page));
  return `http://${req.headers.host}${req.path}?${q.toString()}`;
}

/** GitHub style: a Link header with rel="next"/"last". */
function githubPage<T>(req: EmulatedRequest, items: T[], wrap?: (items: T[]) => unknown): EmulatedResponse {
  const { slice, page, last } = pageOf(req, items);
  const links: string[] = [];
  if (page < last) links.push(`<${pageUrl(req, page + 1)}>; rel="next"`, `<${pageUrl(req, last)}>; rel="last"`);
  return { headers: links.length ? { link: links.join(', ') } : {}, body: wrap ? wrap(slice) : slice };
}

/** GitLab style: x-next-page / x-page / x-total headers and no Link header. */
function gitlabPage<T>(req: EmulatedRequest, items: T[]): EmulatedResponse {
  const { slice, page, last, perPage } = pageOf(req, items);
  return {
    headers: {
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-next-page': page < last ? String(page + 1) : '',
      'x-total': String(items.length),
      'x-total-pages': String(last),
    },
    body: slice,
  };
}
