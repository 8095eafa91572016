// `--format github`: workflow commands, as `conftest -o github` prints them: a group per input file,
// `::error`/`::warning` lines with file and line, so findings show on the PR diff.

import type { Annotation } from '../../platform/step';
import type { CheckReport, FileResult, Finding } from '../types';

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotationsOf(r: FileResult): Annotation[] {
  const annotation = (level: Annotation['level'], f: Finding): Annotation => ({
    level,
    message: f.msg,
    title: `${f.namespace}.${f.rule}${f.resource ? ` (${f.resource})` : ''}`,
    file: f.loc?.file ?? r.filename,
    line: f.loc?.line,
  });
  return [...r.failures.map((f) => annotation('error', f)), ...r.warnings.map((f) => annotation('warning', f))];
}

/** The findings as annotations (the face delivers these on GitHub; the github format prints them). */
export function checkAnnotations(report: CheckReport): Annotation[] {
  return report.results.flatMap(annotationsOf);
}

export function checkGithub(report: CheckReport): string {
  const lines: string[] = [];
  for (const file of [...new Set(report.results.map((r) => r.filename))]) {
    const results = report.results.filter((r) => r.filename === file);
    lines.push(`::group::Testing '${escapeData(file)}' against ${results.length} namespace(s) (engine: ${report.engine})`);
    for (const a of results.flatMap(annotationsOf)) {
      const props = [`file=${escapeProperty(a.file ?? file)}`];
      if (a.line) props.push(`line=${a.line}`);
      if (a.title) props.push(`title=${escapeProperty(a.title)}`);
      lines.push(`::${a.level} ${props.join(',')}::${escapeData(a.message)}`);
    }
    lines.push(`${results.reduce((n, r) => n + r.successes, 0)} passed in ${file}`);
    lines.push('::endgroup::');
  }
  return `${lines.join('\n')}\n`;
}
