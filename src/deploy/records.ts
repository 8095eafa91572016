// The deploy record: one JSON document per deploy or rollback (schema `schemas/deploy-record.schema.json`),
// written with `--record FILE` and read by the governor for DORA metrics and rollback evidence. Also the
// job summary rendering and the mapping of a record onto the StepOutcome every face delivers.

import { writeFileAtomic } from '../platform/files';
import { redactJson } from '../platform/redact';
import type { StepOutcome } from '../platform/step';

export type DeployOutcomeKind = 'succeeded' | 'rolled-back' | 'aborted' | 'failed';

export interface TimelineEntry {
  at: string;
  state: string;
  message: string;
}

export interface CheckRecord {
  /** `candidate` before the switch, `live` after it, `rollback` after switching back. */
  phase: 'candidate' | 'live' | 'rollback';
  url?: string;
  ok?: boolean;
  skipped?: boolean;
  rounds?: number;
  elapsedMs?: number;
  summary: string;
}

export interface SourceInfo {
  platform?: 'github' | 'gitlab' | 'local';
  repository?: string;
  commit?: string;
  ref?: string;
  runId?: string;
  runUrl?: string;
  actor?: string;
}

export interface DeployRecord {
  schemaVersion: 1;
  id: string;
  kind: string;
  strategy: string;
  operation: 'deploy' | 'rollback';
  target: string;
  environment: { name: string; tier: string; autoRollback: boolean };
  outcome: DeployOutcomeKind;
  versions: {
    /** What the run was asked to deploy. */
    requested?: string;
    /** What served before the run. */
    previous?: string;
    /** What the run deployed beside it. */
    candidate?: string;
    /** What serves after the run (absent when unknown). */
    live?: string;
  };
  url?: string;
  previewUrl?: string;
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  timeline: TimelineEntry[];
  checks: CheckRecord[];
  /** The exact command that returns to the previous version. */
  rollbackCommand: string;
  error?: { message: string };
  source: SourceInfo;
  /** Strategy-specific facts (colours, selectors, slots, host names). */
  details?: Record<string, unknown>;
}

/** Where a run comes from, read from the platform's standard variables. */
export function sourceFromEnv(env: NodeJS.ProcessEnv): SourceInfo {
  if (env.GITHUB_ACTIONS === 'true') {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    return clean({
      platform: 'github',
      repository: env.GITHUB_REPOSITORY,
      commit: env.GITHUB_SHA,
      ref: env.GITHUB_REF,
      runId: env.GITHUB_RUN_ID,
      runUrl: env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
      actor: env.GITHUB_ACTOR,
    });
  }
  if (env.GITLAB_CI === 'true') {
    return clean({
      platform: 'gitlab',
      repository: env.CI_PROJECT_PATH,
      commit: env.CI_COMMIT_SHA,
      ref: env.CI_COMMIT_REF_NAME,
      runId: env.CI_JOB_ID,
      runUrl: env.CI_JOB_URL,
      actor: env.GITLAB_USER_LOGIN,
    });
  }
  return { platform: 'local' };
}

function clean<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}

export function writeRecord(file: string, record: DeployRecord): void {
  writeFileAtomic(file, `${JSON.stringify(redactJson(record), null, 2)}\n`);
}

const OUTCOME_TITLE: Record<DeployOutcomeKind, string> = {
  succeeded: 'deployed',
  'rolled-back': 'rolled back after a failed check',
  aborted: 'aborted before the switch',
  failed: 'FAILED: production needs attention',
};

export function recordTitle(record: DeployRecord): string {
  const what = record.operation === 'rollback' ? 'rollback of' : 'deploy of';
  const version = record.versions.candidate ?? record.versions.requested ?? 'new version';
  if (record.operation === 'rollback' && record.outcome === 'succeeded') {
    return `${record.target} (${record.environment.name}) rolled back to ${version}`;
  }
  return `${what} ${version} to ${record.target} (${record.environment.name}): ${OUTCOME_TITLE[record.outcome]}`;
}

export function renderMarkdown(record: DeployRecord): string {
  const icon = { succeeded: '✅', 'rolled-back': '↩️', aborted: '🛑', failed: '❌' }[record.outcome];
  const lines = [
    `### ${icon} ${recordTitle(record)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| Outcome | **${record.outcome}** |`,
    `| Environment | ${record.environment.name} (${record.environment.tier}, auto-rollback ${record.environment.autoRollback ? 'on' : 'off'}) |`,
    `| Strategy | ${record.kind} ${record.strategy} |`,
    `| Before | ${code(record.versions.previous ?? '(none)')} |`,
    `| After | ${code(record.versions.live ?? record.versions.previous ?? '(unknown)')} |`,
  ];
  if (record.url) lines.push(`| URL | ${record.url} |`);
  if (record.previewUrl) lines.push(`| Preview | ${record.previewUrl} |`);
  lines.push(`| Duration | ${record.durationSeconds} s |`);
  if (record.error) lines.push('', `> ${record.error.message.replace(/\n/g, ' ')}`);
  lines.push('', '#### Timeline', '', '| Time (UTC) | State | |', '| --- | --- | --- |');
  for (const entry of record.timeline) lines.push(`| ${entry.at.slice(11, 19)} | ${entry.state} | ${entry.message.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`);
  if (record.checks.length) {
    lines.push('', '#### Health checks', '');
    for (const c of record.checks) lines.push(`- ${c.skipped ? '⏭️' : c.ok ? '✅' : '❌'} ${c.phase}: ${c.summary}`);
  }
  lines.push('', `Rollback: ${code(record.rollbackCommand)}`);
  return lines.join('\n');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** The outcome every face delivers: outputs url, version, previous-version, outcome (+ record file). */
export function recordOutcome(step: string, record: DeployRecord, recordFile?: string): StepOutcome<DeployRecord> {
  const ok = record.outcome === 'succeeded';
  const outputs: Record<string, string> = {
    url: record.url ?? '',
    version: record.versions.live ?? '',
    'previous-version': record.versions.previous ?? '',
    outcome: record.outcome,
  };
  if (recordFile) outputs.record = recordFile;
  const annotations: StepOutcome['annotations'] = ok
    ? []
    : [{ level: record.outcome === 'failed' ? 'error' : 'warning', title: recordTitle(record), message: `${record.error?.message ?? record.outcome}\nRollback: ${record.rollbackCommand}` }];
  return {
    step,
    verdict: ok ? 'pass' : 'fail',
    exitCode: ok ? 0 : 1,
    title: recordTitle(record),
    markdown: renderMarkdown(record),
    annotations,
    outputs,
    data: record,
    files: recordFile ? [{ path: recordFile, kind: 'deploy-record' }] : undefined,
  };
}
