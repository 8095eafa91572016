// The Markdown job summary / PR comment and the annotations of a scan: counts per category and
// severity, the worst findings first, what was accepted and why, and where the full reports are.
// Sizes stay inside GitHub's limits (1 MiB summary; annotations beyond the first few are not shown).

import { verdictIcon, type Annotation, type Verdict } from '../../platform/step';
import { atLeast, SEVERITIES, type Finding, type ScanKind, type Severity } from '../model';
import type { SuppressedFinding } from '../suppress';

export const MAX_TABLE_ROWS = 100;
export const MAX_ANNOTATIONS = 50;
const KIND_LABEL: Record<ScanKind, string> = { secrets: 'Secrets', deps: 'Dependencies', sast: 'SAST' };

export interface SummaryInput {
  verdict: Verdict;
  title: string;
  kinds: ScanKind[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
  failOn: Severity | 'never';
  notes: string[];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function location(f: Finding): string {
  return f.line ? `${f.file}:${f.line}` : f.file;
}

function detail(f: Finding): string {
  if (f.kind === 'deps') return `${f.package}@${f.version}${f.fixedIn ? ` → ${f.fixedIn}` : ''}: ${f.title}`;
  if (f.kind === 'secrets') return `${f.title}${f.redacted ? ` (\`${f.redacted}\`)` : ''}`;
  return f.message;
}

export function renderMarkdown(input: SummaryInput): string {
  const out: string[] = [`### ${verdictIcon(input.verdict)} Security scan: ${input.title}`, ''];
  out.push(`| | ${SEVERITIES.map((s) => s).join(' | ')} |`, `|---|${SEVERITIES.map(() => '---:').join('|')}|`);
  for (const kind of input.kinds) {
    const mine = input.findings.filter((f) => f.kind === kind);
    out.push(`| ${KIND_LABEL[kind]} | ${SEVERITIES.map((s) => mine.filter((f) => f.severity === s).length).join(' | ')} |`);
  }
  out.push('', input.failOn === 'never' ? 'Gate: report only (`--fail-on never`).' : `Gate: fails on **${input.failOn}** or worse.`, '');
  if (input.findings.length) {
    out.push('| Severity | Rule | Location | Detail |', '|---|---|---|---|');
    for (const f of input.findings.slice(0, MAX_TABLE_ROWS)) {
      const mark = input.failOn !== 'never' && atLeast(f.severity, input.failOn) ? '**' : '';
      out.push(`| ${mark}${f.severity}${mark} | \`${cell(f.rule)}\` | \`${cell(location(f))}\` | ${cell(detail(f)).slice(0, 300)} |`);
    }
    if (input.findings.length > MAX_TABLE_ROWS) out.push('', `…and ${input.findings.length - MAX_TABLE_ROWS} more findings: see the SARIF / JSON report.`);
    out.push('');
  }
  if (input.suppressed.length) {
    out.push(`<details><summary>${input.suppressed.length} accepted finding(s)</summary>`, '', '| Rule | Location | Accepted by | Reason |', '|---|---|---|---|');
    for (const s of input.suppressed.slice(0, MAX_TABLE_ROWS)) out.push(`| \`${cell(s.finding.rule)}\` | \`${cell(location(s.finding))}\` | ${s.by} | ${cell(s.reason ?? '')} |`);
    out.push('', '</details>', '');
  }
  for (const note of input.notes) out.push(`- ${note}`);
  return out.join('\n').trimEnd() + '\n';
}

export function annotationsFor(findings: Finding[], failOn: Severity | 'never'): Annotation[] {
  return findings.slice(0, MAX_ANNOTATIONS).map((f) => ({
    level: failOn !== 'never' && atLeast(f.severity, failOn) ? 'error' : 'warning',
    title: `${f.severity}: ${f.rule}`.slice(0, 200),
    message: f.message,
    file: f.file,
    line: f.line,
    endLine: f.endLine,
    column: f.column,
  }));
}
