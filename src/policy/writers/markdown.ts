// The Markdown section for the job summary and the PR/MR comment: the verdict, which engine decided,
// and a decision per rule with the resource each finding concerns.

import { verdictIcon } from '../../platform/step';
import type { CheckReport, FileResult, PolicyTestReport } from '../types';
import { tally } from './table';

const MAX_ROWS = 100;

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function checkTitle(report: CheckReport): string {
  const s = report.summary;
  if (report.verdict === 'fail') return `Policy check failed: ${s.failures} failure${s.failures === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`;
  if (report.verdict === 'warn') return `Policy check passed with ${s.warnings} warning${s.warnings === 1 ? '' : 's'}${report.failOnWarn ? ' (failing: --fail-on-warn)' : ''}`;
  return 'Policy check passed';
}

export function checkMarkdown(report: CheckReport): string {
  const verdict = report.verdict === 'warn' && report.failOnWarn ? 'fail' : report.verdict;
  const lines = [`### ${verdictIcon(verdict)} ${checkTitle(report)}`, ''];
  const s = report.summary;
  lines.push(`${tally(report)}. Files: ${s.files} (${s.documents} document${s.documents === 1 ? '' : 's'}); namespaces: ${s.namespaces.map((n) => `\`${n}\``).join(', ')}.`, '');
  lines.push('| Rule | Decision | File | Resource | Message |', '| --- | --- | --- | --- | --- |');
  let rows = 0;
  let hidden = 0;
  const push = (row: string[]) => {
    if (rows++ < MAX_ROWS) lines.push(`| ${row.map(cell).join(' | ')} |`);
    else hidden++;
  };
  for (const r of report.results) for (const row of decisionRows(r)) push(row);
  if (rows === 0) lines.push('| (no deny/violation/warn rules in the selected namespaces) | | | | |');
  if (hidden > 0) lines.push('', `…and ${hidden} more row${hidden === 1 ? '' : 's'}; see the JSON or SARIF report for all of them.`);
  return `${lines.join('\n')}\n`;
}

function decisionRows(r: FileResult): string[][] {
  const rows: string[][] = [];
  const label = { fail: '❌ fail', warn: '⚠️ warn', pass: '✅ pass', exception: '➖ exception' } as const;
  const order = { fail: 0, warn: 1, exception: 2, pass: 3 } as const;
  for (const d of [...r.decisions].sort((a, b) => order[a.decision] - order[b.decision])) {
    const rule = `\`${d.namespace}.${d.rule}\`${d.title ? ` ${d.title}` : ''}${d.severity ? ` (${d.severity})` : ''}`;
    const findings = [...r.failures, ...r.warnings].filter((f) => f.rule === d.rule && f.namespace === d.namespace);
    if (findings.length === 0) {
      rows.push([rule, label[d.decision], r.filename, '', d.decision === 'exception' ? 'waived by an exception rule' : '']);
      continue;
    }
    for (const f of findings) rows.push([rule, label[d.decision], f.loc?.line ? `${r.filename}:${f.loc.line}` : r.filename, f.resource ? `\`${f.resource}\`` : '', f.msg]);
  }
  return rows;
}

export function testTitle(report: PolicyTestReport): string {
  const s = report.summary;
  return s.fail + s.error > 0 ? `Policy tests failed: ${s.fail} failed, ${s.error} errored of ${s.total}` : `Policy tests passed: ${s.pass} of ${s.total}`;
}

export function testMarkdown(report: PolicyTestReport): string {
  const bad = report.results.filter((t) => t.status === 'fail' || t.status === 'error');
  const lines = [`### ${verdictIcon(bad.length ? 'fail' : 'pass')} ${testTitle(report)}`, ''];
  if (bad.length) {
    lines.push('| Test | Result | Where |', '| --- | --- | --- |');
    for (const t of bad) lines.push(`| ${cell(t.name)} | ${t.status.toUpperCase()}${t.error ? `: ${cell(t.error)}` : ''} | ${cell(`${t.file}:${t.line}`)} |`);
  }
  return `${lines.join('\n')}\n`;
}
