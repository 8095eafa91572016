/**
 * The deploy lifecycle every workload shares (AKS blue-green, Functions slot swap, Fly, Databricks),
 * as an explicit state machine in the style of Argo Rollouts: every transition is checked against
 * the table below, logged as it happens, timestamped in the deploy record and passed to observers
 * (GitHub deployment statuses).
 *
 *   initialized → inspecting → locked → deploying → verifying → switching → confirming → succeeded
 *                                         │             │           │            │
 *                                         └──── aborting ←──────────┘            ├→ rolling-back → rolled-back
 *                                                  ↓                             │        └→ failed
 *                                               aborted                          └→ failed (no auto-rollback)
 *
 * STABLE API (other deploy strategies build on it; keep it backwards compatible):
 *
 *   resolveEnvironment(name, { tier?, autoRollback? }) → EnvironmentPolicy
 *       dev/staging/prod automation levels (see `docs/deploy.md`): tier from the name unless given.
 *   interface DeployStrategy { kind, strategy, target, inspect, acquireLock?, releaseLock?, deployCandidate,
 *       switchTraffic?, switchBack, discardCandidate?, finalize?, rollbackCommand }
 *       A workload implements this; the lifecycle decides when each is called:
 *       - inspect(ctx): READ-ONLY. Validates the target and returns what is live (LiveState).
 *         Throws InputError for bad input and DeployInProgressError when the target shows another deploy.
 *       - acquireLock/releaseLock(ctx): optional target-side lock; releaseLock runs whatever happens.
 *       - deployCandidate(ctx, live): puts the new version beside the live one and waits until the
 *         platform says it is ready (rollout status, Kudu deployment, machine checks). No traffic yet.
 *         In `rollback` operation it returns the previous version (already there) as the candidate.
 *       - switchTraffic(ctx, live, candidate): moves traffic. If it throws, traffic must NOT have moved
 *         (the strategy re-reads the target when unsure), unless it throws DeployError({ uncertain: true }),
 *         which ends the run `failed` with the rollback command. Omit it when deployCandidate already moved
 *         traffic (rolling strategies): the lifecycle then treats deploy failures as post-switch ones
 *         when `candidate.servesTraffic`/`DeployError.servesTraffic` say so.
 *       - switchBack(ctx, live, candidate): puts the previous version back (automatic rollback).
 *       - discardCandidate(ctx, live, candidate | undefined, error): tidies a candidate that never served
 *         (optional; blue-green keeps it for inspection).
 *       - finalize(ctx, live, candidate): after success (scale-downs, annotations) (optional).
 *       - rollbackCommand(live, candidate): the exact command a human runs to roll back.
 *   runLifecycle(options: LifecycleOptions) → Promise<DeployRecord>
 *       Drives the machine. Never throws after the first mutation: failures end in `aborted`,
 *       `rolled-back` or `failed` with the error in the record. Errors from inspect/acquireLock (nothing
 *       changed yet) are rethrown so the CLI exits 2 with no record written.
 *   DeployError(message, { servesTraffic?, uncertain? }) — a failure a strategy raises when it knows whether
 *       the new version already took traffic (rolling updates), or cannot know it (uncertain switch).
 *   DeployInProgressError — a GateFailure for "another deploy is running on this target".
 *   TransitionObserver — `onTransition(event, record)`; observers never fail a deploy.
 *   Endpoint { url, transport?, label? } — where health probes go (transport: custom channel).
 *   Records, summaries and StepOutcome mapping: `./records`. Health probes: `./health`.
 *   GitHub deployment statuses: `./github-deployments`. Shared CLI options: `./options`.
 */

import { GateFailure, InputError, PavedError, describeError } from '../platform/errors';
import { secrets } from '../platform/redact';
import { checkHealth, formatMs, type HealthOptions, type HealthResult, type ProbeSpec, type ProbeTransport } from './health';
import type { CheckRecord, DeployOutcomeKind, DeployRecord, SourceInfo, TimelineEntry } from './records';

export type Tier = 'dev' | 'staging' | 'prod';
export type Operation = 'deploy' | 'rollback';

export interface EnvironmentPolicy {
  name: string;
  tier: Tier;
  /** Switch back on its own when a post-switch check fails. */
  autoRollback: boolean;
  /** Whether the platform must hold the job for an approval (GitHub environment reviewers, GitLab protected environment). */
  requiresApproval: boolean;
}

