// The workflow security checks belong to the security-scan step (`src/scan/sast/`); the audit runs
// them over every CI file a project ships instead of keeping rules of its own.

import { auditGithubWorkflow } from '../scan/sast/github';
import { auditGitlabCi } from '../scan/sast/gitlab';
import type { CiFile } from './refs';

export interface WorkflowFinding {
  rule: string;
  severity: string;
  message: string;
  file: string;
  line?: number;
}

type Auditor = (text: string, file: string) => Array<{ rule: string; severity: string; message: string; file: string; line?: number }>;

export interface WorkflowAuditors {
  github?: Auditor;
  gitlab?: Auditor;
}

const SCAN_AUDITORS: WorkflowAuditors = { github: auditGithubWorkflow, gitlab: auditGitlabCi };

/** Runs the auditors over the CI files; undefined when no auditor applies to any of them. */
export function auditWorkflows(files: CiFile[], auditors: WorkflowAuditors = SCAN_AUDITORS): WorkflowFinding[] | undefined {
  const out: WorkflowFinding[] = [];
  let ran = false;
  for (const f of files) {
    const auditor = f.platform === 'github' ? auditors.github : auditors.gitlab;
    // Composite actions are not workflows; multi-document component files are read by the scanner only.
    if (!auditor || (f.platform === 'github' && !f.file.startsWith('.github/workflows/'))) continue;
    let findings: ReturnType<Auditor>;
    try {
      findings = auditor(f.text, f.file);
    } catch {
      // Unreadable YAML is already reported by the reference scan, with its position.
      continue;
    }
    ran = true;
    for (const x of findings) out.push({ rule: x.rule, severity: x.severity.toLowerCase(), message: x.message, file: x.file || f.file, line: x.line });
  }
  return ran ? out : undefined;
}
