// Versioned-wheel deploy of a Databricks job, as a strategy of the shared deploy lifecycle. The wheel
// goes to an immutable path in a wheel store, a Unity Catalog volume or a workspace folder
// (`<store>/<dist>/<version>/<file>`, never overwritten, a sha256 digest beside it); the job is
// pointed at it with one `jobs/reset` that keeps every other setting, read back until the workspace
// shows the change, and optionally smoke-run. Switching back resets the job to the settings read
// before; the previous wheel is still there.

import { createHash } from 'node:crypto';
import { InputError } from '../../platform/errors';
import { DeployError, DeployInProgressError, type Candidate, type DeployContext, type DeployStrategy, type LiveState } from '../lifecycle';
import type { DatabricksClient, Job, Run } from './client';
import { TAG_PREVIOUS_WHEEL, findWheelRefs, pointJobAt, usesWheel } from './jobs';
import { readStoredText, wheelStore, type WheelStore } from './store';
import { parseWheelName, type Wheel } from './wheel';

export interface DatabricksWheelOptions {
  client: DatabricksClient;
  jobId: number;
  /** `/Volumes/<catalog>/<schema>/<volume>[/folder]` or `/Workspace/<folder>`: where versioned wheels are kept (deploy). */
  wheelDir: string;
  /** The wheel to deploy (deploy), or undefined in a rollback. */
  wheel?: Wheel;
  /** In a rollback: the wheel path to return to (default: the job's `paved_wheel_previous` tag). */
  rollbackTo?: string;
  /** Run the job once after the switch and require it to succeed. */
  smokeRun: boolean;
  smokeTimeoutMs: number;
  pollIntervalMs: number;
  /** How long to wait for the workspace to show the new settings after a reset. */
  readBackTimeoutMs: number;
  environment: string;
}

const TERMINAL_LIFE_CYCLE = new Set(['TERMINATED', 'SKIPPED', 'INTERNAL_ERROR']);

/** `<store>/<dist>/<version>/<filename>`: one folder per version, so a version is never replaced. */
export function versionedPath(root: string, wheel: Wheel): string {
  return `${root.replace(/\/+$/, '')}/${wheel.dist}/${wheel.version}/${wheel.filename}`;
}

export function digestPath(wheelPath: string): string {
  return `${wheelPath}.sha256`;
}

export class DatabricksWheelStrategy implements DeployStrategy {
  readonly kind = 'databricks';
  readonly strategy = 'versioned-wheel';
  private job?: Job;
  private dist = '';
  private targetPath = '';
  private alreadyUploaded = false;
  private lockPath?: string;
  private store?: WheelStore;

  constructor(private readonly opts: DatabricksWheelOptions) {}

  get target(): string {
    const name = this.job?.settings.name;
    return `databricks job ${this.opts.jobId}${name ? ` (${name})` : ''}`;
  }

  get jobUrl(): string {
    return `${this.opts.client.host}/jobs/${this.opts.jobId}`;
  }

  /** Read-only: the job, the wheel it uses, and whether the wheel to deploy can go where it must. */
  async inspect(ctx: DeployContext): Promise<LiveState> {
    const { client, jobId } = this.opts;
    this.job = await client.getJob(jobId);
    const label = `job ${jobId}`;
    if (ctx.operation === 'rollback') {
      const tagged = this.job.settings.tags?.[TAG_PREVIOUS_WHEEL];
      const to = this.opts.rollbackTo ?? tagged;
      const name = to ? parseWheelName(to.split('/').pop() ?? '') : undefined;
      if (!to || !name) {
        throw new InputError(to ? `"${to}" is not a wheel path` : `${label} has no ${TAG_PREVIOUS_WHEEL} tag to roll back to`, {
          field: 'wheel-path',
          hint: 'give the wheel to return to with --wheel-path (versions.previous in the deploy record)',
        });
      }
      this.dist = name.dist;
      this.targetPath = to;
      this.store = wheelStore(client, to.slice(0, to.lastIndexOf('/')));
      if (!(await this.store.exists(to))) {
        throw new InputError(`the wheel to roll back to is gone: ${to}`, { field: 'wheel-path', hint: 'pick another retained version in the wheel folder' });
      }
    } else {
      const wheel = this.opts.wheel!;
      this.dist = wheel.dist;
      this.store = wheelStore(client, this.opts.wheelDir);
      this.targetPath = versionedPath(this.store.root, wheel);
      await this.store.check();
      await this.checkStoredVersion(ctx, wheel);
    }
    // Validates that the job installs this distribution somewhere (throws an InputError if not).
    const swap = pointJobAt(this.job.settings, this.dist, this.targetPath, label);
    ctx.log(`${label} uses ${swap.previous} in ${swap.refs.map((r) => r.where).join(', ')}`);
    return {
      version: swap.previous,
      details: {
        jobId,
        jobName: this.job.settings.name,
        jobUrl: this.jobUrl,
        runAs: this.job.run_as_user_name,
        references: swap.refs,
      },
    };
  }

