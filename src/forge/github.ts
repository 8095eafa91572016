// A small GitHub REST client for the steps that talk to GitHub beyond their own run: repository
// contents and tags (the audit), workflow runs and dispatch (metrics, the managed-infrastructure
// dispatcher), deployments, commit statuses and issue/PR comments (reporting back).

import type { CommentApi } from '../platform/comment';
import { HttpClient } from '../platform/http';
import { ForgeRest, encodePath, splitRepo, type ForgeClientOptions } from './rest';

export const GITHUB_API = 'https://api.github.com';

export interface GitHubTag {
  name: string;
  sha: string;
}

export interface GitHubContentEntry {
  name: string;
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'submodule';
}

export interface GitHubWorkflowRun {
  id: number;
  name?: string;
  path?: string;
  event: string;
  status: string;
  conclusion: string | null;
  head_sha: string;
  head_branch: string | null;
  run_attempt?: number;
  created_at: string;
  updated_at: string;
  run_started_at?: string;
  html_url?: string;
  referenced_workflows?: Array<{ path: string; sha: string; ref?: string }>;
}

export interface GitHubDeployment {
  id: number;
  sha: string;
  ref: string;
  task?: string;
  environment: string;
  production_environment?: boolean;
  created_at: string;
  updated_at?: string;
  payload?: unknown;
}

export interface GitHubDeploymentStatus {
  id: number;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  created_at: string;
  environment_url?: string;
  log_url?: string;
  description?: string;
}

export interface GitHubCommit {
  sha: string;
  commit: { author?: { date?: string }; committer?: { date?: string }; message?: string };
}

export interface GitHubIssue {
  number: number;
  title: string;
  state: 'open' | 'closed';
  created_at: string;
  closed_at: string | null;
  body?: string | null;
  labels?: Array<{ name: string } | string>;
  pull_request?: unknown;
}

export interface GitHubComment {
  id: number;
  body: string;
  html_url?: string;
}

export interface DispatchResult {
  /** Present when GitHub returned the run (API `return_run_details`); older servers answer 204. */
  runId?: number;
  runUrl?: string;
  htmlUrl?: string;
}

export class GitHubClient {
  readonly rest: ForgeRest;

  constructor(options: ForgeClientOptions = {}) {
    const http = new HttpClient({
      baseUrl: options.baseUrl ?? GITHUB_API,
      token: options.token,
      apiName: 'GitHub API',
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
      sleep: options.sleep,
      maxAttempts: options.maxAttempts ?? 4,
    });
    this.rest = new ForgeRest(http, options);
  }

