// The GitLab face: what a `paved` command does inside a GitLab job. Logs use collapsible sections,
// outputs go to a dotenv report, and a step's report becomes a sticky MR note through the API.

import { InputError } from './errors';
import type { PublishOptions } from './face';
import { LocalFace, type TerminalOptions } from './local';
import { GitLabClient, mergeRequestNotes } from '../forge/gitlab';
import { GITLAB_NOTE_LIMIT, syncStickyComment } from './comment';
import { secrets } from './redact';
import type { StepOutcome } from './step';

export interface GitLabContext {
  apiUrl?: string;
  projectId?: string;
  mergeRequestIid?: string;
  commitSha?: string;
  /** A project or group access token with `api` scope: CI_JOB_TOKEN cannot write MR notes. */
  token?: string;
}

export function gitlabContext(env: NodeJS.ProcessEnv): GitLabContext {
  return {
    apiUrl: env.CI_API_V4_URL,
    projectId: env.CI_PROJECT_ID,
    mergeRequestIid: env.CI_MERGE_REQUEST_IID,
    commitSha: env.CI_COMMIT_SHA,
    token: env.PAVED_GITLAB_TOKEN || env.GITLAB_TOKEN || undefined,
  };
}

export function isGitLab(env: NodeJS.ProcessEnv): boolean {
  return env.GITLAB_CI === 'true';
}

let sectionCounter = 0;

export class GitLabFace extends LocalFace {
  override readonly kind = 'gitlab' as const;
  private readonly context: GitLabContext;

  constructor(env: NodeJS.ProcessEnv, options: TerminalOptions = {}) {
    super({ ...options, dotenv: options.dotenv ?? env.PAVED_DOTENV });
    this.context = gitlabContext(env);
    secrets.add(this.context.token);
  }

  override async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    const name = `paved_${++sectionCounter}`;
    const now = () => Math.floor(Date.now() / 1000);
    this.err(`\u001b[0Ksection_start:${now()}:${name}[collapsed=true]\r\u001b[0K${secrets.redact(title)}\n`);
    try {
      return await fn();
    } finally {
      this.err(`\u001b[0Ksection_end:${now()}:${name}\r\u001b[0K\n`);
    }
  }

  override async publish(outcome: StepOutcome, options: PublishOptions = { print: true }): Promise<void> {
    await super.publish(outcome, options);
    if (!outcome.commentKey || !this.context.mergeRequestIid) return;
    if (!this.context.token) {
      this.warning('not posting the MR note: set PAVED_GITLAB_TOKEN (a token with api scope; CI_JOB_TOKEN cannot write notes)');
      return;
    }
    if (!this.context.apiUrl || !this.context.projectId) {
      throw new InputError('cannot post the MR note', { field: 'CI_API_V4_URL', hint: 'MR notes need CI_API_V4_URL and CI_PROJECT_ID' });
    }
    const client = new GitLabClient({ baseUrl: this.context.apiUrl, token: this.context.token });
    const notes = mergeRequestNotes(client, this.context.projectId, Number(this.context.mergeRequestIid));
    await syncStickyComment(notes, outcome.commentKey, secrets.redact(outcome.markdown), GITLAB_NOTE_LIMIT);
  }
}
