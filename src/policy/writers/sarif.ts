// SARIF 2.1.0 for GitHub code scanning: one reporting rule per policy rule (`main/deny_public_bucket`),
// one result per finding with its input file and line, and waived rules as suppressed results.

import type { CheckReport, Finding, FileResult, RuleDecision } from '../types';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription?: { text: string };
  defaultConfiguration: { level: 'error' | 'warning' };
  properties: { namespace: string; rule: string; 'security-severity'?: string; tags?: string[] };
}

/** GitHub code scanning ranks results by `security-severity` (0-10); policy libraries annotate words. */
const SECURITY_SEVERITY: Record<string, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

export function ruleId(namespace: string, rule: string): string {
  return `${namespace.split('.').join('/')}/${rule}`;
}

/** SARIF wants URI references: forward slashes, percent-encoded where needed. */
function artifactUri(file: string): string {
  return encodeURI(file.replace(/\\/g, '/').replace(/^\.\//, ''));
}

export function checkSarif(report: CheckReport, toolVersion = '0.1.0'): string {
  const rules: SarifRule[] = [];
  const index = new Map<string, number>();
  const ruleIndex = (namespace: string, rule: string, kind: 'failure' | 'warning', about: Partial<RuleDecision> = {}) => {
    const id = ruleId(namespace, rule);
    if (!index.has(id)) {
      index.set(id, rules.length);
      const severity = about.severity ? SECURITY_SEVERITY[about.severity] : undefined;
      rules.push({
        id,
        name: rule,
        shortDescription: { text: about.title ?? `Rego rule data.${namespace}.${rule}` },
        ...(about.description ? { fullDescription: { text: about.description } } : {}),
        defaultConfiguration: { level: kind === 'failure' ? 'error' : 'warning' },
        properties: { namespace, rule, ...(severity ? { 'security-severity': severity, tags: ['security'] } : {}) },
      });
    }
    return index.get(id) as number;
  };

  const results: unknown[] = [];
  const result = (r: FileResult, f: Finding, level: 'error' | 'warning', suppressed: boolean) => {
    const i = ruleIndex(f.namespace, f.rule, level === 'error' ? 'failure' : 'warning');
    const file = f.loc?.file ?? r.filename;
    results.push({
      ruleId: rules[i].id,
      ruleIndex: i,
      level,
      message: { text: f.resource && !f.msg.includes(f.resource) ? `${f.resource}: ${f.msg}` : f.msg },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(file === '-' ? 'stdin' : file) },
            region: { startLine: f.loc?.line ?? 1 },
          },
          ...(f.resource ? { logicalLocations: [{ fullyQualifiedName: f.resource, kind: 'resource' }] } : {}),
        },
      ],
      partialFingerprints: { 'pavedPolicyFinding/v1': fingerprint(`${rules[i].id}|${file}|${f.resource ?? ''}|${f.msg}`) },
      properties: { query: f.metadata.query, ...(f.document !== undefined ? { document: f.document } : {}) },
      ...(suppressed ? { suppressions: [{ kind: 'external', justification: f.msg }] } : {}),
    });
  };
  for (const r of report.results) {
    for (const d of r.decisions) ruleIndex(d.namespace, d.rule, d.kind, d);
    for (const f of r.failures) result(r, f, 'error', false);
    for (const f of r.warnings) result(r, f, 'warning', false);
    for (const f of r.exceptions) result(r, f, r.decisions.find((d) => d.rule === f.rule)?.kind === 'warning' ? 'warning' : 'error', true);
  }

  const sarif = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'paved-policy-check', version: toolVersion, informationUri: 'https://paved.dev/docs/policy-check', rules } },
        automationDetails: { id: 'paved/policy-check/' },
        properties: { engine: report.engine },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** A short stable hash (FNV-1a, 64-bit) so code scanning tracks a finding across runs. */
function fingerprint(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, '0');
}