  private repoPath(repo: string, rest = ''): string {
    const { owner, name } = splitRepo(repo);
    return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}${rest}`;
  }

  async getRepository(repo: string): Promise<{ default_branch: string; full_name: string; html_url?: string }> {
    return (await this.rest.request<{ default_branch: string; full_name: string }>('GET', this.repoPath(repo))).body;
  }

  /** A file's text at `ref`, or undefined when it does not exist. */
  async getFileText(repo: string, path: string, ref?: string): Promise<string | undefined> {
    const res = await this.rest.request<{ type?: string; content?: string; encoding?: string }>(
      'GET',
      this.repoPath(repo, `/contents/${encodePath(path)}`),
      { query: { ref }, expect: [404] },
    );
    if (res.status === 404 || Array.isArray(res.body) || res.body?.type !== 'file') return undefined;
    if (res.body.encoding === 'base64' && typeof res.body.content === 'string') {
      return Buffer.from(res.body.content, 'base64').toString('utf8');
    }
    return typeof res.body.content === 'string' ? res.body.content : undefined;
  }

  /** A directory listing at `ref`; [] when the directory does not exist. */
  async listDirectory(repo: string, path: string, ref?: string): Promise<GitHubContentEntry[]> {
    const res = await this.rest.request<GitHubContentEntry[]>('GET', this.repoPath(repo, `/contents/${encodePath(path)}`), {
      query: { ref },
      expect: [404],
    });
    return res.status === 404 || !Array.isArray(res.body) ? [] : res.body;
  }

  async listTags(repo: string): Promise<GitHubTag[]> {
    const tags = await this.rest.paginate<{ name: string; commit: { sha: string } }>(this.repoPath(repo, '/tags'));
    return tags.map((t) => ({ name: t.name, sha: t.commit.sha }));
  }

  /**
   * Workflow runs created in [since, until). GitHub returns at most 1,000 results for a filtered
   * search, so a window that reports more is split in halves until each half fits. With `limit`,
   * only that many of the newest runs are read.
   */
  async listWorkflowRuns(
    repo: string,
    filter: { since: Date; until: Date; branch?: string; event?: string; status?: string; workflow?: string | number; limit?: number },
  ): Promise<GitHubWorkflowRun[]> {
    const base = filter.workflow === undefined ? '/actions/runs' : `/actions/workflows/${encodeURIComponent(String(filter.workflow))}/runs`;
    const path = this.repoPath(repo, base);
    const collect = async (since: Date, until: Date, depth: number): Promise<GitHubWorkflowRun[]> => {
      const query = {
        branch: filter.branch,
        event: filter.event,
        status: filter.status,
        created: `${isoSeconds(since)}..${isoSeconds(new Date(until.getTime() - 1000))}`,
      };
      const first = await this.rest.request<{ total_count: number; workflow_runs: GitHubWorkflowRun[] }>('GET', path, {
        query: { ...query, per_page: 1 },
      });
      const total = first.body?.total_count ?? 0;
      const span = until.getTime() - since.getTime();
      if (total > 1000 && depth < 16 && span > 2000) {
        const mid = new Date(since.getTime() + Math.floor(span / 2000) * 1000);
        return [...(await collect(since, mid, depth + 1)), ...(await collect(mid, until, depth + 1))];
      }
      if (total === 0) return [];
      return this.rest.paginate<GitHubWorkflowRun>(path, query, 'workflow_runs');
    };
    if (filter.limit !== undefined) {
      // Only the newest runs are wanted: one listing, newest first, no windowing.
      const created = `${isoSeconds(filter.since)}..${isoSeconds(new Date(filter.until.getTime() - 1000))}`;
      return this.rest.paginate<GitHubWorkflowRun>(path, { branch: filter.branch, event: filter.event, status: filter.status, created }, 'workflow_runs', filter.limit);
    }
    const runs = await collect(filter.since, filter.until, 0);
    const unique = new Map(runs.map((r) => [r.id, r]));
    return [...unique.values()];
  }

  async getWorkflowRun(repo: string, runId: number): Promise<GitHubWorkflowRun> {
    return (await this.rest.request<GitHubWorkflowRun>('GET', this.repoPath(repo, `/actions/runs/${runId}`))).body;
  }

  /**
   * Starts a `workflow_dispatch` run. Asks GitHub to return the run's id; servers that do not know
   * `return_run_details` (GHES before 3.21) answer 400/422, and the dispatch is sent again without it.
   */
  async dispatchWorkflow(repo: string, workflow: string, ref: string, inputs: Record<string, string> = {}): Promise<DispatchResult> {
    const path = this.repoPath(repo, `/actions/workflows/${encodeURIComponent(workflow)}/dispatches`);
    const res = await this.rest.request<{ workflow_run_id?: number; run_url?: string; html_url?: string }>('POST', path, {
      body: { ref, inputs, return_run_details: true },
      expect: [400, 422],
    });
    if (res.status === 400 || res.status === 422) {
      await this.rest.request('POST', path, { body: { ref, inputs } });
      return {};
    }
    return { runId: res.body?.workflow_run_id, runUrl: res.body?.run_url, htmlUrl: res.body?.html_url };
  }

  async listDeployments(repo: string, filter: { environment?: string; sha?: string; ref?: string } = {}): Promise<GitHubDeployment[]> {
    return this.rest.paginate<GitHubDeployment>(this.repoPath(repo, '/deployments'), filter);
  }

  async listDeploymentStatuses(repo: string, deploymentId: number): Promise<GitHubDeploymentStatus[]> {
    return this.rest.paginate<GitHubDeploymentStatus>(this.repoPath(repo, `/deployments/${deploymentId}/statuses`));
  }

  async createDeployment(
    repo: string,
    body: { ref: string; environment: string; task?: string; description?: string; payload?: unknown; production_environment?: boolean; auto_merge?: boolean; required_contexts?: string[] },
  ): Promise<GitHubDeployment> {
    return (await this.rest.request<GitHubDeployment>('POST', this.repoPath(repo, '/deployments'), { body: { auto_merge: false, required_contexts: [], ...body } })).body;
  }

  async createDeploymentStatus(
    repo: string,
    deploymentId: number,
    body: { state: GitHubDeploymentStatus['state']; environment_url?: string; log_url?: string; description?: string; auto_inactive?: boolean },
  ): Promise<GitHubDeploymentStatus> {
    return (await this.rest.request<GitHubDeploymentStatus>('POST', this.repoPath(repo, `/deployments/${deploymentId}/statuses`), { body })).body;
  }

  async createCommitStatus(
    repo: string,
    sha: string,
    status: { state: 'error' | 'failure' | 'pending' | 'success'; context: string; description?: string; target_url?: string },
  ): Promise<{ id: number; state: string; context: string }> {
    const description = status.description && status.description.length > 140 ? `${status.description.slice(0, 139)}…` : status.description;
    return (await this.rest.request<{ id: number; state: string; context: string }>('POST', this.repoPath(repo, `/statuses/${encodeURIComponent(sha)}`), { body: { ...status, description } })).body;
  }

  async listCommitStatuses(repo: string, ref: string): Promise<Array<{ id: number; state: string; context: string; created_at: string }>> {
    return this.rest.paginate(this.repoPath(repo, `/commits/${encodeURIComponent(ref)}/statuses`));
  }

  /** Commits reachable from `head` and not from `base` (GitHub caps one compare at 250 per page; pages are followed). */
  async compareCommits(repo: string, base: string, head: string): Promise<GitHubCommit[]> {
    return this.rest.paginate<GitHubCommit>(this.repoPath(repo, `/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`), {}, 'commits');
  }

  async listPullsForCommit(repo: string, sha: string): Promise<Array<{ number: number; created_at: string; merged_at: string | null }>> {
    return this.rest.paginate(this.repoPath(repo, `/commits/${encodeURIComponent(sha)}/pulls`));
  }

  /** Issues (pull requests excluded) with the given labels, for incident tracking. */
  async listIssues(repo: string, filter: { labels?: string; state?: 'open' | 'closed' | 'all'; since?: string } = {}): Promise<GitHubIssue[]> {
    const items = await this.rest.paginate<GitHubIssue>(this.repoPath(repo, '/issues'), { state: 'all', ...filter });
    return items.filter((i) => !i.pull_request);
  }

  async listIssueComments(repo: string, issue: number): Promise<GitHubComment[]> {
    return this.rest.paginate<GitHubComment>(this.repoPath(repo, `/issues/${issue}/comments`));
  }

  async createIssueComment(repo: string, issue: number, body: string): Promise<GitHubComment> {
    return (await this.rest.request<GitHubComment>('POST', this.repoPath(repo, `/issues/${issue}/comments`), { body: { body } })).body;
  }

  async updateIssueComment(repo: string, commentId: number, body: string): Promise<GitHubComment> {
    return (await this.rest.request<GitHubComment>('PATCH', this.repoPath(repo, `/issues/comments/${commentId}`), { body: { body } })).body;
  }

  async deleteIssueComment(repo: string, commentId: number): Promise<void> {
    await this.rest.request('DELETE', this.repoPath(repo, `/issues/comments/${commentId}`));
  }
}

/** A pull request's (or issue's) comments as a CommentApi, for sticky comments (`syncStickyComment`). */
export function issueComments(client: GitHubClient, repo: string, issue: number): CommentApi {
  return {
    list: () => client.listIssueComments(repo, issue),
    create: async (body) => void (await client.createIssueComment(repo, issue, body)),
    update: async (id, body) => void (await client.updateIssueComment(repo, Number(id), body)),
    remove: (id) => client.deleteIssueComment(repo, Number(id)),
  };
}

/** GitHub's search qualifiers take ISO 8601 without fractions of a second. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