const TIER_PATTERNS: Array<[Tier, RegExp]> = [
  ['prod', /^(prod|production|prd|live)([-_.].*)?$/i],
  ['staging', /^(staging|stage|stg|uat|qa|preprod|pre-prod)([-_.].*)?$/i],
  ['dev', /^(dev|develop|development|test|testing|review|sandbox)([-_.].*)?$/i],
];

/**
 * Automation levels from the portfolio seed: dev deploys and rolls back on its own; staging deploys on
 * its own but leaves a failed version in place for diagnosis (manual rollback); prod waits for the
 * platform's approval and rolls back on its own when a health check fails.
 */
export const TIER_DEFAULTS: Record<Tier, { autoRollback: boolean; requiresApproval: boolean }> = {
  dev: { autoRollback: true, requiresApproval: false },
  staging: { autoRollback: false, requiresApproval: false },
  prod: { autoRollback: true, requiresApproval: true },
};

export function resolveEnvironment(name: string, options: { tier?: string; autoRollback?: boolean } = {}): EnvironmentPolicy {
  if (!name || !/^[A-Za-z0-9][A-Za-z0-9_./-]*$/.test(name)) {
    throw new InputError(`environment name "${name}" is not usable`, { field: 'environment', hint: 'use dev, staging, prod or a name like prod-eu' });
  }
  let tier: Tier | undefined;
  if (options.tier) {
    if (!['dev', 'staging', 'prod'].includes(options.tier)) {
      throw new InputError(`tier "${options.tier}" is not one of dev, staging, prod`, { field: 'tier' });
    }
    tier = options.tier as Tier;
  } else tier = TIER_PATTERNS.find(([, re]) => re.test(name))?.[0];
  if (!tier) {
    throw new InputError(`cannot tell whether environment "${name}" is dev, staging or prod`, {
      field: 'environment',
      hint: 'pass the tier explicitly (--tier dev|staging|prod / input tier)',
    });
  }
  const defaults = TIER_DEFAULTS[tier];
  return { name, tier, autoRollback: options.autoRollback ?? defaults.autoRollback, requiresApproval: defaults.requiresApproval };
}

export type DeployState =
  | 'initialized'
  | 'inspecting'
  | 'locked'
  | 'deploying'
  | 'verifying'
  | 'switching'
  | 'confirming'
  | 'succeeded'
  | 'aborting'
  | 'aborted'
  | 'rolling-back'
  | 'rolled-back'
  | 'failed';

/** The only transitions the machine allows; anything else is a bug and throws. */
export const TRANSITIONS: Readonly<Record<DeployState, readonly DeployState[]>> = {
  initialized: ['inspecting'],
  inspecting: ['locked'],
  locked: ['deploying'],
  deploying: ['verifying', 'aborting', 'rolling-back', 'failed'],
  verifying: ['switching', 'confirming', 'aborting'],
  switching: ['confirming', 'aborting', 'failed'],
  confirming: ['succeeded', 'rolling-back', 'failed'],
  aborting: ['aborted'],
  'rolling-back': ['rolled-back', 'failed'],
  succeeded: [],
  aborted: [],
  'rolled-back': [],
  failed: [],
};

export const TERMINAL_OUTCOME: Partial<Record<DeployState, DeployOutcomeKind>> = {
  succeeded: 'succeeded',
  aborted: 'aborted',
  'rolled-back': 'rolled-back',
  failed: 'failed',
};

export interface Endpoint {
  url: string;
  /** How to reach it when plain fetch cannot (the Kubernetes API server's service proxy). */
  transport?: ProbeTransport;
  /** Shown in logs instead of the URL ("preview Service web-preview via the API server"). */
  label?: string;
}

export interface LiveState {
  /** The version serving now; undefined on a first deploy. */
  version?: string;
  /** The production endpoint (checked after the switch). */
  endpoint?: Endpoint;
  /** Strategy-specific facts recorded in the deploy record (`details.before`). */
  details?: Record<string, unknown>;
}

