// Renders the gate's record for people: the job summary / PR comment section (verdict first, then
// the numbers that decided it, then the detail behind them) and the terminal text, which carries the
// `Coverage: NN.NN%` line GitLab's `coverage:` regex reads.

import { verdictIcon, type StepOutcome } from '../platform/step';
import type { CheckResult } from './checks';
import { lineRanges } from './diff';
import type { QualityGateData } from './gate';
import { testLabel } from './tests';

const MAX_FAILURES_SHOWN = 20;
const MAX_DIFF_FILES_SHOWN = 15;

const pct = (p: number | null | undefined) => (p === null || p === undefined ? 'n/a' : `${p.toFixed(2)}%`);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function renderOutcome(data: QualityGateData, checks: readonly CheckResult[]): StepOutcome<QualityGateData> {
  const failed = data.conditions.filter((c) => c.status === 'fail');
  const title = data.verdict === 'pass' ? 'Quality gate passed' : `Quality gate failed: ${failed.map((c) => c.message).join('; ')}`;
  const coverage = data.coverage?.[data.metric];

  const md: string[] = [`## ${verdictIcon(data.verdict)} ${data.verdict === 'pass' ? 'Quality gate passed' : 'Quality gate failed'}`, ''];
  if (failed.length) md.push(...failed.map((c) => `- **${c.label}**: ${cell(c.message)}`), '');
  md.push('| Condition | Result | Measured | Required |', '|---|---|---|---|');
  for (const c of data.conditions) {
    md.push(`| ${cell(c.label)} | ${c.status === 'pass' ? '✅ pass' : c.status === 'fail' ? '❌ fail' : '⏭️ skipped'} | ${cell(c.actual)} | ${cell(c.required)} |`);
  }
  md.push('');

  if (data.tests) {
    const t = data.tests;
    md.push(`**Tests:** ${t.total} in ${t.reports.length} report(s): ${t.passed} passed, ${t.failed} failed${t.errors ? ` (${t.errors} errors)` : ''}, ${t.skipped} skipped${t.flaky ? `, ${t.flaky} flaky` : ''}; ${t.runs} runs, ${t.seconds.toFixed(1)} s.`, '');
    if (t.failures.length) {
      md.push(`### Failed tests (${t.failed})`, '');
      for (const f of t.failures.slice(0, MAX_FAILURES_SHOWN)) {
        const where = f.file ? ` — \`${f.file}${f.line ? `:${f.line}` : ''}\`` : '';
        md.push(`<details><summary>❌ ${escapeHtml(testLabel(f.classname, f.name))}${escapeHtml(where)}</summary>`, '', '```', f.message.replace(/```/g, "'''"), '```', '</details>');
      }
      if (t.failed > MAX_FAILURES_SHOWN) md.push('', `… and ${t.failed - MAX_FAILURES_SHOWN} more (see the test reports).`);
      md.push('');
    }
    if (t.flakyTests.length) {
      md.push('<details><summary>Flaky tests (passed on a retry)</summary>', '', '| Test | Attempts | Last failure |', '|---|---|---|');
      for (const f of t.flakyTests) md.push(`| ${cell(testLabel(f.classname, f.name))} | ${f.attempts} | ${cell(f.lastFailure ?? '')} |`);
      md.push('', '</details>', '');
    }
    if (t.slowest.length) {
      md.push('<details><summary>Slowest tests</summary>', '', '| Test | Seconds |', '|---|---:|');
      for (const s of t.slowest) md.push(`| ${cell(testLabel(s.classname, s.name))} | ${s.seconds.toFixed(3)} |`);
      md.push('', '</details>', '');
    }
  }

  if (data.coverage) {
    const c = data.coverage;
    const row = (name: string, f?: { covered: number; total: number; percent: number | null }) => (f ? `| ${name}${name === c.metric ? ' (gated)' : ''} | ${pct(f.percent)} | ${f.covered}/${f.total} |` : undefined);
    md.push('**Coverage**', '', '| Metric | Percent | Covered |', '|---|---:|---:|');
    for (const m of ['lines', 'branches', 'functions', 'statements'] as const) {
      const r = row(m, c[m]);
      if (r) md.push(r);
    }
    md.push('', `Measured from ${c.reports.map((r) => `\`${r.file}\` (${r.format}${r.tool ? `, ${r.tool}` : ''})`).join(', ')}.`, '');
    if (c.diff && c.diff.files.some((f) => f.uncoveredLines.length)) {
      md.push(`<details><summary>Uncovered changed lines (vs ${escapeHtml(c.diff.base)})</summary>`, '', '| File | Covered | Uncovered lines |', '|---|---:|---|');
      for (const f of c.diff.files.filter((x) => x.uncoveredLines.length).slice(0, MAX_DIFF_FILES_SHOWN)) {
        md.push(`| \`${cell(f.path)}\` | ${f.covered}/${f.total} | ${lineRanges(f.uncoveredLines)} |`);
      }
      md.push('', '</details>', '');
    }
  }

  const failedChecks = checks.filter((c) => c.status === 'failed' && c.tail.length);
  for (const c of failedChecks) {
    md.push(`<details><summary>Output of failed check \`${escapeHtml(c.name)}\` (last ${c.tail.length} lines)</summary>`, '', '```', ...c.tail.map((l) => l.replace(/```/g, "'''")), '```', '</details>', '');
  }
  if (data.warnings.length) md.push('<details><summary>Warnings</summary>', '', ...data.warnings.map((w) => `- ${cell(w)}`), '', '</details>', '');

  const text: string[] = [`${verdictIcon(data.verdict)} ${title}`];
  for (const c of data.conditions) text.push(`  ${c.status === 'pass' ? '✓' : c.status === 'fail' ? '✗' : '-'} ${c.label}: ${c.actual} (required ${c.required})`);
  for (const f of (data.tests?.failures ?? []).slice(0, MAX_FAILURES_SHOWN)) {
    text.push(`  failed: ${testLabel(f.classname, f.name)}${f.file ? ` (${f.file}${f.line ? `:${f.line}` : ''})` : ''}`);
  }
  // GitLab reads this line with coverage: '/Coverage: \d+\.\d+%/'.
  if (coverage && coverage.percent !== null) text.push(`Coverage: ${coverage.percent.toFixed(2)}%`);

  const outputs: Record<string, string> = { verdict: data.verdict };
  if (data.tests) {
    Object.assign(outputs, { 'tests-total': `${data.tests.total}`, 'tests-passed': `${data.tests.passed}`, 'tests-failed': `${data.tests.failed}`, 'tests-skipped': `${data.tests.skipped}` });
  }
  if (coverage?.percent != null) outputs.coverage = coverage.percent.toFixed(2);
  if (data.coverage?.lines?.percent != null) outputs['coverage-lines'] = data.coverage.lines.percent.toFixed(2);
  if (data.coverage?.branches?.percent != null) outputs['coverage-branches'] = data.coverage.branches.percent.toFixed(2);
  if (data.coverage?.diff?.percent != null) outputs['diff-coverage'] = data.coverage.diff.percent.toFixed(2);
  if (data.files.evidence) outputs['evidence-file'] = data.files.evidence;
  if (data.files.cobertura) outputs['cobertura-file'] = data.files.cobertura;
  if (data.files.junit) outputs['junit-file'] = data.files.junit;
  if (data.files.baseline) outputs['baseline-recorded'] = 'true';

  return {
    step: 'quality-gate',
    verdict: data.verdict,
    exitCode: data.verdict === 'pass' ? 0 : 1,
    title,
    markdown: md.join('\n').trimEnd() + '\n',
    text: text.join('\n') + '\n',
    annotations: [],
    outputs,
    data,
    commentKey: 'quality-gate',
  };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
