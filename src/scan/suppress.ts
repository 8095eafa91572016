// The three ways a finding is accepted instead of failing the gate:
// - a baseline of accepted findings, keyed by rule, path and a hash of the secret (or the finding's
//   content fingerprint), never by line number, each with an optional expiry;
// - an allowlist of rule/advisory ids with a mandatory reason and optional expiry (and path/package scope);
// - `.gitleaksignore` fingerprints (`file:rule:line`, `commit:file:rule:line`) for teams moving from gitleaks.

import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../platform/errors';
import { readText } from '../platform/files';
import { sha256, type Finding } from './model';
import { globToRegExp } from './sources';

export interface BaselineEntry {
  rule: string;
  path: string;
  /** sha256 of the secret for secrets, the content fingerprint otherwise. */
  hash: string;
  reason?: string;
  expires?: string;
}

export interface AllowEntry {
  id: string;
  reason: string;
  expires?: string;
  path?: string;
  package?: string;
}

export interface Suppressions {
  baseline: BaselineEntry[];
  allow: AllowEntry[];
  gitleaksIgnore: Set<string>;
  /** Expired entries found while loading, reported in the outcome. */
  expired: string[];
}

export interface SuppressedFinding {
  finding: Finding;
  by: 'baseline' | 'allowlist' | 'gitleaksignore';
  reason?: string;
}

export function emptySuppressions(): Suppressions {
  return { baseline: [], allow: [], gitleaksIgnore: new Set(), expired: [] };
}

function parseDate(value: unknown, file: string, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(Date.parse(text))) {
    throw new InputError(`"${text}" is not a date (YYYY-MM-DD)`, { file, field });
  }
  return text;
}

function isExpired(expires: string | undefined, now: Date): boolean {
  return expires !== undefined && Date.parse(expires) < now.getTime();
}

function readStructured(file: string, what: string): unknown {
  const text = readText(file, what);
  try {
    return file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new InputError(`${what} is not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message.split('\n')[0]}`, { file });
  }
}

export function loadBaseline(file: string, into: Suppressions, now = new Date()): void {
  const doc = readStructured(file, 'baseline') as { entries?: unknown };
  if (Array.isArray(doc)) {
    loadGitleaksReport(doc, file, into);
    return;
  }
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.entries)) {
    throw new InputError('baseline must have an "entries" list', { file, hint: 'create one with --write-baseline' });
  }
  doc.entries.forEach((raw: Record<string, unknown>, i: number) => {
    const field = `entries[${i}]`;
    for (const key of ['rule', 'path', 'hash']) {
      if (typeof raw?.[key] !== 'string' || !raw[key]) throw new InputError(`missing "${key}"`, { file, field });
    }
    const entry: BaselineEntry = {
      rule: String(raw.rule),
      path: String(raw.path),
      hash: String(raw.hash),
      reason: raw.reason === undefined ? undefined : String(raw.reason),
      expires: parseDate(raw.expires, file, `${field}.expires`),
    };
    if (isExpired(entry.expires, now)) into.expired.push(`baseline entry ${entry.rule} in ${entry.path} expired on ${entry.expires}`);
    else into.baseline.push(entry);
  });
}

/**
 * A gitleaks JSON report used as a baseline (gitleaks --baseline-path), for teams moving over:
 * entries with their secret become hash entries (line-independent); redacted ones keep gitleaks'
 * own line-based fingerprint.
 */
function loadGitleaksReport(report: unknown[], file: string, into: Suppressions): void {
  report.forEach((raw, i) => {
    const r = raw as Record<string, unknown>;
    if (typeof r?.RuleID !== 'string' || typeof r.File !== 'string') {
      throw new InputError('not a gitleaks report entry (needs RuleID and File)', { file, field: `[${i}]` });
    }
    const secret = typeof r.Secret === 'string' ? r.Secret : '';
    if (secret && !/^(?:\*+|REDACTED)$/.test(secret)) into.baseline.push({ rule: r.RuleID, path: r.File, hash: sha256(secret), reason: 'gitleaks baseline' });
    if (typeof r.Fingerprint === 'string') into.gitleaksIgnore.add(r.Fingerprint);
    if (typeof r.StartLine === 'number') into.gitleaksIgnore.add(`${r.File}:${r.RuleID}:${r.StartLine}`);
  });
}

