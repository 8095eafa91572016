// Terminal rendering (`--format table`, and the text the CLI prints by default): one row per
// finding, then a conftest-style tally and which engine decided.

import type { CheckReport, FileResult, Finding } from '../types';

const LABEL = { failure: 'FAIL', warning: 'WARN', exception: 'EXCP' } as const;

export function renderTable(report: CheckReport): string {
  const rows: string[][] = [];
  const add = (kind: keyof typeof LABEL, r: FileResult, f: Finding) => rows.push([LABEL[kind], where(f, r), r.namespace, f.msg]);
  for (const r of report.results) {
    for (const f of r.failures) add('failure', r, f);
    for (const f of r.warnings) add('warning', r, f);
    for (const f of r.exceptions) add('exception', r, f);
  }
  const lines: string[] = [];
  if (rows.length > 0) {
    const header = ['RESULT', 'FILE', 'NAMESPACE', 'MESSAGE'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (i === 3 ? 0 : row[i].length))));
    const fmt = (row: string[]) => row.map((cell, i) => (i === 3 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
    lines.push(fmt(header), fmt(widths.map((w, i) => '-'.repeat(i === 3 ? 7 : w))), ...rows.map(fmt));
    lines.push('');
  }
  lines.push(tally(report));
  return `${lines.join('\n')}\n`;
}

/** `12 tests, 9 passed, 1 warning, 2 failures, 0 exceptions (engine: builtin)` */
export function tally(report: CheckReport): string {
  const s = report.summary;
  const tests = s.successes + s.failures + s.warnings + s.exceptions;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(tests, 'test')}, ${s.successes} passed, ${plural(s.warnings, 'warning')}, ${plural(s.failures, 'failure')}, ${plural(s.exceptions, 'exception')} (engine: ${report.engine})`;
}

export function where(f: Finding, r: FileResult): string {
  const file = f.loc?.file ?? r.filename;
  return f.loc?.line ? `${file}:${f.loc.line}` : file;
}
