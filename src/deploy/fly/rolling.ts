// Rolling deploy of a Fly app's machines, as a strategy of the shared deploy lifecycle, with a real
// rollback. flyctl pushes forward on failure and can leave a mix of old and new machines; here the
// live config of every machine is recorded first, every lease is taken before anything changes, then
// machines are updated one at a time (started → checks passing), and switching back restores each
// changed machine's recorded config, so the group ends on one known image.

import { InputError } from '../../platform/errors';
import { DeployError, DeployInProgressError, type Candidate, type DeployContext, type DeployStrategy, type LiveState } from '../lifecycle';
import {
  FlyMachinesClient,
  META_IMAGE,
  META_PREVIOUS_IMAGE,
  hasChecks,
  processGroupOf,
  type FlyLease,
  type FlyMachine,
  type FlyMachineConfig,
} from './machines';
import type { FlyRelease, FlyReleasesClient, ReleaseStatus } from './releases';

export interface FlyRollingOptions {
  client: FlyMachinesClient;
  processGroup: string;
  /** The image to deploy; in a rollback, the image to return to (default: the one recorded on the machines). */
  image?: string;
  /** Per machine: from the update until it is started with passing checks. */
  machineTimeoutMs: number;
  /** The whole forward rollout. */
  deadlineMs: number;
  pollIntervalMs: number;
  /** Lease lifetime; leases are extended while the deploy runs, so a killed run frees the machines soon after. */
  leaseTtlSeconds: number;
  /** The production URL (default https://<app>.fly.dev). */
  url: string;
  /** The environment name, for the rollback command. */
  environment: string;
  /** Where the release history is kept (absent: none is recorded). */
  releases?: FlyReleasesClient;
}

export type MachineStatus = 'updated' | 'unchanged' | 'rolled-back' | 'not-reached' | 'failed' | 'rollback-failed';

export interface MachineReport {
  id: string;
  region?: string;
  from: string;
  to: string;
  /** The image the machine runs now. */
  final: string;
  status: MachineStatus;
}

interface Target {
  machine: FlyMachine;
  /** Started before the deploy. Stopped (autostopped) machines are updated without being launched. */
  running: boolean;
  /** The config as it was read before the deploy: what switching back restores. */
  previous: FlyMachineConfig;
  lease?: FlyLease;
  report: MachineReport;
}

/** States in which another actor is changing the machine right now. */
const CHANGING_STATES = new Set(['replacing', 'updating', 'destroying', 'launching']);

/** Started (or being started, e.g. by fly-proxy's autostart): updated in place and health-checked. */
function isRunning(machine: FlyMachine): boolean {
  return machine.state === 'started' || machine.state === 'starting';
}

/** The image most machines run (ties broken by first seen), and whether they disagree. */
export function dominantImage(images: string[]): { image: string; mixed: boolean } {
  const counts = new Map<string, number>();
  for (const image of images) counts.set(image, (counts.get(image) ?? 0) + 1);
  const [image] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  return { image, mixed: counts.size > 1 };
}

/** The image a rollback on demand returns to: recorded on the machines by the last paved deploy. */
export function recordedPreviousImage(machines: FlyMachine[]): string | undefined {
  const recorded = machines.map((m) => m.config.metadata?.[META_PREVIOUS_IMAGE]).filter((v): v is string => !!v);
  return recorded.length ? dominantImage(recorded).image : undefined;
}

export class FlyRollingStrategy implements DeployStrategy {
  readonly kind = 'fly';
  readonly strategy = 'rolling';
  private targets: Target[] = [];
  private image?: string;
  private leasesRenewedAt = 0;
  private release?: FlyRelease;
  private releaseStatus?: ReleaseStatus;

  constructor(private readonly opts: FlyRollingOptions) {}

  get target(): string {
    return `fly ${this.opts.client.app} (${this.opts.processGroup})`;
  }