  /**
   * One deploy per job at a time: a lock file created without overwriting (atomic) in the wheel store,
   * holding who deploys. Jobs API has no lock of its own; bundles keep a `deploy.lock` the same way.
   */
  async acquireLock(ctx: DeployContext): Promise<void> {
    const store = this.store!;
    const dir = store.lockDir(this.targetPath);
    const lockPath = `${dir}/job-${this.opts.jobId}.lock`;
    const holder = { deployId: ctx.deployId, operation: ctx.operation, environment: ctx.environment.name, since: new Date(ctx.now()).toISOString(), ...ctx.source };
    await store.makeDirectory(dir);
    if (await store.putNew(lockPath, Buffer.from(`${JSON.stringify(holder)}\n`))) {
      this.lockPath = lockPath;
      return;
    }
    const other = parseHolder(await readStoredText(store, lockPath));
    throw new DeployInProgressError(`job ${this.opts.jobId} is being deployed by ${other}`, {
      field: lockPath,
      hint: `wait for that run to finish; if it died, delete ${lockPath} and run again`,
    });
  }

  async releaseLock(): Promise<void> {
    if (!this.lockPath) return;
    await this.store!.delete(this.lockPath);
    this.lockPath = undefined;
  }

  /** Uploads the wheel (deploy only), points the job at it, reads it back, and smoke-runs it if asked. */
  async deployCandidate(ctx: DeployContext, live: LiveState): Promise<Candidate> {
    if (ctx.operation === 'deploy') await this.upload(ctx, this.opts.wheel!);
    const before = this.job!.settings;
    const swap = pointJobAt(before, this.dist, this.targetPath, `job ${this.opts.jobId}`);
    ctx.log(`pointing job ${this.opts.jobId} at ${this.targetPath}`);
    try {
      await this.opts.client.resetJob(this.opts.jobId, swap.settings);
    } catch (err) {
      // A reset that failed half-way is re-read: if the job already shows the new wheel, it is live.
      const now = await this.opts.client.getJob(this.opts.jobId).catch(() => undefined);
      throw new DeployError(`jobs/reset failed: ${(err as Error).message}`, { servesTraffic: !!now && usesWheel(now.settings, this.dist, this.targetPath) });
    }
    await this.readBack(ctx, swap.refs.map(() => this.targetPath), `the job did not show ${this.targetPath} after the reset`);
    let run: Run | undefined;
    if (this.opts.smokeRun) run = await this.smoke(ctx);
    return {
      version: this.targetPath,
      servesTraffic: true,
      details: { wheel: this.targetPath, reusedUpload: this.alreadyUploaded, smokeRun: run && { runId: run.run_id, url: run.run_page_url, result: run.state?.result_state } },
    };
  }

  /** Resets the job to exactly the settings read before the deploy (the previous wheel is still stored). */
  async switchBack(ctx: DeployContext, live: LiveState): Promise<void> {
    ctx.log(`resetting job ${this.opts.jobId} to its previous settings (${live.version})`);
    await this.opts.client.resetJob(this.opts.jobId, this.job!.settings);
    const original = findWheelRefs(this.job!.settings, this.dist).map((r) => r.path);
    await this.readBack(ctx, original, `the job did not show ${live.version} after switching back`);
  }

  rollbackCommand(live: LiveState): string {
    return `paved deploy databricks --host ${this.opts.client.host} --job-id ${this.opts.jobId} --environment ${this.opts.environment} --rollback --wheel-path ${live.version ?? '<previous wheel path>'}`;
  }

  /**
   * A version already stored is reused only when its digest matches; different bytes under the
   * same version would make clusters run stale code (databricks/cli#1050), so that stops the deploy.
   */
  private async checkStoredVersion(ctx: DeployContext, wheel: Wheel): Promise<void> {
    const store = this.store!;
    const exists = await store.exists(this.targetPath);
    const recorded = (await readStoredText(store, digestPath(this.targetPath)))?.trim().split(/\s+/)[0];
    const hint = 'bump the package version (versions are immutable), e.g. with a build number or a +<sha> local version';
    if (!exists) {
      if (recorded === undefined || recorded === wheel.sha256) return;
      throw new InputError(`a digest of other bytes for ${wheel.dist} ${wheel.version} is in the wheel folder without its wheel (an interrupted upload?)`, {
        file: wheel.file,
        field: 'wheel',
        hint: `${hint}, or delete ${digestPath(this.targetPath)}`,
      });
    }
    if (recorded === wheel.sha256) {
      this.alreadyUploaded = true;
      ctx.log(`${this.targetPath} is already stored with the same sha256; reusing it`);
      return;
    }
    if (recorded === undefined) {
      // A wheel stored without a digest (by hand, or by another tool): compare the bytes themselves.
      const stored = await store.readBytes(this.targetPath);
      if (stored?.equals(wheel.bytes)) {
        this.alreadyUploaded = true;
        ctx.log(`${this.targetPath} is already stored, byte for byte the same; reusing it`);
        return;
      }
      const storedSha = stored ? createHash('sha256').update(stored).digest('hex') : 'unreadable';
      throw new InputError(`${wheel.dist} ${wheel.version} was already deployed with different bytes (sha256 ${storedSha.slice(0, 12)}…, this build ${wheel.sha256.slice(0, 12)}…)`, { file: wheel.file, field: 'wheel', hint });
    }
    throw new InputError(`${wheel.dist} ${wheel.version} was already deployed with different bytes (sha256 ${recorded.slice(0, 12)}…, this build ${wheel.sha256.slice(0, 12)}…)`, { file: wheel.file, field: 'wheel', hint });
  }

