// Mirrors the deploy lifecycle into GitHub's Deployments API, so the environment page, the PR timeline
// and the governor's DORA metrics see every transition: one deployment per run (created once the target
// is inspected and locked, so a bad input creates nothing), then one status per transition.
// Needs a token with `deployments: write`. GitLab needs no equivalent: the job's `environment:` is the record.

import { HttpClient } from '../platform/http';
import type { DeployState, TransitionEvent, TransitionObserver } from './lifecycle';
import type { DeployRecord } from './records';

export interface GithubDeploymentsOptions {
  token: string;
  /** `owner/name`. */
  repository: string;
  /** The commit or ref being deployed. */
  ref: string;
  apiUrl?: string;
  /** Link from the status to the run's log. */
  logUrl?: string;
  sleep?: (ms: number) => Promise<void>;
}

type StatusState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

const FINAL_STATE: Partial<Record<DeployState, StatusState>> = {
  succeeded: 'success',
  'rolled-back': 'failure',
  aborted: 'failure',
  failed: 'error',
};

export class GithubDeployments implements TransitionObserver {
  private readonly http: HttpClient;
  private deploymentId?: number;

  constructor(private readonly options: GithubDeploymentsOptions) {
    if (!/^[^/\s]+\/[^/\s]+$/.test(options.repository)) throw new Error(`GitHub repository must be owner/name, got "${options.repository}"`);
    this.http = new HttpClient({
      baseUrl: options.apiUrl ?? 'https://api.github.com',
      token: options.token,
      apiName: 'GitHub API',
      headers: { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' },
      sleep: options.sleep,
      maxAttempts: 3,
    });
  }

  get id(): number | undefined {
    return this.deploymentId;
  }

  async onTransition(event: TransitionEvent, record: DeployRecord): Promise<void> {
    if (event.to === 'inspecting') return;
    const repo = `/repos/${this.options.repository}`;
    if (this.deploymentId === undefined) {
      const created = await this.http.post<{ id: number }>(`${repo}/deployments`, {
        ref: this.options.ref,
        environment: record.environment.name,
        description: truncate(`${record.operation} ${record.versions.requested ?? ''} via paved`.replace(/\s+/g, ' ')),
        auto_merge: false,
        required_contexts: [],
        production_environment: record.environment.tier === 'prod',
        transient_environment: false,
        payload: { deployId: record.id, kind: record.kind, strategy: record.strategy, target: record.target },
      });
      this.deploymentId = created.body.id;
    }
    const state = FINAL_STATE[event.to] ?? 'in_progress';
    await this.http.post(
      `${repo}/deployments/${this.deploymentId}/statuses`,
      {
        state,
        description: truncate(`${event.to}: ${event.message}`),
        environment_url: record.url ?? '',
        log_url: this.options.logUrl ?? record.source.runUrl ?? '',
        auto_inactive: state === 'success',
      },
      { retryUnsafe: true },
    );
  }
}

/** GitHub rejects descriptions over 140 characters. */
function truncate(text: string): string {
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}
