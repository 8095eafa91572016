// Reads what the other steps leave in a project's evidence folder: quality-gate evidence, security
// scan results and deploy records. The files are written by other steps and other versions, so every
// field is read defensively and a file that is not understood is reported, never fatal.

import { isMap } from './ci-yaml';
import type { RepoFiles } from './repo-files';

export interface QualityEvidence {
  file: string;
  at?: Date;
  verdict?: string;
  /** Line coverage percentage. */
  coverage?: number;
  commit?: string;
  tests?: { total?: number; passed?: number; failed?: number; skipped?: number };
}

export interface ScanEvidence {
  file: string;
  at?: Date;
  verdict?: string;
  /** Findings at the gate's failing severities (critical/high unless the record says otherwise). */
  blocking: number;
  total: number;
}

export interface DeployEvidence {
  file: string;
  operation: 'deploy' | 'rollback';
  environment: string;
  tier?: string;
  outcome: string;
  startedAt?: Date;
  finishedAt?: Date;
  commit?: string;
  version?: string;
  /** Whether post-deploy health checks ran, and whether the last one passed. */
  healthChecked: boolean;
  healthOk?: boolean;
}

export interface EvidenceSet {
  dir?: string;
  quality: QualityEvidence[];
  scans: ScanEvidence[];
  deploys: DeployEvidence[];
  unreadable: Array<{ file: string; reason: string }>;
}

export const DEFAULT_EVIDENCE_DIRS = ['.paved/evidence', '.claude/evidence', 'evidence'];

/** Reads every `*.json` under the first evidence folder that exists (two levels deep). */
export async function readEvidence(files: RepoFiles, dirs: string[]): Promise<EvidenceSet> {
  const set: EvidenceSet = { quality: [], scans: [], deploys: [], unreadable: [] };
  for (const dir of dirs) {
    const entries = await files.list(dir);
    if (entries.length === 0) continue;
    set.dir = dir;
    const jsonFiles: string[] = [];
    for (const e of entries) {
      if (e.type === 'file' && e.name.endsWith('.json')) jsonFiles.push(`${dir}/${e.name}`);
      if (e.type === 'dir') {
        for (const sub of await files.list(`${dir}/${e.name}`)) {
          if (sub.type === 'file' && sub.name.endsWith('.json')) jsonFiles.push(`${dir}/${e.name}/${sub.name}`);
        }
      }
    }
    for (const file of jsonFiles) classify(file, await files.read(file), set);
    break;
  }
  const byTime = (a: { at?: Date }, b: { at?: Date }) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0);
  set.quality.sort(byTime);
  set.scans.sort(byTime);
  set.deploys.sort((a, b) => (a.finishedAt?.getTime() ?? 0) - (b.finishedAt?.getTime() ?? 0));
  return set;
}

/** Adds one file's records to the list each belongs to. */
function classify(file: string, text: string | undefined, set: EvidenceSet): void {
  if (text === undefined) return;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    set.unreadable.push({ file, reason: `not JSON (${(err as Error).message})` });
    return;
  }
  const records = Array.isArray(value) ? value : [value];
  for (const record of records) {
    if (!isMap(record)) {
      set.unreadable.push({ file, reason: 'not a JSON object' });
      continue;
    }
    const deploy = asDeploy(file, record);
    if (deploy) set.deploys.push(deploy);
    else if (Array.isArray(record.findings)) set.scans.push(asScan(file, record));
    else if (record.coverage !== undefined || record.tests !== undefined) set.quality.push(asQuality(file, record));
    else set.unreadable.push({ file, reason: 'neither quality evidence, scan result nor deploy record' });
  }
}

function asDeploy(file: string, r: Record<string, unknown>): DeployEvidence | undefined {
  const env = r.environment;
  const envName = typeof env === 'string' ? env : isMap(env) && typeof env.name === 'string' ? env.name : undefined;
  const outcome = str(r.outcome) ?? str(r.status) ?? str(r.state);
  if (!envName || !outcome) return undefined;
  const operation = r.operation === 'rollback' || r.action === 'rollback' ? 'rollback' : 'deploy';
  const checks = Array.isArray(r.checks) ? r.checks.filter(isMap) : [];
  const ran = checks.filter((c) => c.skipped !== true && typeof c.ok === 'boolean');
  const last = ran[ran.length - 1];
  const source = isMap(r.source) ? r.source : {};
  const versions = isMap(r.versions) ? r.versions : {};
  return {
    file,
    operation,
    environment: envName,
    tier: isMap(env) ? str(env.tier) : undefined,
    outcome,
    startedAt: date(r.startedAt ?? r.started_at),
    finishedAt: date(r.finishedAt ?? r.finished_at ?? r.startedAt ?? r.started_at),
    commit: str(source.commit) ?? str(r.commit) ?? str(r.sha),
    version: str(versions.live) ?? str(versions.candidate) ?? str(versions.requested) ?? str(r.version),
    healthChecked: ran.length > 0,
    healthOk: last ? last.ok === true : undefined,
  };
}

function asQuality(file: string, r: Record<string, unknown>): QualityEvidence {
  const cov = r.coverage;
  let coverage: number | undefined;
  if (typeof cov === 'number') coverage = cov;
  else if (isMap(cov)) {
    const lines = cov.lines;
    coverage = isMap(lines) ? num(lines.percent) ?? num(lines.pct) : num(lines) ?? num(cov.percent) ?? num(cov.total);
  }
  const tests = isMap(r.tests) ? { total: num(r.tests.total), passed: num(r.tests.passed), failed: num(r.tests.failed), skipped: num(r.tests.skipped) } : undefined;
  const source = isMap(r.source) ? r.source : {};
  return {
    file,
    at: recordTime(r),
    verdict: str(r.verdict),
    coverage,
    commit: str(r.commit) ?? str(source.commit) ?? (isMap(r.commit) ? str(r.commit.sha) : undefined),
    tests,
  };
}

function asScan(file: string, r: Record<string, unknown>): ScanEvidence {
  const findings = (r.findings as unknown[]).filter(isMap);
  const failOn = Array.isArray(r.failOn) ? r.failOn.map(String) : ['critical', 'high'];
  const blocking = findings.filter((f) => failOn.includes(String(f.severity ?? '').toLowerCase()) && f.suppressed !== true && f.allowlisted !== true).length;
  return { file, at: recordTime(r), verdict: str(r.verdict), blocking, total: findings.length };
}

function recordTime(r: Record<string, unknown>): Date | undefined {
  for (const key of ['recordedAt', 'finishedAt', 'createdAt', 'timestamp', 'generatedAt', 'date', 'time', 'startedAt', 'created_at']) {
    const d = date(r[key]);
    if (d) return d;
  }
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** ISO timestamps and GitLab's `2021-04-28 21:50:00 +0200` / `2016-08-12 15:23:28 UTC` forms. */
export function date(v: unknown): Date | undefined {
  if (typeof v !== 'string' || v === '') return undefined;
  let text = v.trim();
  const gitlab = text.match(/^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)? ?(UTC|[+-]\d{2}:?\d{2})$/);
  if (gitlab) {
    const zone = gitlab[3] === 'UTC' ? 'Z' : gitlab[3].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    text = `${gitlab[1]}T${gitlab[2]}${zone}`;
  }
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