export interface Candidate {
  version: string;
  /** Where the candidate can be checked before it takes traffic (preview Service, staging slot). */
  preview?: Endpoint;
  /** The production endpoint after the switch, when the strategy knows it better than `live.endpoint`. */
  endpoint?: Endpoint;
  /** True when deploying already moved traffic (rolling strategies without a separate switch). */
  servesTraffic?: boolean;
  details?: Record<string, unknown>;
}

export interface DeployContext {
  readonly operation: Operation;
  readonly environment: EnvironmentPolicy;
  /** Progress line (already redacted by the lifecycle's logger). */
  log(message: string): void;
  warn(message: string): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** The run that is deploying (for annotations and locks). */
  readonly source: SourceInfo;
  /** The id of this deploy (also in the record). */
  readonly deployId: string;
}

export interface DeployStrategy {
  /** Workload kind: `aks`, `functions`, `fly`, `databricks`. */
  readonly kind: string;
  /** Strategy name for records: `blue-green`, `slot-swap`, `rolling`, `wheel`. */
  readonly strategy: string;
  /** What is being deployed, for humans: `aks default/web`, `functions my-app`. */
  readonly target: string;
  inspect(ctx: DeployContext): Promise<LiveState>;
  acquireLock?(ctx: DeployContext, live: LiveState): Promise<void>;
  releaseLock?(ctx: DeployContext): Promise<void>;
  deployCandidate(ctx: DeployContext, live: LiveState): Promise<Candidate>;
  switchTraffic?(ctx: DeployContext, live: LiveState, candidate: Candidate): Promise<void>;
  switchBack(ctx: DeployContext, live: LiveState, candidate: Candidate | undefined): Promise<void>;
  discardCandidate?(ctx: DeployContext, live: LiveState, candidate: Candidate | undefined, error: unknown): Promise<void>;
  finalize?(ctx: DeployContext, live: LiveState, candidate: Candidate): Promise<void>;
  rollbackCommand(live: LiveState, candidate: Candidate | undefined): string;
}

/** A failure that knows whether the new version already served traffic. */
export class DeployError extends PavedError {
  readonly servesTraffic: boolean;
  /** Thrown by switchTraffic when it cannot tell whether traffic moved (an operation still running, the API unreachable). */
  readonly uncertain: boolean;
  constructor(message: string, options: { servesTraffic?: boolean; uncertain?: boolean; hint?: string } = {}) {
    super(message, 1, { hint: options.hint });
    this.servesTraffic = options.servesTraffic ?? false;
    this.uncertain = options.uncertain ?? false;
  }
}

/** Another deploy is running on this target: refuse before touching anything. */
export class DeployInProgressError extends GateFailure {}

export interface TransitionEvent {
  from: DeployState;
  to: DeployState;
  at: string;
  message: string;
}

export interface TransitionObserver {
  onTransition(event: TransitionEvent, record: DeployRecord): Promise<void> | void;
}

export interface HealthPlan {
  probes: ProbeSpec[];
  options?: HealthOptions;
  /** Overrides for the post-switch check (typically a higher successThreshold). */
  confirmOptions?: HealthOptions;
}