  /** Read-only: the group's machines and their images, and the image this run moves them to. */
  async inspect(ctx: DeployContext): Promise<LiveState> {
    const { client, processGroup } = this.opts;
    const all = (await client.list()).filter((m) => m.state !== 'destroyed' && m.state !== 'destroying');
    const group = all.filter((m) => processGroupOf(m) === processGroup);
    const others = all.filter((m) => processGroupOf(m) !== processGroup);
    if (group.length === 0) {
      const groups = [...new Set(others.map(processGroupOf))];
      throw new InputError(`app ${client.app} has no machines in process group "${processGroup}"`, {
        field: 'process-group',
        hint: groups.length ? `the app's process groups are: ${groups.join(', ')}` : "create the app's machines with `fly deploy` once before using paved",
      });
    }
    const { image: liveImage, mixed } = dominantImage(group.map((m) => m.config.image));
    if (mixed) ctx.warn(`the machines of ${processGroup} run different images (${[...new Set(group.map((m) => m.config.image))].join(', ')}); each one is recorded and restored on its own`);
    if (others.length) ctx.log(`leaving ${others.length} machine(s) of other process groups alone: ${others.map((m) => `${m.id} (${processGroupOf(m)})`).join(', ')}`);

    this.image = this.opts.image;
    if (ctx.operation === 'rollback' && !this.image) {
      this.image = recordedPreviousImage(group);
      if (!this.image) {
        throw new InputError(`no previous image is recorded on the machines of ${client.app}`, {
          field: 'image',
          hint: 'give the image to return to with --image (see `fly releases --image`, or versions.previous in a deploy record)',
        });
      }
    }
    if (!this.image) throw new InputError('missing the image to deploy', { field: 'image', hint: 'pass --image registry.fly.io/<app>:<tag> (action input `image`)' });
    if (!/^[^\s@]+(@sha256:[0-9a-f]{64}|:[\w][\w.-]*)?$/.test(this.image)) {
      throw new InputError(`"${this.image}" is not an image reference`, { field: 'image', hint: 'registry/repository:tag or registry/repository@sha256:digest' });
    }

    const changing = group.filter((m) => CHANGING_STATES.has(m.state));
    if (changing.length) {
      throw new DeployInProgressError(`machine ${changing.map((m) => `${m.id} is ${m.state}`).join(', ')}: another deploy or update is in progress`, {
        field: `app ${client.app}`,
        hint: 'wait for it to finish (fly machine status <id>) and run again',
      });
    }
    // Started machines first: they can be health-checked, so a bad image is caught before the others change.
    const ordered = [...group.filter(isRunning), ...group.filter((m) => !isRunning(m))];
    if (!isRunning(ordered[0])) ctx.warn(`no machine of ${processGroup} is started, so the new image cannot be health-checked here; only the production probe can`);
    this.targets = ordered.map((machine) => ({
      machine,
      running: isRunning(machine),
      previous: structuredClone(machine.config),
      report: { id: machine.id, region: machine.region, from: machine.config.image, to: this.image!, final: machine.config.image, status: 'not-reached' },
    }));
    return {
      version: liveImage,
      endpoint: { url: this.opts.url },
      details: {
        app: client.app,
        processGroup,
        mixed,
        machines: group.map((m) => ({ id: m.id, region: m.region, image: m.config.image, state: m.state })),
        otherProcessGroups: others.map((m) => ({ id: m.id, processGroup: processGroupOf(m) })),
      },
    };
  }

  /** Every lease before any change: a deploy that cannot hold all machines changes none of them. */
  async acquireLock(ctx: DeployContext): Promise<void> {
    try {
      for (const t of this.targets) {
        t.lease = await this.opts.client.acquireLease(t.machine.id, this.opts.leaseTtlSeconds);
        ctx.log(`${t.machine.id}: lease acquired (${this.opts.leaseTtlSeconds} s, extended while the deploy runs)`);
      }
      this.leasesRenewedAt = ctx.now();
    } catch (err) {
      await this.releaseLock(ctx);
      throw err;
    }
  }

  async releaseLock(ctx: DeployContext): Promise<void> {
    for (const t of this.targets) {
      if (!t.lease) continue;
      try {
        await this.opts.client.releaseLease(t.machine.id, t.lease.nonce);
      } catch (err) {
        // The lease expires by itself; a failed release must not hide the deploy's real outcome.
        ctx.warn(`${t.machine.id}: releasing the lease failed (it expires within ${this.opts.leaseTtlSeconds} s): ${(err as Error).message}`);
      }
      t.lease = undefined;
    }
  }

