// GitLab security reports (schema 15.0.7): `secret_detection`, `dependency_scanning` (with the
// required `dependency_files`) and `sast`, one file per type, for `artifacts:reports:*`.

import type { Finding, ScanKind, Severity } from '../model';
import type { Lockfile } from '../deps/lockfiles';

export const GITLAB_SCHEMA_VERSION = '15.0.7';

export type GitlabReportType = 'secret_detection' | 'dependency_scanning' | 'sast';

export const GITLAB_REPORT: Record<ScanKind, { type: GitlabReportType; file: string; schema: string }> = {
  secrets: { type: 'secret_detection', file: 'gl-secret-detection-report.json', schema: 'secret-detection-report-format.json' },
  deps: { type: 'dependency_scanning', file: 'gl-dependency-scanning-report.json', schema: 'dependency-scanning-report-format.json' },
  sast: { type: 'sast', file: 'gl-sast-report.json', schema: 'sast-report-format.json' },
};

export interface GitlabReportMeta {
  start: Date;
  end: Date;
  version: string;
  /** The commit the scan ran on (CI_COMMIT_SHA); secret findings without a commit of their own use it. */
  commitSha: string;
}

const SEVERITY: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

function gitlabTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

/** A stable UUID-shaped id derived from the finding's fingerprint, so ids do not change between runs. */
function uuidFrom(hex: string): string {
  const h = hex.padEnd(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function identifiers(f: Finding): object[] {
  if (f.kind === 'deps') {
    return [f.rule, ...(f.aliases ?? [])].map((id) => {
      const type = id.startsWith('CVE-') ? 'cve' : id.startsWith('GHSA-') ? 'ghsa' : id.startsWith('CWE-') ? 'cwe' : 'osv';
      const url = type === 'cve' ? `https://nvd.nist.gov/vuln/detail/${id}` : `https://osv.dev/vulnerability/${id}`;
      return { type, name: id, value: id, url };
    });
  }
  const type = f.kind === 'secrets' ? 'paved_secret_rule' : f.tool && f.tool !== 'paved' ? `${f.tool.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_rule_id` : 'paved_rule';
  return [{ type, name: `${f.tool && f.tool !== 'paved' ? f.tool : 'paved'} rule ${f.rule}`.slice(0, 255), value: f.rule }];
}

function location(f: Finding, meta: GitlabReportMeta): object {
  const lines = f.line ? { start_line: f.line, end_line: f.endLine ?? f.line } : {};
  if (f.kind === 'secrets') return { file: f.file, ...lines, commit: { sha: f.commit ?? meta.commitSha } };
  if (f.kind === 'deps') return { file: f.file, dependency: { package: { name: f.package }, version: f.version } };
  return { file: f.file, ...lines };
}

export function gitlabReport(kind: ScanKind, findings: Finding[], meta: GitlabReportMeta, lockfiles: Lockfile[] = []): object {
  const spec = GITLAB_REPORT[kind];
  const tool = { name: 'paved' };
  const report: Record<string, unknown> = {
    version: GITLAB_SCHEMA_VERSION,
    schema: `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${GITLAB_SCHEMA_VERSION}/dist/${spec.schema}`,
    scan: {
      analyzer: { id: 'paved', name: 'paved security-scan', version: meta.version, vendor: tool },
      scanner: { id: `paved-${kind}`, name: `paved ${spec.type.replace('_', ' ')}`, version: meta.version, vendor: tool },
      type: spec.type,
      start_time: gitlabTime(meta.start),
      end_time: gitlabTime(meta.end),
      status: 'success',
    },
    vulnerabilities: findings.map((f) => ({
      id: uuidFrom(f.fingerprint),
      name: f.title.slice(0, 255),
      description: f.message.slice(0, 1048576),
      severity: SEVERITY[f.severity],
      ...(f.fixedIn ? { solution: `Upgrade ${f.package} to ${f.fixedIn} or later.` } : f.help ? { solution: f.help.slice(0, 7000) } : {}),
      identifiers: identifiers(f),
      ...(f.url ? { links: [{ url: f.url }] } : {}),
      ...(f.cvssVector && /^CVSS:3/.test(f.cvssVector) ? { cvss_vectors: [{ vendor: 'OSV', vector: f.cvssVector }] } : {}),
      location: location(f, meta),
    })),
  };
  if (kind === 'deps') {
    report.dependency_files = lockfiles.map((l) => ({
      path: l.file,
      package_manager: l.packageManager,
      dependencies: l.packages.map((p) => ({ package: { name: p.name }, version: p.version, direct: p.direct })),
    }));
  }
  return report;
}
