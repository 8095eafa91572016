// The dashboard's numbers, computed from normalised facts (runs, deployments, incidents, gate and
// scan evidence) so the formulas are the same whichever forge the facts came from. Definitions follow
// governance research §2: DORA's four keys (2023 naming: failed deployment recovery time) plus the
// seed's pipeline success rate, coverage and scan pass rate, each compared with seed 001's target.

export type RunConclusion = 'success' | 'failure' | 'cancelled' | 'skipped' | 'neutral' | 'timed_out' | 'action_required' | 'startup_failure' | 'stale' | 'other';

export interface PipelineRun {
  id: string;
  createdAt: string;
  conclusion: RunConclusion;
  /** Re-runs of one run share its id; the highest attempt is the run's result. */
  attempt?: number;
}

export interface Change {
  sha: string;
  /** When the commit was made (author/commit date). */
  committedAt: string;
  /** For a squash or merge commit: when the work started (PR/MR creation or its first commit). */
  workStartedAt?: string;
}

export interface Deployment {
  id: string;
  environment: string;
  production: boolean;
  /** When the deployment succeeded or failed. */
  at: string;
  status: 'success' | 'failure';
  sha?: string;
  /** A rollback (redeploy of an earlier version), which is recovery, not a change. */
  rollback?: boolean;
  /** The deploy step switched back automatically after a failed live check (a change failure, recovered at once). */
  autoRolledBack?: boolean;
  /** Commits this deployment shipped for the first time. */
  changes?: Change[];
}

export interface Incident {
  id: string;
  createdAt: string;
  resolvedAt?: string;
  /** The deployment or commit the incident names as its cause (`root cause: <sha>`). */
  deploymentId?: string;
  rootCauseSha?: string;
}

export interface ProjectFacts {
  slug: string;
  environments?: string[];
  runs: PipelineRun[];
  deployments: Deployment[];
  incidents: Incident[];
  quality: Array<{ at: string; coverage?: number; verdict?: string }>;
  scans: Array<{ at: string; passed: boolean }>;
  /** Facts that could not be collected (API errors), shown on the dashboard. */
  problems?: string[];
}

export type DoraLevel = 'elite' | 'high' | 'medium' | 'low';

export interface MetricValue {
  value: number | null;
  unit: '%' | 'per week' | 'hours';
  /** Seed 001's target and whether it is met (null when there is no data). */
  target: string;
  met: boolean | null;
  level?: DoraLevel;
  /** How many observations the value rests on (small denominators deserve suspicion). */
  samples: number;
  detail: string;
}

