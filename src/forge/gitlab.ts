// A small GitLab REST (v4) client for the steps that talk to GitLab beyond their own job: repository
// files, tags and the CI Lint API's merged configuration (the audit), pipelines and deployments
// (metrics), pipeline triggers (the managed-infrastructure dispatcher), commit statuses and MR notes.

import { HttpClient } from '../platform/http';
import { secrets } from '../platform/redact';
import type { CommentApi } from '../platform/comment';
import { ForgeRest, type ForgeClientOptions } from './rest';

export const GITLAB_API = 'https://gitlab.com/api/v4';

export interface GitLabClientOptions extends ForgeClientOptions {
  /** `private` sends PRIVATE-TOKEN (personal/project access tokens); `job` sends JOB-TOKEN; `bearer` an OAuth token. */
  tokenType?: 'private' | 'job' | 'bearer';
}

export interface GitLabPipeline {
  id: number;
  iid?: number;
  sha: string;
  ref: string;
  status: string;
  source?: string;
  created_at: string;
  updated_at: string;
  started_at?: string | null;
  finished_at?: string | null;
  coverage?: string | null;
  web_url?: string;
}

export interface GitLabDeployment {
  id: number;
  iid?: number;
  sha: string;
  ref: string;
  status: 'created' | 'running' | 'success' | 'failed' | 'canceled' | 'blocked' | string;
  created_at: string;
  updated_at?: string;
  finished_at?: string | null;
  environment: { name: string; tier?: string };
}

export interface GitLabIssue {
  iid: number;
  title: string;
  state: 'opened' | 'closed';
  created_at: string;
  closed_at: string | null;
  description?: string | null;
  labels?: string[];
  issue_type?: string;
}

export interface GitLabLint {
  valid: boolean;
  errors: string[];
  warnings: string[];
  merged_yaml?: string;
  /** Resolved includes (GitLab 15+): type, location, and for project files `extra.{project, ref}`. */
  includes?: Array<{ type: string; location: string; blob?: string | null; raw?: string | null; extra?: { project?: string; ref?: string }; context_project?: string | null }>;
  jobs?: Array<{ name: string; stage: string }>;
}

export interface GitLabNote {
  id: number;
  body: string;
}

export class GitLabClient {
  readonly rest: ForgeRest;

  constructor(options: GitLabClientOptions = {}) {
    const type = options.tokenType ?? 'private';
    const headers: Record<string, string> = {};
    if (options.token && type === 'private') headers['private-token'] = options.token;
    if (options.token && type === 'job') headers['job-token'] = options.token;
    const http = new HttpClient({
      baseUrl: options.baseUrl ?? GITLAB_API,
      token: type === 'bearer' ? options.token : undefined,
      headers,
      apiName: 'GitLab API',
      sleep: options.sleep,
      maxAttempts: options.maxAttempts ?? 4,
    });
    // Tokens sent in GitLab's own headers are secrets too (HttpClient only knows the Bearer one).
    secrets.add(options.token);
    this.rest = new ForgeRest(http, options);
  }

  /** `group/sub/project` or a numeric id, as one URL segment. */
  private projectPath(project: string | number, rest = ''): string {
    return `/projects/${encodeURIComponent(String(project))}${rest}`;
  }

  async getProject(project: string | number): Promise<{ id: number; default_branch: string; path_with_namespace: string; web_url?: string }> {
    return (await this.rest.request<{ id: number; default_branch: string; path_with_namespace: string }>('GET', this.projectPath(project))).body;
  }

  /** A file's text at `ref`, or undefined when it does not exist. */
  async getFileText(project: string | number, path: string, ref: string): Promise<string | undefined> {
    const res = await this.rest.request<unknown>('GET', this.projectPath(project, `/repository/files/${encodeURIComponent(path)}/raw`), {
      query: { ref },
      expect: [404],
      headers: { accept: '*/*' },
    });
    if (res.status === 404) return undefined;
    return res.text;
  }

  /** Entries directly under `path` at `ref`; [] when the directory does not exist. */
  async listTree(project: string | number, path: string, ref: string): Promise<Array<{ name: string; path: string; type: 'blob' | 'tree' }>> {
    try {
      return await this.rest.paginate(this.projectPath(project, '/repository/tree'), { path: path || undefined, ref });
    } catch (err) {
      if ((err as { status?: number }).status === 404) return [];
      throw err;
    }
  }

  async listTags(project: string | number): Promise<Array<{ name: string; sha: string }>> {
    const tags = await this.rest.paginate<{ name: string; commit: { id: string } }>(this.projectPath(project, '/repository/tags'));
    return tags.map((t) => ({ name: t.name, sha: t.commit.id }));
  }

