// Counting a plan: per-action counts, what is destructive, and the short list of notable changes a
// report shows (kept bounded so a plan of a million resources still renders a readable summary).

import type { Action, PlanChange, PlanSummary } from './types';

/** What a report needs to know about one change. */
export interface ChangeBrief {
  address: string;
  action: Action;
  type: string;
  maybe_replace: boolean;
  destroys: boolean;
  reason: string | null;
  replace_paths: string[];
  previous_address?: string;
}

/** Destructive changes are always listed up to this many; other changes up to NOTABLE_LIMIT. */
export const DESTRUCTIVE_LIMIT = 1000;
export const NOTABLE_LIMIT = 500;

/** Destroys an object, or may: deletes and replaces that really destroy, and possible replacements. */
export function isDestructive(change: Pick<PlanChange, 'destroys' | 'maybe_replace'>): boolean {
  return change.destroys || change.maybe_replace;
}

/** Changes worth a line in a report: everything except no-ops and data reads. */
export function isNotable(change: Pick<PlanChange, 'action' | 'maybe_replace'>): boolean {
  return change.maybe_replace || (change.action !== 'no-op' && change.action !== 'read');
}

export function brief(change: PlanChange): ChangeBrief {
  return {
    address: change.address,
    action: change.action,
    type: change.type,
    maybe_replace: change.maybe_replace,
    destroys: change.destroys,
    reason: change.reason,
    replace_paths: change.replace_paths.map((p) => p.join('.')),
    ...(change.previous_address && { previous_address: change.previous_address }),
  };
}

export class SummaryBuilder {
  private readonly counts: Record<Action, number> = { create: 0, update: 0, delete: 0, replace: 0, read: 0, 'no-op': 0, import: 0, move: 0, forget: 0 };
  private total = 0;
  private maybe = 0;
  private destructive = 0;
  private driftCount = 0;
  private destroyingReplaces = 0;
  readonly notable: ChangeBrief[] = [];
  readonly drifted: ChangeBrief[] = [];
  /** Notable changes and drift entries counted but not kept in `notable`/`drifted`. */
  omitted = 0;
  omittedDrift = 0;

  add(change: PlanChange): void {
    this.counts[change.action]++;
    this.total++;
    if (change.maybe_replace) this.maybe++;
    if (change.action === 'replace' && change.destroys) this.destroyingReplaces++;
    const destructive = isDestructive(change);
    if (destructive) this.destructive++;
    if (!isNotable(change)) return;
    const kept = this.notable.length;
    if ((destructive && kept < DESTRUCTIVE_LIMIT) || kept < NOTABLE_LIMIT) this.notable.push(brief(change));
    else this.omitted++;
  }

  addDrift(change: PlanChange): void {
    this.driftCount++;
    if (this.drifted.length < NOTABLE_LIMIT) this.drifted.push(brief(change));
    else this.omittedDrift++;
  }

  result(toolReported?: Record<string, number>): PlanSummary {
    const changed = this.total - this.counts['no-op'] - this.counts.read;
    return {
      ...this.counts,
      total: this.total,
      maybe_replace: this.maybe,
      destructive: this.destructive,
      drift: this.driftCount,
      has_changes: changed > 0 || this.maybe > 0,
      has_deletes: this.destructive > 0,
      ...(toolReported && { tool_reported: toolReported }),
    };
  }

  /**
   * The counters GitLab's merge request widget reads (`artifacts:reports:terraform`). GitLab's recipe
   * flattens Terraform's action lists, so a replacement counts once as a create and once as a delete;
   * a forget-and-create replacement destroys nothing and counts only as a create.
   */
  gitlab(): GitLabReport {
    return {
      create: this.counts.create + this.counts.replace,
      update: this.counts.update,
      delete: this.counts.delete + this.destroyingReplaces,
    };
  }
}

export interface GitLabReport {
  create: number;
  update: number;
  delete: number;
}