  async deployCandidate(ctx: DeployContext, live: LiveState): Promise<Candidate> {
    const image = this.image!;
    await this.startRelease(ctx, image);
    const deadline = ctx.now() + this.opts.deadlineMs;
    for (const t of this.targets) {
      const until = Math.min(deadline, ctx.now() + this.opts.machineTimeoutMs);
      let problem: string | undefined;
      try {
        problem = await this.move(ctx, t, image, live.version ?? t.report.from, until);
      } catch (err) {
        problem = (err as Error).message;
      }
      if (problem === undefined) continue;
      if (t.report.status === 'updated') t.report.status = 'failed';
      const changed = this.targets.some((x) => x.report.final !== x.report.from);
      const error = `machine ${t.machine.id}: ${problem}`;
      ctx.log(`machines now: ${this.fleet()}`);
      await this.finishRelease(ctx, 'failed', error);
      // Machines already on the new image serve traffic, so this is a post-switch failure for the lifecycle.
      throw new DeployError(error, { servesTraffic: changed });
    }
    await this.finishRelease(ctx, 'complete');
    return {
      version: image,
      servesTraffic: true,
      endpoint: { url: this.opts.url },
      details: { machines: this.reports(), release: this.release },
    };
  }

  /** Restores every changed machine's recorded config and waits for it to be healthy again. */
  async switchBack(ctx: DeployContext): Promise<void> {
    // A release that completed on the machines but failed the production probe is marked failed.
    await this.finishRelease(ctx, 'failed', 'rolled back by paved');
    const failures: string[] = [];
    for (const t of [...this.targets].reverse()) {
      if (t.report.final === t.report.from) continue;
      const id = t.machine.id;
      ctx.log(`${id}: restoring ${t.report.from}`);
      try {
        await this.keepLeases(ctx);
        t.machine = await this.opts.client.update(id, t.previous, t.lease!.nonce, { skipLaunch: !t.running });
        t.report.final = t.report.from;
        const problem = await this.settle(ctx, t, ctx.now() + this.opts.machineTimeoutMs);
        if (problem) throw new Error(problem);
        t.report.status = 'rolled-back';
        ctx.log(`${id}: back on ${t.report.from}${t.running ? ' and healthy' : ' (stopped, as before)'}`);
      } catch (err) {
        t.report.status = 'rollback-failed';
        failures.push(`${id}: ${(err as Error).message}`);
      }
    }
    ctx.log(`machines now: ${this.fleet()}`);
    if (failures.length) throw new Error(`restoring the recorded images failed on ${failures.join('; ')}`);
  }

  rollbackCommand(live: LiveState): string {
    const back = live.version ?? '<previous image>';
    return `paved deploy fly --app ${this.opts.client.app} --process-group ${this.opts.processGroup} --environment ${this.opts.environment} --rollback --image ${back}`;
  }

  private async startRelease(ctx: DeployContext, image: string): Promise<void> {
    if (!this.opts.releases) return;
    try {
      this.release = await this.opts.releases.create(this.opts.client.app, image);
      await this.opts.releases.setStatus(this.release.id, 'running');
      ctx.log(`release ${this.release.version ?? this.release.id} recorded (running)`);
    } catch (err) {
      this.release = undefined;
      ctx.warn(`could not record the release in Fly's history (the deploy goes on): ${(err as Error).message}`);
    }
  }

  private async finishRelease(ctx: DeployContext, status: ReleaseStatus, error?: string): Promise<void> {
    if (!this.opts.releases || !this.release || this.releaseStatus === status) return;
    this.releaseStatus = status;
    try {
      await this.opts.releases.setStatus(this.release.id, status, error);
    } catch (err) {
      ctx.warn(`could not mark release ${this.release.version ?? this.release.id} ${status}: ${(err as Error).message}`);
    }
  }