export interface ProjectMetrics {
  slug: string;
  window: { from: string; to: string };
  pipelineSuccessRate: MetricValue;
  deploymentFrequency: MetricValue & { perEnvironment: Record<string, number>; weeklyMinimumMet: boolean | null };
  leadTime: MetricValue;
  changeFailureRate: MetricValue;
  recoveryTime: MetricValue & { median: number | null };
  coverage: MetricValue;
  scanPassRate: MetricValue;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const t = (iso: string) => Date.parse(iso);

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function round(v: number | null, digits = 2): number | null {
  return v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits;
}

// ------------------------------------------------------------------------------- pipeline success

const COUNTED_FAILURES = new Set<RunConclusion>(['failure', 'timed_out', 'startup_failure']);

/**
 * success / (success + failure + timed_out + startup_failure) over runs created in the 7 days up to
 * `now`; cancelled, skipped, neutral and action_required runs are left out, and a re-run counts once
 * with the result of its latest attempt.
 */
export function pipelineSuccessRate(runs: PipelineRun[], now: Date, days = 7): MetricValue {
  const from = now.getTime() - days * DAY;
  const latest = new Map<string, PipelineRun>();
  for (const run of runs) {
    const at = t(run.createdAt);
    if (at < from || at > now.getTime()) continue;
    const seen = latest.get(run.id);
    if (!seen || (run.attempt ?? 1) > (seen.attempt ?? 1)) latest.set(run.id, run);
  }
  const counted = [...latest.values()].filter((r) => r.conclusion === 'success' || COUNTED_FAILURES.has(r.conclusion));
  const ok = counted.filter((r) => r.conclusion === 'success').length;
  const value = counted.length ? round((ok / counted.length) * 100) : null;
  return {
    value,
    unit: '%',
    target: '> 95% over 7 days',
    met: value === null ? null : value > 95,
    samples: counted.length,
    detail: `${ok} of ${counted.length} finished runs succeeded in ${days} days (${latest.size - counted.length} cancelled/skipped left out)`,
  };
}

// --------------------------------------------------------------------------- deployment frequency

/** Successful production deployments that deliver changes (rollbacks are recovery, not delivery). */
function deliveries(deploys: Deployment[], from: number, to: number): Deployment[] {
  const seen = new Set<string>();
  return deploys
    .filter((d) => d.production && d.status === 'success' && !d.rollback && t(d.at) >= from && t(d.at) < to)
    .sort((a, b) => t(a.at) - t(b.at))
    .filter((d) => {
      // Redeploying the same commit to the same environment is not a new delivery.
      const key = d.sha ? `${d.environment}\u0000${d.sha}` : d.id;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Deploys per week to production, per environment (every environment), and the weekly-minimum target. */
export function deploymentFrequency(deploys: Deployment[], from: Date, to: Date, environments?: string[]): ProjectMetrics['deploymentFrequency'] {
  const weeks = Math.max((to.getTime() - from.getTime()) / WEEK, 1 / 7);
  const prod = deliveries(deploys, from.getTime(), to.getTime());
  const perEnvironment: Record<string, number> = {};
  const envs = new Set([...(environments ?? []), ...deploys.map((d) => d.environment)]);
  const weeklyOk: boolean[] = [];
  for (const env of envs) {
    const list = deliveries(deploys.map((d) => ({ ...d, production: d.environment === env })), from.getTime(), to.getTime());
    perEnvironment[env] = round(list.length / weeks) ?? 0;
    weeklyOk.push(everyWeekHas(list, from, to));
  }
  const value = round(prod.length / weeks);
  const weeklyMinimumMet = envs.size === 0 ? null : weeklyOk.every(Boolean);
  return {
    value: prod.length === 0 && deploys.length === 0 ? null : value,
    unit: 'per week',
    target: 'at least one deploy every week, per environment',
    met: deploys.length === 0 ? null : weeklyMinimumMet,
    level: deploys.length === 0 ? undefined : frequencyLevel(prod, from, to),
    samples: prod.length,
    detail: `${prod.length} production deployment(s) in ${round(weeks, 1)} week(s)`,
    perEnvironment,
    weeklyMinimumMet,
  };
}

function everyWeekHas(list: Deployment[], from: Date, to: Date): boolean {
  for (let start = from.getTime(); start + WEEK <= to.getTime() + 1; start += WEEK) {
    if (!list.some((d) => t(d.at) >= start && t(d.at) < start + WEEK)) return false;
  }
  return true;
}

/** Four Keys' method: median deploy-days per week ≥ 3 → daily (elite); median ≥ 1 → weekly (high); ... */
function frequencyLevel(prod: Deployment[], from: Date, to: Date): DoraLevel {
  const daysPerWeek: number[] = [];
  const weeksPer4: number[] = [];
  for (let start = from.getTime(); start < to.getTime(); start += WEEK) {
    const days = new Set(prod.filter((d) => t(d.at) >= start && t(d.at) < start + WEEK).map((d) => d.at.slice(0, 10)));
    daysPerWeek.push(days.size);
  }
  for (let i = 0; i < daysPerWeek.length; i += 4) weeksPer4.push(daysPerWeek.slice(i, i + 4).filter((n) => n > 0).length);
  if ((median(daysPerWeek) ?? 0) >= 3) return 'elite';
  if ((median(daysPerWeek) ?? 0) >= 1) return 'high';
  if ((median(weeksPer4) ?? 0) >= 1) return 'medium';
  return 'low';
}

// -------------------------------------------------------------------------------------- lead time

/**
 * Median hours from a change's start to the production deployment that first shipped it. For squash
 * and merge commits the change starts when the work did (`workStartedAt`), not at the merge; values
 * ≤ 0 (automated commits made after the deploy started) are dropped.
 */
export function leadTime(deploys: Deployment[], from: Date, to: Date): MetricValue {
  const samples: number[] = [];
  for (const d of deliveries(deploys, from.getTime(), to.getTime())) {
    for (const c of d.changes ?? []) {
      const start = Math.min(t(c.committedAt), c.workStartedAt ? t(c.workStartedAt) : Infinity);
      const hours = (t(d.at) - start) / HOUR;
      if (hours > 0) samples.push(hours);
    }
  }
  const value = round(median(samples));
  return {
    value,
    unit: 'hours',
    target: 'DORA elite: under 24 hours',
    met: value === null ? null : value < 24,
    level: value === null ? undefined : value < 24 ? 'elite' : value < 168 ? 'high' : value < 730 ? 'medium' : 'low',
    samples: samples.length,
    detail: `median over ${samples.length} change(s)`,
  };
}

// ------------------------------------------------------------------- change failure, recovery time

/** Incidents merged by id (an incident updated ten times is one incident): first opened, last resolved. */
export function mergeIncidents(incidents: Incident[]): Incident[] {
  const byId = new Map<string, Incident>();
  for (const i of incidents) {
    const seen = byId.get(i.id);
    if (!seen) {
      byId.set(i.id, { ...i });
      continue;
    }
    if (t(i.createdAt) < t(seen.createdAt)) seen.createdAt = i.createdAt;
    if (i.resolvedAt && (!seen.resolvedAt || t(i.resolvedAt) > t(seen.resolvedAt))) seen.resolvedAt = i.resolvedAt;
    seen.deploymentId ??= i.deploymentId;
    seen.rootCauseSha ??= i.rootCauseSha;
  }
  return [...byId.values()];
}

interface Failure {
  deploy: Deployment;
  start: number;
  recovered?: number;
}

/** Which production deliveries caused a failure, and when each failure started and was recovered. */
function changeFailures(deploys: Deployment[], incidents: Incident[], from: Date, to: Date, rollbackWindowHours = 24): { delivered: Deployment[]; failures: Failure[] } {
  const delivered = deliveries(deploys, from.getTime(), to.getTime());
  const all = [...deploys].filter((d) => d.production).sort((a, b) => t(a.at) - t(b.at));
  const merged = mergeIncidents(incidents);
  const failures: Failure[] = [];
  for (const d of delivered) {
    const linked = merged.filter(
      (i) => i.deploymentId === d.id || (i.rootCauseSha && (i.rootCauseSha === d.sha || (d.changes ?? []).some((c) => c.sha.startsWith(i.rootCauseSha!)))),
    );
    const rollbackAfter = all.find((x) => x.rollback && x.status === 'success' && x.environment === d.environment && t(x.at) > t(d.at) && t(x.at) - t(d.at) <= rollbackWindowHours * HOUR);
    if (linked.length === 0 && !rollbackAfter && !d.autoRolledBack) continue;
    const starts = [t(d.at), ...linked.map((i) => t(i.createdAt))];
    const start = Math.min(...starts);
    let recovered: number | undefined;
    if (d.autoRolledBack) recovered = t(d.at);
    const resolved = linked.map((i) => (i.resolvedAt ? t(i.resolvedAt) : undefined)).filter((x): x is number => x !== undefined);
    if (linked.length > 0 && resolved.length === linked.length) recovered = Math.max(...resolved);
    // Otherwise recovery is the next successful deploy to the same environment (rollback or fix forward).
    if (recovered === undefined) {
      const next = all.find((x) => x !== d && x.status === 'success' && x.environment === d.environment && t(x.at) > t(d.at));
      recovered = next ? t(next.at) : undefined;
    }
    failures.push({ deploy: d, start, recovered });
  }
  return { delivered, failures };
}

export function changeFailureRate(deploys: Deployment[], incidents: Incident[], from: Date, to: Date): MetricValue {
  const { delivered, failures } = changeFailures(deploys, incidents, from, to);
  const value = delivered.length ? round((failures.length / delivered.length) * 100) : null;
  return {
    value,
    unit: '%',
    target: '< 5%',
    met: value === null ? null : value < 5,
    level: value === null ? undefined : value <= 5 ? 'elite' : value <= 20 ? 'high' : value <= 40 ? 'medium' : 'low',
    samples: delivered.length,
    detail: `${failures.length} of ${delivered.length} production deployment(s) led to a failure (incident, rollback or automatic switch-back)`,
  };
}

/** Failed deployment recovery time: mean (the seed's MTTR) and median hours from failure to recovery. */
export function recoveryTime(deploys: Deployment[], incidents: Incident[], from: Date, to: Date): ProjectMetrics['recoveryTime'] {
  const { failures } = changeFailures(deploys, incidents, from, to);
  const durations = failures.filter((f) => f.recovered !== undefined).map((f) => Math.max(f.recovered! - f.start, 0) / HOUR);
  const mean = durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : null;
  const open = failures.length - durations.length;
  return {
    value: round(mean),
    median: round(median(durations)),
    unit: 'hours',
    target: 'MTTR < 1 hour',
    met: mean === null ? null : mean < 1,
    level: mean === null ? undefined : mean < 1 ? 'elite' : mean < 24 ? 'high' : mean < 168 ? 'medium' : 'low',
    samples: durations.length,
    detail: `${durations.length} recovered failure(s)${open ? `, ${open} not yet recovered` : ''}`,
  };
}

// ------------------------------------------------------------------------------- coverage, scans

export function coverage(quality: ProjectFacts['quality'], to: Date): MetricValue {
  const withCoverage = quality.filter((q) => q.coverage !== undefined && t(q.at) <= to.getTime()).sort((a, b) => t(a.at) - t(b.at));
  const last = withCoverage[withCoverage.length - 1];
  const value = last ? round(last.coverage!) : null;
  return {
    value,
    unit: '%',
    target: '> 80%',
    met: value === null ? null : value > 80,
    samples: withCoverage.length,
    detail: last ? `latest gate record (${last.at.slice(0, 10)})` : 'no gate evidence with coverage',
  };
}

/** Scan runs that passed (no blocking finding; a skipped scan is a failed one) / scan runs, in the window. */
export function scanPassRate(scans: ProjectFacts['scans'], from: Date, to: Date): MetricValue {
  const inWindow = scans.filter((s) => t(s.at) >= from.getTime() && t(s.at) < to.getTime());
  const passed = inWindow.filter((s) => s.passed).length;
  const value = inWindow.length ? round((passed / inWindow.length) * 100) : null;
  return {
    value,
    unit: '%',
    target: '100% (no critical/high findings)',
    met: value === null ? null : value === 100,
    samples: inWindow.length,
    detail: `${passed} of ${inWindow.length} scan run(s) passed`,
  };
}

/** Every metric for one project over [from, to); the success rate uses the 7 days before `to`. */
export function computeMetrics(facts: ProjectFacts, from: Date, to: Date): ProjectMetrics {
  return {
    slug: facts.slug,
    window: { from: from.toISOString(), to: to.toISOString() },
    pipelineSuccessRate: pipelineSuccessRate(facts.runs, to),
    deploymentFrequency: deploymentFrequency(facts.deployments, from, to, facts.environments),
    leadTime: leadTime(facts.deployments, from, to),
    changeFailureRate: changeFailureRate(facts.deployments, facts.incidents, from, to),
    recoveryTime: recoveryTime(facts.deployments, facts.incidents, from, to),
    coverage: coverage(facts.quality, to),
    scanPassRate: scanPassRate(facts.scans, from, to),
  };
}

export const METRIC_KEYS = ['pipelineSuccessRate', 'deploymentFrequency', 'leadTime', 'changeFailureRate', 'recoveryTime', 'coverage', 'scanPassRate'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export const METRIC_TITLES: Record<MetricKey, string> = {
  pipelineSuccessRate: 'Pipeline success rate',
  deploymentFrequency: 'Deployment frequency',
  leadTime: 'Lead time for changes',
  changeFailureRate: 'Change failure rate',
  recoveryTime: 'Failed deployment recovery time (MTTR)',
  coverage: 'Test coverage',
  scanPassRate: 'Security scan pass rate',
};

/** One value per week for the last `weeks` weeks ending at `to` (trend lines on the dashboard). */
export function weeklyTrend(facts: ProjectFacts, to: Date, weeks: number): Array<{ weekEnding: string } & Record<MetricKey, number | null>> {
  const out: Array<{ weekEnding: string } & Record<MetricKey, number | null>> = [];
  for (let i = weeks - 1; i >= 0; i--) {
    const end = new Date(to.getTime() - i * WEEK);
    const start = new Date(end.getTime() - WEEK);
    // Rates over one week are noisy; DORA figures use a four-week trailing window.
    const trailing = new Date(end.getTime() - 4 * WEEK);
    const m = computeMetrics(facts, trailing, end);
    out.push({
      weekEnding: end.toISOString().slice(0, 10),
      pipelineSuccessRate: m.pipelineSuccessRate.value,
      deploymentFrequency: deliveries(facts.deployments, start.getTime(), end.getTime()).length,
      leadTime: m.leadTime.value,
      changeFailureRate: m.changeFailureRate.value,
      recoveryTime: m.recoveryTime.value,
      coverage: m.coverage.value,
      scanPassRate: m.scanPassRate.value,
    });
  }
  return out;
}