export function loadAllowlist(file: string, into: Suppressions, now = new Date()): void {
  const doc = readStructured(file, 'allowlist') as { allow?: unknown };
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.allow)) {
    throw new InputError('allowlist must have an "allow" list', { file, hint: 'allow: [{ id: GHSA-xxxx, reason: "...", expires: 2027-01-31 }]' });
  }
  doc.allow.forEach((raw: Record<string, unknown>, i: number) => {
    const field = `allow[${i}]`;
    if (typeof raw?.id !== 'string' || !raw.id) throw new InputError('missing "id" (a rule or advisory id)', { file, field });
    if (typeof raw.reason !== 'string' || !raw.reason.trim()) {
      throw new InputError(`entry for ${raw.id} has no reason`, { file, field: `${field}.reason`, hint: 'say why the finding is accepted, so reviewers can judge it' });
    }
    const entry: AllowEntry = {
      id: raw.id,
      reason: raw.reason,
      expires: parseDate(raw.expires, file, `${field}.expires`),
      path: raw.path === undefined ? undefined : String(raw.path),
      package: raw.package === undefined ? undefined : String(raw.package),
    };
    if (isExpired(entry.expires, now)) into.expired.push(`allowlist entry ${entry.id} expired on ${entry.expires}`);
    else into.allow.push(entry);
  });
}

export function loadGitleaksIgnore(file: string, into: Suppressions): void {
  for (const line of readText(file, '.gitleaksignore').split(/\r?\n/)) {
    const entry = line.trim();
    if (entry && !entry.startsWith('#')) into.gitleaksIgnore.add(entry);
  }
}

export function loadGitleaksIgnoreIfPresent(file: string, into: Suppressions): void {
  if (fs.existsSync(file)) loadGitleaksIgnore(file, into);
}

/** Splits findings into those that still count and those an entry accepts. */
export function applySuppressions(findings: Finding[], s: Suppressions): { active: Finding[]; suppressed: SuppressedFinding[] } {
  const active: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const allowPaths = new Map(s.allow.map((a) => [a, a.path ? globToRegExp(a.path) : undefined]));
  for (const f of findings) {
    const hash = f.secretHash ?? f.fingerprint;
    const base = s.baseline.find((b) => b.rule === f.rule && b.path === f.file && b.hash === hash);
    if (base) {
      suppressed.push({ finding: f, by: 'baseline', reason: base.reason });
      continue;
    }
    const allow = s.allow.find(
      (a) =>
        (a.id === f.rule || (f.aliases ?? []).includes(a.id)) &&
        (!a.package || a.package === f.package) &&
        (!allowPaths.get(a) || allowPaths.get(a)!.test(f.file)),
    );
    if (allow) {
      suppressed.push({ finding: f, by: 'allowlist', reason: allow.reason });
      continue;
    }
    if (f.kind === 'secrets' && s.gitleaksIgnore.size && f.line !== undefined) {
      const key = `${f.file}:${f.rule}:${f.line}`;
      if (s.gitleaksIgnore.has(key) || (f.commit && s.gitleaksIgnore.has(`${f.commit}:${key}`))) {
        suppressed.push({ finding: f, by: 'gitleaksignore' });
        continue;
      }
    }
    active.push(f);
  }
  return { active, suppressed };
}

/** A baseline that accepts every given finding (no secrets or line numbers in it). */
export function baselineFor(findings: Finding[]): { version: 1; entries: BaselineEntry[] } {
  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  for (const f of findings) {
    const hash = f.secretHash ?? f.fingerprint;
    const key = `${f.rule}\0${f.file}\0${hash}`;
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push({ rule: f.rule, path: f.file, hash, reason: 'accepted when the baseline was created' });
  }
  return { version: 1, entries };
}
