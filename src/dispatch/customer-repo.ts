// What the provider needs from a customer repository, on GitHub or on GitLab: its verified
// identity, whether a commit exists and is merged, a pull/merge request's head, a file at a commit,
// commit statuses and sticky comments. The provider steps are written against this alone.

import { issueComments, type GitHubClient } from '../forge/github';
import { mergeRequestNotes, type GitLabClient } from '../forge/gitlab';
import type { CommentApi } from '../platform/comment';
import { HttpError } from '../platform/http';

export type StatusState = 'pending' | 'success' | 'failure' | 'error';

export interface RepoIdentity {
  /** Numeric id: state is keyed by it, so a customer cannot pick another's state by name. */
  id: number;
  fullName: string;
  defaultBranch: string;
}

export interface CustomerRepo {
  readonly platform: 'github' | 'gitlab';
  /** Undefined when the repository does not exist (or the provider cannot see it). */
  identify(repository: string): Promise<RepoIdentity | undefined>;
  commitExists(repo: RepoIdentity, sha: string): Promise<boolean>;
  onDefaultBranch(repo: RepoIdentity, sha: string): Promise<boolean>;
  /** The head commit of an open pull/merge request, or undefined when there is none. */
  changeHead(repo: RepoIdentity, number: number): Promise<string | undefined>;
  readFile(repo: RepoIdentity, path: string, sha: string): Promise<string | undefined>;
  postStatus(repo: RepoIdentity, sha: string, status: { state: StatusState; context: string; description: string; targetUrl?: string }): Promise<void>;
  comments(repo: RepoIdentity, number: number): CommentApi;
}

async function unlessMissing<T>(call: () => Promise<T>, missing: T): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof HttpError && (err.status === 404 || err.status === 422)) return missing;
    throw err;
  }
}

export class GitHubCustomerRepo implements CustomerRepo {
  readonly platform = 'github' as const;
  constructor(private readonly client: GitHubClient) {}

  identify(repository: string) {
    return unlessMissing(async () => {
      const r = (await this.client.rest.request<{ id: number; full_name: string; default_branch: string }>('GET', `/repos/${repository}`)).body;
      return { id: r.id, fullName: r.full_name, defaultBranch: r.default_branch };
    }, undefined);
  }
  commitExists(repo: RepoIdentity, sha: string) {
    return unlessMissing(async () => (await this.client.rest.request('GET', `/repos/${repo.fullName}/commits/${sha}`), true), false);
  }
  async onDefaultBranch(repo: RepoIdentity, sha: string) {
    const res = await this.client.rest.request<{ status: string }>('GET', `/repos/${repo.fullName}/compare/${encodeURIComponent(repo.defaultBranch)}...${sha}`);
    return res.body.status === 'identical' || res.body.status === 'behind';
  }
  async changeHead(repo: RepoIdentity, number: number) {
    const res = await this.client.rest.request<{ state: string; head: { sha: string } }>('GET', `/repos/${repo.fullName}/pulls/${number}`, { expect: [404] });
    return res.status === 404 || res.body.state !== 'open' ? undefined : res.body.head.sha;
  }
  readFile(repo: RepoIdentity, path: string, sha: string) {
    return this.client.getFileText(repo.fullName, path, sha);
  }
  async postStatus(repo: RepoIdentity, sha: string, status: { state: StatusState; context: string; description: string; targetUrl?: string }) {
    await this.client.createCommitStatus(repo.fullName, sha, { state: status.state, context: status.context, description: status.description, target_url: status.targetUrl });
  }
  comments(repo: RepoIdentity, number: number): CommentApi {
    return issueComments(this.client, repo.fullName, number);
  }
}

/** GitLab's commit status states: failure and error both show as failed. */
const GITLAB_STATE: Record<StatusState, 'pending' | 'success' | 'failed'> = { pending: 'pending', success: 'success', failure: 'failed', error: 'failed' };

export class GitLabCustomerRepo implements CustomerRepo {
  readonly platform = 'gitlab' as const;
  constructor(private readonly client: GitLabClient) {}

  private path(repo: RepoIdentity, rest: string): string {
    return `/projects/${repo.id}${rest}`;
  }
  identify(repository: string) {
    return unlessMissing(async () => {
      const p = await this.client.getProject(repository);
      return { id: p.id, fullName: p.path_with_namespace, defaultBranch: p.default_branch };
    }, undefined);
  }
  commitExists(repo: RepoIdentity, sha: string) {
    return unlessMissing(async () => (await this.client.rest.request('GET', this.path(repo, `/repository/commits/${sha}`)), true), false);
  }
  async onDefaultBranch(repo: RepoIdentity, sha: string) {
    const refs = await this.client.rest.paginate<{ type: string; name: string }>(this.path(repo, `/repository/commits/${sha}/refs`), { type: 'branch' });
    return refs.some((r) => r.name === repo.defaultBranch);
  }
  async changeHead(repo: RepoIdentity, number: number) {
    const res = await this.client.rest.request<{ state: string; sha: string }>('GET', this.path(repo, `/merge_requests/${number}`), { expect: [404] });
    return res.status === 404 || res.body.state !== 'opened' ? undefined : res.body.sha;
  }
  readFile(repo: RepoIdentity, path: string, sha: string) {
    return this.client.getFileText(repo.id, path, sha);
  }
  async postStatus(repo: RepoIdentity, sha: string, status: { state: StatusState; context: string; description: string; targetUrl?: string }) {
    await this.client.createCommitStatus(repo.id, sha, { state: GITLAB_STATE[status.state], name: status.context, description: status.description, target_url: status.targetUrl });
  }
  comments(repo: RepoIdentity, number: number): CommentApi {
    return mergeRequestNotes(this.client, repo.id, number);
  }
}
