// The GitHub face: inputs from `INPUT_*`, outputs, the job summary, annotations and a sticky PR
// comment. Each action's `main.ts` is one call to `runAction` around the step's core.

import * as core from '@actions/core';
import * as github from '@actions/github';
import { describeError, InputError } from './errors';
import type { Face, PublishOptions } from './face';
import { GITHUB_COMMENT_LIMIT, syncStickyComment, type CommentApi } from './comment';
import { secrets } from './redact';
import type { StepOutcome } from './step';

secrets.onAdd((value) => core.setSecret(value));

/** Typed access to the action's inputs, with errors that name the input. */
export class ActionInputs {
  string(name: string, options: { required?: boolean; default?: string } = {}): string | undefined {
    const value = core.getInput(name).trim();
    if (value !== '') return value;
    if (options.required) throw new InputError('input required and not supplied', { field: `with.${name}` });
    return options.default;
  }

  requireString(name: string): string {
    return this.string(name, { required: true }) as string;
  }

  boolean(name: string, fallback = false): boolean {
    const value = core.getInput(name).trim();
    if (value === '') return fallback;
    if (/^(true|yes|on|1)$/i.test(value)) return true;
    if (/^(false|no|off|0)$/i.test(value)) return false;
    throw new InputError(`expects true or false, got "${value}"`, { field: `with.${name}` });
  }

  number(name: string, fallback?: number): number | undefined {
    const value = core.getInput(name).trim();
    if (value === '') return fallback;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new InputError(`expects a number, got "${value}"`, { field: `with.${name}` });
    return n;
  }

  /** A multi-line or comma-separated list; blank entries and `#` comments dropped. */
  list(name: string): string[] {
    return core
      .getInput(name)
      .split(/\r?\n|,/)
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('#'));
  }

  /** A token or password: masked in logs from the moment it is read. */
  secret(name: string, options: { required?: boolean } = {}): string | undefined {
    const value = this.string(name, options);
    secrets.add(value);
    return value;
  }
}

export function pullRequestNumber(): number | undefined {
  const payload = github.context.payload;
  return payload.pull_request?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined);
}

export class GitHubFace implements Face {
  readonly kind = 'github' as const;

  constructor(private readonly inputs: ActionInputs = new ActionInputs()) {}

  info(message: string): void {
    core.info(secrets.redact(message));
  }
  warning(message: string): void {
    core.warning(secrets.redact(message));
  }
  error(message: string): void {
    core.error(secrets.redact(message));
  }

  group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    return core.group(secrets.redact(title), fn);
  }

  async publish(outcome: StepOutcome, _options?: PublishOptions): Promise<void> {
    for (const [name, value] of Object.entries(outcome.outputs)) {
      const secret = outcome.secretOutputs?.includes(name);
      if (secret) core.setSecret(String(value));
      core.setOutput(name, secret ? String(value) : secrets.redact(String(value)));
    }
    for (const a of outcome.annotations) {
      const props: core.AnnotationProperties = { title: a.title, file: a.file, startLine: a.line, endLine: a.endLine, startColumn: a.column };
      const message = secrets.redact(a.message);
      if (a.level === 'error') core.error(message, props);
      else if (a.level === 'warning') core.warning(message, props);
      else core.notice(message, props);
    }
    const markdown = secrets.redact(outcome.markdown);
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown, true).write();
    core.info(secrets.redact(outcome.title));
    if (outcome.commentKey) await this.comment(outcome.commentKey, markdown);
  }

  private async comment(key: string, markdown: string): Promise<void> {
    const number = pullRequestNumber();
    if (number === undefined || !this.inputs.boolean('comment', true)) return;
    const token = this.inputs.secret('github-token') ?? process.env.GITHUB_TOKEN;
    if (!token) {
      this.warning('not commenting on the pull request: no github-token input (it defaults to github.token)');
      return;
    }
    secrets.add(token);
    await syncStickyComment(issueComments(token, number), key, markdown, GITHUB_COMMENT_LIMIT);
  }
}

/** Issue/PR comments as a CommentApi, through @actions/github's Octokit (which honours GITHUB_API_URL). */
export function issueComments(token: string, issueNumber: number): CommentApi {
  const octokit = github.getOctokit(token);
  const { owner, repo } = github.context.repo;
  return {
    async list() {
      const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 });
      return comments.map((c) => ({ id: c.id, body: c.body ?? '' }));
    },
    async create(body) {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body });
    },
    async update(id, body) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: Number(id), body });
    },
    async remove(id) {
      await octokit.rest.issues.deleteComment({ owner, repo, comment_id: Number(id) });
    },
  };
}

/**
 * The body of every action: read inputs, run the core, publish its outcome. A failed gate or a bad
 * input fails the step with a message naming the input or file at fault.
 */
export async function runAction(step: string, body: (inputs: ActionInputs, face: GitHubFace) => Promise<StepOutcome>): Promise<void> {
  const inputs = new ActionInputs();
  const face = new GitHubFace(inputs);
  try {
    const outcome = await body(inputs, face);
    await face.publish(outcome);
    if (outcome.exitCode !== 0) core.setFailed(secrets.redact(`${step}: ${outcome.title}`));
  } catch (err) {
    core.setFailed(secrets.redact(`${step}: ${describeError(err)}`));
  }
}