export interface LifecycleOptions {
  strategy: DeployStrategy;
  environment: EnvironmentPolicy;
  operation?: Operation;
  /** The version requested (recorded even when the deploy fails before the candidate exists). */
  requestedVersion?: string;
  health?: HealthPlan;
  log?: (message: string) => void;
  warn?: (message: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  observers?: TransitionObserver[];
  source?: SourceInfo;
  deployId?: string;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runLifecycle(options: LifecycleOptions): Promise<DeployRecord> {
  const { strategy, environment } = options;
  const operation = options.operation ?? 'deploy';
  const now = options.now ?? Date.now;
  const log = (m: string) => options.log?.(secrets.redact(m));
  const warn = (m: string) => (options.warn ?? options.log)?.(secrets.redact(m));
  const started = now();
  const record: DeployRecord = {
    schemaVersion: 1,
    id: options.deployId ?? newDeployId(started),
    kind: strategy.kind,
    strategy: strategy.strategy,
    operation,
    target: strategy.target,
    environment: { name: environment.name, tier: environment.tier, autoRollback: environment.autoRollback },
    outcome: 'aborted',
    versions: { requested: options.requestedVersion },
    startedAt: iso(started),
    finishedAt: iso(started),
    durationSeconds: 0,
    timeline: [],
    checks: [],
    rollbackCommand: '',
    source: options.source ?? {},
  };
  const ctx: DeployContext = {
    operation,
    environment,
    log,
    warn,
    sleep: options.sleep ?? realSleep,
    now,
    source: record.source,
    deployId: record.id,
  };
  // A rollback is not rolled back again: if the previous version is unhealthy too, a human decides.
  const autoRollback = operation === 'deploy' && environment.autoRollback;
  let state: DeployState = 'initialized';

  const move = async (to: DeployState, message: string) => {
    if (!TRANSITIONS[state].includes(to)) throw new Error(`deploy lifecycle bug: ${state} → ${to} is not a transition`);
    const at = now();
    const entry: TimelineEntry = { at: iso(at), state: to, message: secrets.redact(message) };
    record.timeline.push(entry);
    const event: TransitionEvent = { from: state, to, at: entry.at, message: entry.message };
    state = to;
    log(`[${to}] ${entry.message}`);
    for (const observer of options.observers ?? []) {
      try {
        await observer.onTransition(event, record);
      } catch (err) {
        warn(`could not report the transition to ${to}: ${describeError(err)}`);
      }
    }
  };

  const check = async (phase: CheckRecord['phase'], endpoint: Endpoint | undefined, extra?: HealthOptions): Promise<HealthResult | undefined> => {
    if (!options.health) return undefined;
    if (!endpoint) {
      warn(`no ${phase === 'candidate' ? 'preview' : 'production'} endpoint to probe: relying on the platform's readiness signal`);
      record.checks.push({ phase, skipped: true, summary: 'no endpoint to probe' });
      return undefined;
    }
    const label = endpoint.label ?? endpoint.url;
    log(`checking ${label} (${options.health.probes.map((p) => p.path ?? '/').join(', ') || '/'})`);
    const result = await checkHealth(endpoint.url, options.health.probes, {
      now,
      sleep: ctx.sleep,
      ...options.health.options,
      ...extra,
      transport: endpoint.transport ?? options.health.options?.transport,
      onRound: (round) => {
        if (!round.ok) log(`  round ${round.round} (${formatMs(round.elapsedMs)}): ${round.probes.filter((p) => !p.ok).map((p) => `${p.url}: ${p.reason}`).join('; ')}`);
      },
    });
    record.checks.push({ phase, url: endpoint.url, ok: result.ok, rounds: result.rounds, elapsedMs: result.elapsedMs, summary: result.summary });
    log(`  ${result.summary}`);
    return result;
  };

  const finish = (outcome: DeployOutcomeKind, error?: unknown): DeployRecord => {
    const end = now();
    record.outcome = outcome;
    record.finishedAt = iso(end);
    record.durationSeconds = Math.round((end - started) / 100) / 10;
    if (error !== undefined) {
      record.error = { message: secrets.redact(describeError(error)) };
    }
    return record;
  };

  // Nothing has changed until the lock is held: errors here propagate (exit 2, no record).
  await move('inspecting', `${operation} ${strategy.target} to ${environment.name} (${environment.tier}, auto-rollback ${autoRollback ? 'on' : 'off'})`);
  const live = await strategy.inspect(ctx);
  record.versions.previous = live.version;
  record.details = { before: live.details ?? {} };
  record.rollbackCommand = strategy.rollbackCommand(live, undefined);
  await strategy.acquireLock?.(ctx, live);
  let candidate: Candidate | undefined;
  try {
    await move('locked', `live version: ${live.version ?? '(none, first deploy)'}`);
    await move('deploying', operation === 'rollback' ? `preparing the previous version` : `deploying ${options.requestedVersion ?? 'the new version'} beside the live one`);
    try {
      candidate = await strategy.deployCandidate(ctx, live);
    } catch (err) {
      if (err instanceof DeployError && err.servesTraffic) return await afterTrafficFailure(err);
      await move('aborting', `deploy failed before any traffic moved: ${describeError(err)}`);
      await discard(err);
      await move('aborted', `production still serves ${live.version ?? 'what it served before'}`);
      return finish('aborted', err);
    }
    record.versions.candidate = candidate.version;
    record.previewUrl = publicUrl(candidate.preview);
    record.url = publicUrl(candidate.endpoint ?? live.endpoint);
    record.rollbackCommand = strategy.rollbackCommand(live, candidate);
    if (candidate.details) record.details = { ...record.details, candidate: candidate.details };

    await move('verifying', `${candidate.version} is ready; checking it before it takes traffic`);
    if (!candidate.servesTraffic) {
      const pre = await check('candidate', candidate.preview);
      if (pre && !pre.ok) {
        const err = new DeployError(`the new version failed its health check before the switch: ${pre.summary}`);
        await move('aborting', err.message);
        await discard(err);
        await move('aborted', `traffic never moved; production still serves ${live.version ?? 'what it served before'}`);
        return finish('aborted', err);
      }
    }

    if (strategy.switchTraffic && !candidate.servesTraffic) {
      await move('switching', `switching traffic from ${live.version ?? '(nothing)'} to ${candidate.version}`);
      try {
        await strategy.switchTraffic(ctx, live, candidate);
      } catch (err) {
        if (err instanceof DeployError && err.uncertain) {
          // Neither "aborted" (traffic may move yet) nor an automatic switch back (it would race the switch).
          await move('failed', `${describeError(err)}; the switch may still complete: check production, then roll back if needed with: ${record.rollbackCommand}`);
          return finish('failed', err);
        }
        await move('aborting', `the switch failed and traffic did not move: ${describeError(err)}`);
        await discard(err);
        await move('aborted', `production still serves ${live.version ?? 'what it served before'}`);
        return finish('aborted', err);
      }
    }
    await move('confirming', `${candidate.version} serves traffic; checking production`);
    const post = await check('live', candidate.endpoint ?? live.endpoint, options.health?.confirmOptions);
    if (post && !post.ok) return await afterTrafficFailure(new DeployError(`production failed its health check after the switch: ${post.summary}`));
    record.versions.live = candidate.version;
    if (strategy.finalize) {
      try {
        await strategy.finalize(ctx, live, candidate);
      } catch (err) {
        warn(`deploy succeeded, but tidying up failed: ${describeError(err)}`);
      }
    }
    await move('succeeded', `${candidate.version} is live${record.url ? ` at ${record.url}` : ''}; ${live.version ? `${live.version} is kept for rollback` : 'first deploy'}`);
    return finish('succeeded');
  } finally {
    if (strategy.releaseLock) {
      try {
        await strategy.releaseLock(ctx);
      } catch (err) {
        warn(`could not release the deploy lock: ${describeError(err)}; release it by hand before the next deploy`);
      }
    }
  }

  async function discard(err: unknown): Promise<void> {
    if (!strategy.discardCandidate) return;
    try {
      await strategy.discardCandidate(ctx, live, candidate, err);
    } catch (cleanupErr) {
      warn(`could not tidy the failed candidate: ${describeError(cleanupErr)}`);
    }
  }

  async function afterTrafficFailure(err: unknown): Promise<DeployRecord> {
    record.versions.live = candidate?.version ?? options.requestedVersion;
    if (!autoRollback || !live.version) {
      const why = !live.version ? 'there is no previous version to return to' : operation === 'rollback' ? 'a rollback is not rolled back automatically' : `auto-rollback is off for ${environment.name}`;
      await move('failed', `${describeError(err)}; ${why}. Roll back with: ${record.rollbackCommand}`);
      return finish('failed', err);
    }
    await move('rolling-back', `${describeError(err)}; switching back to ${live.version}`);
    try {
      await strategy.switchBack(ctx, live, candidate);
    } catch (backErr) {
      await move('failed', `switching back failed: ${describeError(backErr)}. Roll back with: ${record.rollbackCommand}`);
      return finish('failed', err);
    }
    record.versions.live = live.version;
    const after = await check('rollback', live.endpoint, options.health?.confirmOptions);
    if (after && !after.ok) {
      await move('failed', `switched back to ${live.version}, but it is unhealthy too: ${after.summary}`);
      return finish('failed', err);
    }
    await move('rolled-back', `production serves ${live.version} again; ${candidate?.version ?? 'the new version'} is kept for inspection`);
    return finish('rolled-back', err);
  }
}

/** The URL users know (an endpoint reached through a special transport, like the API server proxy, is not one). */
function publicUrl(endpoint: Endpoint | undefined): string | undefined {
  return endpoint && !endpoint.transport ? endpoint.url : undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function newDeployId(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${Math.random().toString(36).slice(2, 8)}`;
}
