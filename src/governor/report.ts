// Writers over one AuditReport: the Markdown summary (weekly issue / job summary) and one SARIF 2.1.0
// log per project so drift and failed non-negotiables show up in each repository's code scanning.

import type { CheckResult, CheckStatus } from './checks';
import { CHECKS } from './checks';
import type { AuditedReference, AuditReport, ProjectAudit } from './audit';
import type { ComplianceStatus } from './registry';

const STATUS_ICON: Record<ComplianceStatus, string> = { compliant: '🟢', drifting: '🟡', non_compliant: '🔴', unknown: '⚪' };
const CHECK_ICON: Record<CheckStatus, string> = { pass: '✅', warn: '⚠️', fail: '❌', exempt: '💤', unknown: '❔' };
const MATRIX_CHECKS = Object.keys(CHECKS) as Array<keyof typeof CHECKS>;

export function statusIcon(status: ComplianceStatus): string {
  return STATUS_ICON[status];
}

export function renderAuditMarkdown(report: AuditReport): string {
  const s = report.summary;
  const latest = Object.entries(report.platform.latest).filter(([, v]) => v).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `## Platform audit — ${report.generatedAt.slice(0, 10)}`,
    '',
    `${s.projects} project(s): ${STATUS_ICON.compliant} ${s.compliant} compliant · ${STATUS_ICON.drifting} ${s.drifting} drifting · ${STATUS_ICON.non_compliant} ${s.non_compliant} non-compliant · ${STATUS_ICON.unknown} ${s.unknown} unknown${latest ? ` · latest release: ${latest}` : ''}`,
    '',
    '| Project | Status | Template | Why |',
    '| --- | --- | --- | --- |',
    ...report.projects.map((p) => `| ${p.slug} | ${STATUS_ICON[p.status]} ${p.status} | ${templateCell(p)} | ${escape(p.summary)} |`),
    '',
    '### Checks',
    '',
    `| Project | ${MATRIX_CHECKS.map((c) => c).join(' | ')} |`,
    `| --- | ${MATRIX_CHECKS.map(() => ':-:').join(' | ')} |`,
    ...report.projects.map((p) => `| ${p.slug} | ${MATRIX_CHECKS.map((id) => checkIcon(p.checks.find((c) => c.id === id))).join(' | ')} |`),
  ];
  if (report.templateVersions.length > 0) {
    lines.push('', '### Template versions in use', '', '| Template | Version | Drift | Projects |', '| --- | --- | --- | --- |');
    for (const t of report.templateVersions) lines.push(`| ${t.template} | ${t.version} | ${t.drift} | ${t.projects.join(', ')} |`);
  }
  const attention = report.projects.filter((p) => p.status !== 'compliant');
  if (attention.length > 0) {
    lines.push('', '### What to fix');
    for (const p of attention) {
      lines.push('', `<details><summary>${STATUS_ICON[p.status]} <b>${p.slug}</b> — ${escape(p.summary)}</summary>`, '');
      for (const c of p.checks.filter((x) => x.status === 'fail' || x.status === 'warn')) {
        lines.push(`- ${CHECK_ICON[c.status]} **${c.title}**: ${escape(c.detail)}${c.file ? ` (\`${c.file}${c.line ? `:${c.line}` : ''}\`)` : ''}`);
      }
      for (const e of p.errors) lines.push(`- 💥 ${escape(e)}`);
      lines.push('', '</details>');
    }
  }
  return `${lines.join('\n')}\n`;
}

function templateCell(p: ProjectAudit): string {
  const refs = p.references.filter((r) => r.template);
  if (refs.length === 0) return '—';
  return [...new Set(refs.map((r) => `${r.template}@${r.release ?? r.ref ?? '∅'} (${r.drift})`))].join('<br>');
}

function checkIcon(c: CheckResult | undefined): string {
  return c ? CHECK_ICON[c.status] : '—';
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

// ------------------------------------------------------------------------------------------- SARIF

const DRIFT_RULES: Record<string, { name: string; text: string; level: 'error' | 'warning' | 'note' }> = {
  'behind-major': { name: 'TemplateBehindMajor', text: 'Platform template is a major version behind the current release', level: 'error' },
  'behind-minor': { name: 'TemplateBehindMinor', text: 'Platform template is behind the current release within its major version', level: 'warning' },
  'unpinned-branch': { name: 'TemplateUnpinned', text: 'Platform template follows a branch instead of a release', level: 'error' },
  'unknown-ref': { name: 'TemplateUnknownRef', text: 'Platform template ref is not a published release', level: 'error' },
  missing: { name: 'TemplateMissing', text: 'Mandatory platform template is not included', level: 'error' },
};

/** One SARIF log for one project: a rule per check and drift class, a result per failure. */
export function renderProjectSarif(project: ProjectAudit, toolVersion: string): object {
  const rules = [
    ...Object.entries(DRIFT_RULES).map(([id, r]) => ({
      id: `paved/drift/${id}`,
      name: r.name,
      shortDescription: { text: r.text },
      defaultConfiguration: { level: r.level },
      helpUri: 'https://paved.dev/docs/governance#drift',
      properties: { tags: ['governance', 'drift'] },
    })),
    ...Object.entries(CHECKS).map(([id, title]) => ({
      id: `paved/check/${id}`,
      name: title.replace(/[^A-Za-z0-9]+/g, ''),
      shortDescription: { text: title },
      defaultConfiguration: { level: 'error' },
      helpUri: `https://paved.dev/docs/governance#${id}`,
      properties: { tags: ['governance', 'non-negotiable'] },
    })),
  ];
  const fallbackFile = project.references[0]?.file ?? project.checks.find((c) => c.file)?.file ?? '.';
  const results = [
    ...project.references.filter((r) => r.drift !== 'current').map((r) => driftResult(r)),
    ...project.checks
      .filter((c) => c.status === 'fail' || c.status === 'warn')
      .map((c) => ({
        ruleId: `paved/check/${c.id}`,
        level: c.status === 'fail' ? 'error' : 'warning',
        message: { text: `${c.title}: ${c.detail}` },
        locations: [location(c.file ?? fallbackFile, c.line)],
        partialFingerprints: { pavedCheck: `${project.slug}/${c.id}` },
      })),
  ];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'paved-governor', informationUri: 'https://paved.dev/docs/governance', version: toolVersion, rules } },
        automationDetails: { id: `paved-audit/${project.slug}/` },
        results,
      },
    ],
  };
}

function driftResult(r: AuditedReference) {
  const rule = DRIFT_RULES[r.drift];
  return {
    ruleId: `paved/drift/${r.drift}`,
    level: rule.level,
    message: { text: `${r.template}${r.ref ? `@${r.ref}` : ''}: ${r.detail}` },
    locations: [location(r.file, r.line)],
    partialFingerprints: { pavedReference: `${r.file}|${r.target}|${r.path ?? ''}` },
  };
}

function location(file: string, line?: number) {
  return {
    physicalLocation: {
      artifactLocation: { uri: file, uriBaseId: '%SRCROOT%' },
      ...(line ? { region: { startLine: line } } : {}),
    },
  };
}
