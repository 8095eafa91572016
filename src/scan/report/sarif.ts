// SARIF 2.1.0 for GitHub code scanning: one run per category (secrets, deps, sast) with its own
// `automationDetails.id`, rules carrying `security-severity`, content fingerprints that do not
// move with line numbers, and GitHub's upload limits enforced (results per run, gzip size).

import { gzipSync } from 'node:zlib';
import { scoreForSeverity, severityRank, type Finding, type ScanKind, type Severity } from '../model';

export const SARIF_LIMITS = { resultsPerRun: 25000, gzipBytes: 10 * 1024 * 1024, textChars: 1024 };

const CATEGORY: Record<ScanKind, string> = { secrets: 'secret detection', deps: 'dependency scanning', sast: 'static analysis' };

export interface ToolInfo {
  name: string;
  version: string;
  informationUri: string;
}

function level(severity: Severity): 'error' | 'warning' | 'note' {
  return severity === 'critical' || severity === 'high' ? 'error' : severity === 'medium' ? 'warning' : 'note';
}

function clip(text: string, max = SARIF_LIMITS.textChars): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function ruleName(id: string): string {
  return id.replace(/(^|[^A-Za-z0-9])([A-Za-z0-9])/g, (_m, _s, c: string) => c.toUpperCase()).slice(0, 255) || 'Rule';
}

function buildRun(kind: ScanKind, findings: Finding[], tool: ToolInfo, limit: number): object {
  const sorted = [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const kept = sorted.slice(0, limit);
  const rules: object[] = [];
  const ruleIndex = new Map<string, number>();
  const occurrences = new Map<string, number>();
  const results = kept.map((f) => {
    let index = ruleIndex.get(f.rule);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.rule, index);
      const worst = kept.filter((g) => g.rule === f.rule).reduce((s, g) => Math.max(s, g.cvssScore ?? scoreForSeverity(g.severity)), 0);
      rules.push({
        id: f.rule,
        name: ruleName(f.rule),
        shortDescription: { text: clip(f.title) },
        fullDescription: { text: clip(f.help ?? f.title) },
        defaultConfiguration: { level: level(f.severity) },
        help: { text: clip(f.help ?? f.title, 4000), markdown: clip(`**${f.title}**${f.url ? `\n\n${f.url}` : ''}${f.help ? `\n\n${f.help}` : ''}`, 4000) },
        ...(f.url ? { helpUri: f.url } : {}),
        properties: {
          tags: ['security', kind, ...(f.tool && f.tool !== 'paved' ? [f.tool] : [])].slice(0, 20),
          precision: kind === 'sast' ? 'medium' : 'high',
          'security-severity': worst.toFixed(1),
        },
      });
    }
    const n = (occurrences.get(f.fingerprint) ?? 0) + 1;
    occurrences.set(f.fingerprint, n);
    const region: Record<string, number> = { startLine: f.line ?? 1 };
    if (f.column) region.startColumn = f.column;
    if (f.endLine && f.endLine >= region.startLine) region.endLine = f.endLine;
    if (f.endColumn && f.column && (f.endLine ?? region.startLine) === region.startLine && f.endColumn >= f.column) region.endColumn = f.endColumn + 1;
    return {
      ruleId: f.rule,
      ruleIndex: index,
      level: level(f.severity),
      message: { text: clip(f.message, 4000) },
      locations: [{ physicalLocation: { artifactLocation: { uri: encodeURI(f.file), uriBaseId: '%SRCROOT%' }, region } }],
      partialFingerprints: { primaryLocationLineHash: `${f.fingerprint.slice(0, 32)}:${n}` },
      fingerprints: { 'paved/v1': f.fingerprint },
      properties: {
        severity: f.severity,
        ...(f.package ? { package: f.package, version: f.version, ecosystem: f.ecosystem, ...(f.fixedIn ? { fixedIn: f.fixedIn } : {}) } : {}),
        ...(f.redacted ? { redactedSecret: f.redacted } : {}),
      },
    };
  });
  return {
    tool: { driver: { name: tool.name, semanticVersion: tool.version, informationUri: tool.informationUri, rules } },
    automationDetails: { id: `paved/security-scan/${kind}/`, description: { text: `paved security-scan: ${CATEGORY[kind]}` } },
    columnKind: 'utf16CodeUnits',
    results,
    properties: { findings: findings.length, truncated: findings.length - kept.length },
  };
}

/** A SARIF log that fits GitHub's limits; lowest-severity results are dropped first when it does not. */
export function toSarif(findingsByKind: Partial<Record<ScanKind, Finding[]>>, tool: ToolInfo, limits = SARIF_LIMITS): object {
  const kinds = (Object.keys(findingsByKind) as ScanKind[]).sort();
  let limit = limits.resultsPerRun;
  for (;;) {
    const log = {
      $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
      version: '2.1.0',
      runs: kinds.map((k) => buildRun(k, findingsByKind[k] ?? [], tool, limit)),
    };
    const size = gzipSync(JSON.stringify(log)).length;
    if (size <= limits.gzipBytes || limit <= 1) return log;
    limit = Math.max(1, Math.floor(limit / 2));
  }
}
