// The one finding model every scanner (secrets, dependencies, SAST) produces and every report
// (SARIF, GitLab JSON, Markdown summary, annotations) consumes.

import { createHash } from 'node:crypto';

export type ScanKind = 'secrets' | 'deps' | 'sast';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export interface Finding {
  kind: ScanKind;
  /** The rule id or advisory id. */
  rule: string;
  /** Short human title of the rule or advisory. */
  title: string;
  /** What was found and where, never containing a secret. */
  message: string;
  severity: Severity;
  /** Relative to the scanned root, forward slashes. */
  file: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
  /** Stable identity across runs: never depends on the line number. */
  fingerprint: string;
  /** Secrets only: the masked secret (first chars + ***) and sha256 of the real one. */
  redacted?: string;
  secretHash?: string;
  commit?: string;
  /** Dependencies only. */
  package?: string;
  version?: string;
  ecosystem?: string;
  fixedIn?: string;
  aliases?: string[];
  /** Other lockfiles of the same directory that pin the same vulnerable version. */
  alsoIn?: string[];
  cvssScore?: number;
  cvssVector?: string;
  url?: string;
  /** SAST imports: the tool that reported it. */
  tool?: string;
  help?: string;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(severity);
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return severityRank(severity) >= severityRank(threshold);
}

/** A severity label from any of the usual vocabularies (moderate = medium, note/none/unknown = info). */
export function toSeverity(raw: string): Severity | undefined {
  const value = raw.trim().toLowerCase();
  const mapped = value === 'moderate' ? 'medium' : value === 'none' || value === 'unknown' || value === 'note' ? 'info' : value;
  return (SEVERITIES as readonly string[]).includes(mapped) ? (mapped as Severity) : undefined;
}

/** CVSS-style score bands (GitHub code scanning and NVD use the same cut-offs). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** A representative score for a label, for SARIF `security-severity` when no CVSS is known. */
export function scoreForSeverity(severity: Severity): number {
  return { critical: 9.5, high: 8.0, medium: 5.5, low: 2.0, info: 0.0 }[severity];
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.rule.localeCompare(b.rule),
  );
}

/** Shows only enough of a secret to recognise it: at most 4 leading characters, never more than a quarter. */
export function maskSecret(secret: string): string {
  const keep = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, keep)}***`;
}

export function toPosix(p: string): string {
  return p.split('\\').join('/');
}