  /** The digest first, so a stored wheel always has one; an upload that meets an existing file re-applies the rule above. */
  private async upload(ctx: DeployContext, wheel: Wheel): Promise<void> {
    if (this.alreadyUploaded) return;
    const store = this.store!;
    await store.makeDirectory(this.targetPath.slice(0, this.targetPath.lastIndexOf('/')));
    if (!(await store.putNew(digestPath(this.targetPath), Buffer.from(`${wheel.sha256}  ${wheel.filename}\n`)))) await this.checkStoredVersion(ctx, wheel);
    if (this.alreadyUploaded) return;
    if (!(await store.putNew(this.targetPath, wheel.bytes))) await this.checkStoredVersion(ctx, wheel);
    else ctx.log(`uploaded ${wheel.filename} (${wheel.bytes.length} bytes, sha256 ${wheel.sha256.slice(0, 12)}…) to ${this.targetPath}`);
  }

  /** Reads the job until its wheel references are `expected` (the workspace may serve the old settings for a while). */
  private async readBack(ctx: DeployContext, expected: string[], failure: string): Promise<void> {
    const until = ctx.now() + this.opts.readBackTimeoutMs;
    let wait = 500;
    for (let attempt = 1; ; attempt++) {
      const job = await this.opts.client.getJob(this.opts.jobId);
      const seen = findWheelRefs(job.settings, this.dist).map((r) => r.path);
      if (seen.length === expected.length && seen.every((p, i) => p === expected[i])) {
        if (attempt > 1) ctx.log(`the workspace shows the change after ${attempt} reads`);
        return;
      }
      if (ctx.now() + wait > until) {
        throw new DeployError(`${failure} (it still reads ${[...new Set(seen)].join(', ') || 'no wheel'})`, { servesTraffic: true });
      }
      await ctx.sleep(wait);
      wait = Math.min(wait * 2, 8000);
    }
  }

  /** One run of the job on the new wheel, polled to a terminal state; anything but SUCCESS fails the deploy. */
  private async smoke(ctx: DeployContext): Promise<Run> {
    const { client, jobId } = this.opts;
    const runId = await client.runNow(jobId, `paved-${ctx.deployId}`.slice(0, 64));
    ctx.log(`smoke run ${runId} started`);
    const until = ctx.now() + this.opts.smokeTimeoutMs;
    for (;;) {
      const run = await client.getRun(runId);
      const life = run.state?.life_cycle_state ?? run.status?.state ?? '';
      if (TERMINAL_LIFE_CYCLE.has(life)) {
        const result = run.state?.result_state ?? run.status?.termination_details?.code;
        if (result === 'SUCCESS') {
          ctx.log(`smoke run ${runId} succeeded${run.run_page_url ? `: ${run.run_page_url}` : ''}`);
          return run;
        }
        const why = run.state?.state_message || run.status?.termination_details?.message || '';
        throw new DeployError(`smoke run ${runId} ended ${result ?? life}${why ? `: ${why}` : ''}${run.run_page_url ? ` (${run.run_page_url})` : ''}`, { servesTraffic: true });
      }
      if (ctx.now() + this.opts.pollIntervalMs > until) {
        await client.cancelRun(runId).catch((err) => ctx.warn(`could not cancel smoke run ${runId}: ${(err as Error).message}`));
        throw new DeployError(`smoke run ${runId} did not finish within ${Math.round(this.opts.smokeTimeoutMs / 1000)} s (cancelled)`, { servesTraffic: true });
      }
      await ctx.sleep(this.opts.pollIntervalMs);
    }
  }
}

/** "<actor> in <run url> since <time>" from a lock file, or what can be said when it is unreadable. */
function parseHolder(text: string | undefined): string {
  try {
    const h = JSON.parse(text ?? '') as { deployId?: string; runUrl?: string; actor?: string; since?: string };
    const who = [h.actor, h.runUrl ?? (h.deployId ? `deploy ${h.deployId}` : undefined)].filter(Boolean).join(' in ');
    return `${who || 'another run'}${h.since ? ` since ${h.since}` : ''}`;
  } catch {
    return 'another run (its lock file is unreadable)';
  }
}