  /** Extends every lease once a third of its lifetime has passed (called from the wait loops). */
  private async keepLeases(ctx: DeployContext): Promise<void> {
    if (ctx.now() - this.leasesRenewedAt < (this.opts.leaseTtlSeconds * 1000) / 3) return;
    for (const t of this.targets) {
      if (t.lease) t.lease = await this.opts.client.acquireLease(t.machine.id, this.opts.leaseTtlSeconds, t.lease.nonce);
    }
    this.leasesRenewedAt = ctx.now();
  }

  /** One line per fleet: `m1 rolled-back (img:v1), m2 not-reached (img:v1)`. */
  private fleet(): string {
    return this.targets.map((t) => `${t.report.id} ${t.report.status} (${t.report.final})`).join(', ');
  }

  /** Per-machine results, for the deploy record and the report. */
  reports(): MachineReport[] {
    return this.targets.map((t) => ({ ...t.report }));
  }

  /** Updates one machine and waits for it to be started with passing checks; returns why it failed, if it did. */
  private async move(ctx: DeployContext, t: Target, image: string, fromImage: string, until: number): Promise<string | undefined> {
    const id = t.machine.id;
    if (t.machine.config.image === image) {
      t.report.status = 'unchanged';
      ctx.log(`${id}: already on ${image}${t.running ? '; checking its health only' : ''}`);
    } else {
      const config: FlyMachineConfig = {
        ...t.previous,
        image,
        metadata: { ...t.previous.metadata, [META_IMAGE]: image, [META_PREVIOUS_IMAGE]: fromImage },
      };
      ctx.log(`${id}: updating ${t.report.from} → ${image}`);
      await this.keepLeases(ctx);
      t.machine = await this.opts.client.update(id, config, t.lease!.nonce, { skipLaunch: !t.running });
      t.report.final = image;
      t.report.status = 'updated';
    }
    const problem = await this.settle(ctx, t, until);
    if (problem === undefined) {
      const state = !t.running ? 'updated and left stopped, as it was' : hasChecks(t.machine.config) ? 'started, all checks passing' : 'started (no health checks configured on the machine)';
      ctx.log(`${id}: ${state}`);
    }
    return problem;
  }

  /** A running machine must be started with passing checks; a stopped one must be stopped on its new instance. */
  private async settle(ctx: DeployContext, t: Target, until: number): Promise<string | undefined> {
    const id = t.machine.id;
    if (!t.running) return this.waitState(ctx, id, 'stopped', t.machine.instance_id, until);
    return (await this.waitState(ctx, id, 'started', t.machine.instance_id, until)) ?? (await this.waitChecks(ctx, id, until));
  }

  private async waitState(ctx: DeployContext, id: string, state: 'started' | 'stopped', instanceId: string | undefined, until: number): Promise<string | undefined> {
    for (;;) {
      await this.keepLeases(ctx);
      const left = until - ctx.now();
      if (left <= 0) return `not ${state} within the machine timeout`;
      const res = await this.opts.client.waitFor(id, state, instanceId, left / 1000);
      if (res.reached) return undefined;
      if (res.state === 'failed' || res.state === 'destroyed' || (state === 'started' && res.state === 'stopped' && res.instanceId === instanceId)) {
        return `failed to start (state ${res.state})`;
      }
      await ctx.sleep(this.opts.pollIntervalMs);
    }
  }

  private async waitChecks(ctx: DeployContext, id: string, until: number): Promise<string | undefined> {
    let last = 'no check results reported yet';
    for (;;) {
      await this.keepLeases(ctx);
      const machine = await this.opts.client.get(id);
      if (machine.state !== 'started') return `stopped while its checks ran (state ${machine.state})`;
      if (!hasChecks(machine.config)) return undefined;
      const checks = machine.checks ?? [];
      const failing = checks.filter((c) => c.status !== 'passing');
      if (checks.length > 0 && failing.length === 0) return undefined;
      if (failing.length) last = failing.map((c) => `${c.name} ${c.status}${c.output ? ` (${c.output.trim().slice(0, 200)})` : ''}`).join('; ');
      if (ctx.now() + this.opts.pollIntervalMs > until) return `health checks did not pass within the machine timeout: ${last}`;
      await ctx.sleep(this.opts.pollIntervalMs);
    }
  }
}