  /** The project's CI configuration as GitLab merges it at `ref` (a pipeline-creation simulation). */
  async lintProjectConfig(project: string | number, ref: string): Promise<GitLabLint> {
    const res = await this.rest.request<GitLabLint>('GET', this.projectPath(project, '/ci/lint'), {
      query: { dry_run: true, dry_run_ref: ref, include_jobs: true },
    });
    return res.body;
  }

  async listPipelines(
    project: string | number,
    filter: { ref?: string; status?: string; source?: string; updated_after?: string; updated_before?: string; scope?: string } = {},
  ): Promise<GitLabPipeline[]> {
    return this.rest.paginate<GitLabPipeline>(this.projectPath(project, '/pipelines'), { order_by: 'id', sort: 'desc', ...filter });
  }

  async getPipeline(project: string | number, id: number): Promise<GitLabPipeline> {
    return (await this.rest.request<GitLabPipeline>('GET', this.projectPath(project, `/pipelines/${id}`))).body;
  }

  /** Starts a pipeline with typed `inputs` (preferred) on `ref`. */
  async createPipeline(project: string | number, ref: string, inputs: Record<string, string | number | boolean> = {}): Promise<GitLabPipeline> {
    return (await this.rest.request<GitLabPipeline>('POST', this.projectPath(project, '/pipeline'), { body: { ref, inputs } })).body;
  }

  /** Starts a pipeline with a trigger token (the token is masked in every output). */
  async triggerPipeline(project: string | number, ref: string, triggerToken: string, variables: Record<string, string> = {}): Promise<GitLabPipeline> {
    secrets.add(triggerToken);
    return (await this.rest.request<GitLabPipeline>('POST', this.projectPath(project, '/trigger/pipeline'), { body: { ref, token: triggerToken, variables } })).body;
  }

  async listDeployments(
    project: string | number,
    filter: { environment?: string; status?: string; updated_after?: string; updated_before?: string; order_by?: string } = {},
  ): Promise<GitLabDeployment[]> {
    return this.rest.paginate<GitLabDeployment>(this.projectPath(project, '/deployments'), { order_by: 'updated_at', ...filter });
  }

  async listEnvironments(project: string | number): Promise<Array<{ id: number; name: string; tier?: string; state?: string }>> {
    return this.rest.paginate(this.projectPath(project, '/environments'));
  }

  async listIssues(project: string | number, filter: { issue_type?: string; labels?: string; created_after?: string; updated_after?: string; state?: string } = {}): Promise<GitLabIssue[]> {
    return this.rest.paginate<GitLabIssue>(this.projectPath(project, '/issues'), filter);
  }

  async createCommitStatus(
    project: string | number,
    sha: string,
    status: { state: 'pending' | 'running' | 'success' | 'failed' | 'canceled'; name: string; description?: string; target_url?: string; ref?: string },
  ): Promise<{ id: number; status: string; name: string }> {
    return (await this.rest.request<{ id: number; status: string; name: string }>('POST', this.projectPath(project, `/statuses/${encodeURIComponent(sha)}`), { body: status })).body;
  }

  async listMergeRequestNotes(project: string | number, mr: number): Promise<GitLabNote[]> {
    return this.rest.paginate<GitLabNote>(this.projectPath(project, `/merge_requests/${mr}/notes`));
  }

  async createMergeRequestNote(project: string | number, mr: number, body: string): Promise<GitLabNote> {
    return (await this.rest.request<GitLabNote>('POST', this.projectPath(project, `/merge_requests/${mr}/notes`), { body: { body } })).body;
  }

  async updateMergeRequestNote(project: string | number, mr: number, noteId: number, body: string): Promise<GitLabNote> {
    return (await this.rest.request<GitLabNote>('PUT', this.projectPath(project, `/merge_requests/${mr}/notes/${noteId}`), { body: { body } })).body;
  }

  async deleteMergeRequestNote(project: string | number, mr: number, noteId: number): Promise<void> {
    await this.rest.request('DELETE', this.projectPath(project, `/merge_requests/${mr}/notes/${noteId}`));
  }

  /** Merge requests a deployment shipped (for lead time from merge). */
  async listDeploymentMergeRequests(project: string | number, deploymentId: number): Promise<Array<{ iid: number; created_at: string; merged_at?: string | null }>> {
    return this.rest.paginate(this.projectPath(project, `/deployments/${deploymentId}/merge_requests`));
  }
}

/** A merge request's notes as a CommentApi, for sticky comments (`syncStickyComment`). */
export function mergeRequestNotes(client: GitLabClient, project: string | number, mr: number): CommentApi {
  return {
    list: () => client.listMergeRequestNotes(project, mr),
    create: async (body) => void (await client.createMergeRequestNote(project, mr, body)),
    update: async (id, body) => void (await client.updateMergeRequestNote(project, mr, Number(id), body)),
    remove: (id) => client.deleteMergeRequestNote(project, mr, Number(id)),
  };
}
