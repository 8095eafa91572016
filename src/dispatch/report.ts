// Reporting a managed-infrastructure run back to the customer repository: a commit status per
// (phase, environment) that branch rules can require, and one sticky PR comment per environment
// with the plan summary and the policy verdict, updated in place on every run.

import { GITHUB_COMMENT_LIMIT, syncStickyComment } from '../platform/comment';
import { details, table } from '../platform/markdown';
import { secrets } from '../platform/redact';
import type { CustomerRepo, RepoIdentity, StatusState } from './customer-repo';
import type { RunMode } from './provider';

export interface ReportTarget {
  repository: string;
  commit: string;
  environment: string;
  mode: RunMode;
  pr?: number;
  /** The provider's run, linked from statuses and comments. */
  runUrl?: string;
}

/** The parts of a contract plan a report needs (see schemas/plan.schema.json). */
export interface PlanSummary {
  summary: Record<string, number>;
  changes: Array<{ address: string; action: string }>;
  drift?: Array<{ address: string; action?: string }>;
}

/** The parts of `paved policy check --format json` a report needs. */
export interface PolicySummary {
  verdict: 'pass' | 'fail' | 'warn';
  failures: string[];
  warnings: string[];
}

export function statusContext(mode: RunMode, environment: string): string {
  return `paved/infra-${mode} (${environment})`;
}

export function commentKey(environment: string): string {
  return `infra:${environment}`;
}

export async function postStatus(repo: CustomerRepo, identity: RepoIdentity, target: ReportTarget, state: StatusState, description: string): Promise<void> {
  await repo.postStatus(identity, target.commit, {
    state,
    context: statusContext(target.mode, target.environment),
    description: truncate(secrets.redact(description), 140),
    targetUrl: target.runUrl,
  });
}

export async function postComment(repo: CustomerRepo, identity: RepoIdentity, target: ReportTarget, markdown: string): Promise<void> {
  if (target.pr === undefined) return;
  // GitHub's limit is the lower of the two forges'; one split rule keeps both readable.
  await syncStickyComment(repo.comments(identity, target.pr), commentKey(target.environment), secrets.redact(markdown), GITHUB_COMMENT_LIMIT);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function planCounts(plan: PlanSummary): string {
  const s = plan.summary;
  return `+${s.create ?? 0} ~${s.update ?? 0} ±${s.replace ?? 0} -${s.delete ?? 0}`;
}

function runLink(target: ReportTarget): string {
  return target.runUrl ? `[provider run](${target.runUrl})` : 'provider run';
}

export function rejectionMarkdown(target: ReportTarget, problems: string[]): string {
  return [
    `### ❌ Infrastructure ${target.mode} for \`${target.environment}\` rejected`,
    '',
    `The provider did not plan anything: \`infra/variables.yml\` at ${target.commit.slice(0, 12)} was refused (${runLink(target)}).`,
    '',
    ...problems.map((p) => `- ${p}`),
  ].join('\n');
}

export function planMarkdown(target: ReportTarget, plan: PlanSummary, policy: PolicySummary | undefined): string {
  const s = plan.summary;
  const destructive = plan.changes.filter((c) => c.action === 'delete' || c.action === 'replace');
  const lines = [
    `### ${policy?.verdict === 'fail' ? '❌' : '✅'} Infrastructure plan for \`${target.environment}\`: ${planCounts(plan)}`,
    '',
    `Commit ${target.commit.slice(0, 12)} · ${runLink(target)} · policy: **${policy ? policy.verdict : 'not checked'}**`,
    '',
    table(['create', 'update', 'replace', 'delete', 'unchanged'], [[s.create ?? 0, s.update ?? 0, s.replace ?? 0, s.delete ?? 0, s.no_op ?? 0]]),
  ];
  if (destructive.length) lines.push('', `> [!CAUTION]\n> ${destructive.length} resource(s) destroyed or replaced: ${destructive.map((c) => `\`${c.address}\``).join(', ')}`);
  if (policy?.failures.length) lines.push('', '**Policy failures**', '', ...policy.failures.map((f) => `- ${f}`));
  if (policy?.warnings.length) lines.push('', details(`Policy warnings (${policy.warnings.length})`, policy.warnings.map((w) => `- ${w}`).join('\n')));
  const changed = plan.changes.filter((c) => c.action !== 'no-op' && c.action !== 'read');
  if (changed.length) lines.push('', details(`All ${changed.length} changes`, changed.map((c) => `- \`${c.action}\` ${c.address}`).join('\n')));
  if (target.mode === 'plan') lines.push('', '_Nothing is applied from a pull request; merging applies this plan after the provider approves it._');
  return lines.join('\n');
}

/** SARIF 2.1.0 from policy-check's `sarif-file`: errors fail, warnings warn. */
function fromSarif(sarif: { runs: Array<{ results?: Array<{ level?: string; message?: { text?: string }; suppressions?: unknown[] }> }> }): PolicySummary {
  // Suppressed results are findings an exception waived.
  const results = sarif.runs.flatMap((run) => run.results ?? []).filter((r) => !r.suppressions?.length);
  const failures = results.filter((r) => (r.level ?? 'warning') === 'error').map((r) => r.message?.text ?? '');
  const warnings = results.filter((r) => r.level === 'warning' || r.level === 'note').map((r) => r.message?.text ?? '');
  return { verdict: failures.length ? 'fail' : warnings.length ? 'warn' : 'pass', failures, warnings };
}

/** Reads policy-check results: its JSON report, conftest's result array, or its SARIF file. */
export function readPolicySummary(json: unknown): PolicySummary {
  if (json && typeof json === 'object' && Array.isArray((json as { runs?: unknown }).runs)) return fromSarif(json as Parameters<typeof fromSarif>[0]);
  type FileResult = { failures?: Array<{ msg: string }>; warnings?: Array<{ msg: string }> };
  const report = json as { verdict?: PolicySummary['verdict']; results?: FileResult[] } | FileResult[];
  const results: FileResult[] = Array.isArray(report) ? report : (report.results ?? []);
  const failures = results.flatMap((r) => (r.failures ?? []).map((f) => f.msg));
  const warnings = results.flatMap((r) => (r.warnings ?? []).map((f) => f.msg));
  const verdict = !Array.isArray(report) && report.verdict ? report.verdict : failures.length ? 'fail' : warnings.length ? 'warn' : 'pass';
  return { verdict, failures, warnings };
}
