// The customer side: start the provider's pipeline with identifiers only (repository, commit, pull
// request, environment: never the variables, which the provider fetches itself), follow the run
// to its end within a deadline, and relay the verdict the provider posted on the customer's commit.

import { randomUUID } from 'node:crypto';
import type { GitHubClient, GitHubWorkflowRun } from '../forge/github';
import type { RunMode } from './provider';
import { statusContext } from './report';

export interface DispatchRequest {
  providerRepository: string;
  /** The provider's workflow file name (or id), e.g. `managed-infra.yml`. */
  workflow: string;
  ref: string;
  repository: string;
  commit: string;
  environment: string;
  mode: RunMode;
  pr?: number;
  deadlineMs: number;
  pollMs: number;
}

export interface DispatchOutcome {
  verdict: 'pass' | 'fail';
  correlationId: string;
  runId?: number;
  runUrl?: string;
  status?: string;
  conclusion?: string | null;
  timedOut: boolean;
  /** What the provider reported on the customer's commit (state and description). */
  providerStatus?: { state: string; description?: string; target_url?: string };
  timeline: Array<{ at: string; event: string }>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

/** The workflow_dispatch inputs: identifiers only. */
export function dispatchInputs(request: DispatchRequest, correlationId: string): Record<string, string> {
  return {
    repository: request.repository,
    commit: request.commit,
    environment: request.environment,
    mode: request.mode,
    pr: request.pr === undefined ? '' : String(request.pr),
    correlation_id: correlationId,
  };
}

async function findRunByCorrelation(provider: GitHubClient, request: DispatchRequest, correlationId: string, since: number, clock: Clock): Promise<GitHubWorkflowRun | undefined> {
  // Servers without return_run_details: the provider workflow's run-name carries the correlation id.
  const runs = await provider.listWorkflowRuns(request.providerRepository, {
    since: new Date(since - 60_000),
    until: new Date(clock.now() + 60_000),
    event: 'workflow_dispatch',
    workflow: request.workflow,
    limit: 50,
  });
  return runs.find((run) => run.name?.includes(correlationId) || (run as { display_title?: string }).display_title?.includes(correlationId));
}

export async function dispatchAndWait(
  provider: GitHubClient,
  customer: GitHubClient,
  request: DispatchRequest,
  clock: Clock = realClock,
  log: (message: string) => void = () => undefined,
): Promise<DispatchOutcome> {
  const started = clock.now();
  const deadline = started + request.deadlineMs;
  const correlationId = randomUUID();
  const timeline: DispatchOutcome['timeline'] = [];
  const note = (event: string) => {
    timeline.push({ at: new Date(clock.now()).toISOString(), event });
    log(event);
  };

  const dispatched = await provider.dispatchWorkflow(request.providerRepository, request.workflow, request.ref, dispatchInputs(request, correlationId));
  note(`dispatched ${request.providerRepository}/${request.workflow}@${request.ref} (${request.mode} ${request.environment})`);
  let runId = dispatched.runId;
  let runUrl = dispatched.htmlUrl;
  let run: GitHubWorkflowRun | undefined;

  while (clock.now() < deadline) {
    if (runId === undefined) {
      run = await findRunByCorrelation(provider, request, correlationId, started, clock);
      if (run) {
        runId = run.id;
        runUrl = run.html_url;
        note(`found run ${runId} by correlation id`);
      }
    } else {
      run = await provider.getWorkflowRun(request.providerRepository, runId);
      runUrl ??= run.html_url;
    }
    if (run?.status === 'completed') break;
    await clock.sleep(Math.min(request.pollMs, Math.max(0, deadline - clock.now())));
  }

  const timedOut = run?.status !== 'completed';
  if (timedOut) note(`deadline of ${Math.round(request.deadlineMs / 1000)}s passed; the provider run ${runId ?? '(not found)'} is ${run?.status ?? 'not started'}`);
  else note(`provider run ${runId} ${run!.conclusion}`);

  // Statuses come newest first: the first page holds the provider's latest word for this context.
  const statuses = await customer.rest.request<Array<{ state: string; context: string; description?: string; target_url?: string }>>(
    'GET',
    `/repos/${request.repository}/commits/${request.commit}/statuses`,
    { query: { per_page: 100 } },
  );
  const context = statusContext(request.mode, request.environment);
  const latest = statuses.body.find((s) => s.context === context); // newest first
  return {
    verdict: !timedOut && run!.conclusion === 'success' && (!latest || latest.state === 'success') ? 'pass' : 'fail',
    correlationId,
    runId,
    runUrl,
    status: run?.status,
    conclusion: run?.conclusion,
    timedOut,
    providerStatus: latest ? { state: latest.state, description: latest.description, target_url: latest.target_url } : undefined,
    timeline,
  };
}
