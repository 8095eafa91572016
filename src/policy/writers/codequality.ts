// GitLab Code Quality report (`artifacts:reports:codequality`): findings show inline on the merge
// request diff. Failures are `major`, warnings `minor`; exceptions are left out (they were waived).

import { createHash } from 'node:crypto';
import type { CheckReport, FileResult, Finding } from '../types';

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: 'info' | 'minor' | 'major' | 'critical' | 'blocker';
  location: { path: string; lines: { begin: number } };
}

export function checkCodeQuality(report: CheckReport): string {
  const issues: CodeQualityIssue[] = [];
  const add = (r: FileResult, f: Finding, severity: CodeQualityIssue['severity']) => {
    const file = f.loc?.file ?? r.filename;
    const checkName = `${f.namespace}.${f.rule}`;
    issues.push({
      description: f.msg,
      check_name: checkName,
      fingerprint: createHash('md5').update(`${checkName}|${file}|${f.resource ?? ''}|${f.msg}`).digest('hex'),
      severity,
      location: { path: file === '-' ? 'stdin' : file, lines: { begin: f.loc?.line ?? 1 } },
    });
  };
  for (const r of report.results) {
    for (const f of r.failures) add(r, f, 'major');
    for (const f of r.warnings) add(r, f, 'minor');
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
}
