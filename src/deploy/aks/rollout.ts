// Waits for a Deployment the way `kubectl rollout status` does (observedGeneration, updated, old and
// available replicas, ProgressDeadlineExceeded), and fails fast when the new pods cannot start
// (image pull errors, crash loops, bad config) instead of sitting out the whole deadline.

import { DeployError } from '../lifecycle';
import type { KubeClient, KubeObject } from './kube';

export interface RolloutStatus {
  done: boolean;
  message: string;
  /** Set when waiting longer cannot help. */
  failure?: string;
}

/** kubectl's DeploymentStatusViewer, step by step. */
export function rolloutStatus(deployment: KubeObject): RolloutStatus {
  const name = deployment.metadata.name;
  const spec = deployment.spec ?? {};
  const status = deployment.status ?? {};
  const generation = deployment.metadata.generation ?? 0;
  if (generation > (status.observedGeneration ?? 0)) return { done: false, message: `waiting for the spec update of ${name} to be observed` };
  const progressing = (status.conditions ?? []).find((c: { type: string }) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { done: false, message: `${name} exceeded its progress deadline`, failure: `deployment "${name}" exceeded its progress deadline: ${progressing.message ?? ''}`.trim() };
  }
  const replicas = spec.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < replicas) return { done: false, message: `${updated} out of ${replicas} new replicas of ${name} have been updated` };
  if (total > updated) return { done: false, message: `${total - updated} old replicas of ${name} are pending termination` };
  if (available < updated) return { done: false, message: `${available} of ${updated} updated replicas of ${name} are available` };
  return { done: true, message: `${name} successfully rolled out (${available}/${replicas} available)` };
}

/** Waiting reasons that never fix themselves while we wait. */
export const FATAL_WAITING_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

/** The first pod problem that waiting cannot cure, if any. */
export function podFailure(pods: KubeObject[]): string | undefined {
  for (const pod of pods) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const cs of statuses) {
      const reason = cs.state?.waiting?.reason;
      if (reason && FATAL_WAITING_REASONS.has(reason)) {
        return `pod ${pod.metadata.name} container ${cs.name}: ${reason}${cs.state.waiting.message ? ` (${cs.state.waiting.message})` : ''}`;
      }
    }
    const unschedulable = (pod.status?.conditions ?? []).find((c: { type: string; reason?: string }) => c.type === 'PodScheduled' && c.reason === 'Unschedulable');
    if (unschedulable) return `pod ${pod.metadata.name} cannot be scheduled: ${unschedulable.message ?? 'Unschedulable'}`;
  }
  return undefined;
}

export interface WaitOptions {
  namespace: string;
  name: string;
  /** Selects the new pods only (the version label), for fail-fast diagnostics. */
  podSelector: string;
  deadlineMs: number;
  intervalMs: number;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  log: (message: string) => void;
}

export async function waitForRollout(kube: KubeClient, options: WaitOptions): Promise<KubeObject> {
  const started = options.now();
  let lastMessage = '';
  for (;;) {
    const deployment = await kube.get('Deployment', options.namespace, options.name);
    if (!deployment) throw new DeployError(`Deployment ${options.name} disappeared while waiting for it`);
    const status = rolloutStatus(deployment);
    if (status.message !== lastMessage) options.log(`  ${status.message}`);
    lastMessage = status.message;
    if (status.done) return deployment;
    if (status.failure) throw new DeployError(status.failure, { hint: `kubectl -n ${options.namespace} describe deployment ${options.name}` });
    const failure = podFailure(await kube.listPods(options.namespace, options.podSelector));
    if (failure) throw new DeployError(failure, { hint: `kubectl -n ${options.namespace} describe pods -l ${options.podSelector}` });
    if (options.now() - started + options.intervalMs > options.deadlineMs) {
      throw new DeployError(`${options.name} was not ready within ${Math.round(options.deadlineMs / 1000)} s: ${status.message}`, {
        hint: `kubectl -n ${options.namespace} describe pods -l ${options.podSelector}`,
      });
    }
    await options.sleep(options.intervalMs);
  }
}
