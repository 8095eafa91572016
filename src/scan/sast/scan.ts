// The SAST scan: paved's own pipeline checks over every GitHub workflow and GitLab CI file under the
// root, plus findings imported from other tools' SARIF.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readText } from '../../platform/files';
import type { Finding } from '../model';
import { walkTree } from '../sources';
import { auditGithubWorkflow } from './github';
import { auditGitlabCi } from './gitlab';
import { importSarif } from './sarif-import';

export interface SastScanOptions {
  root: string;
  sarif?: string[];
  /** Extra absolute roots that file:// URIs in imported SARIF may start with. */
  sarifRoots?: string[];
  exclude?: string[];
}

export interface SastScanResult {
  findings: Finding[];
  workflows: string[];
  gitlabFiles: string[];
  imported: Array<{ file: string; results: number }>;
}

export function isGithubWorkflow(rel: string): boolean {
  return /(?:^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(rel);
}

export function isGitlabCi(rel: string): boolean {
  return /(?:^|\/)(?:[^/]+\.)?gitlab-ci\.ya?ml$/.test(rel) || /^\.gitlab-ci\.ya?ml$/.test(path.basename(rel));
}

export function scanSast(options: SastScanOptions): SastScanResult {
  const root = options.root;
  const isFile = fs.statSync(root).isFile();
  const files = walkTree(root, { exclude: options.exclude }).files;
  const result: SastScanResult = { findings: [], workflows: [], gitlabFiles: [], imported: [] };
  for (const rel of files) {
    const abs = isFile ? root : path.join(root, rel);
    if (isGithubWorkflow(isFile ? abs : rel)) {
      result.workflows.push(rel);
      result.findings.push(...auditGithubWorkflow(readText(abs, 'workflow'), rel));
    } else if (isGitlabCi(rel)) {
      result.gitlabFiles.push(rel);
      result.findings.push(...auditGitlabCi(readText(abs, 'GitLab CI file'), rel));
    }
  }
  const roots = [isFile ? path.dirname(path.resolve(root)) : path.resolve(root), ...(options.sarifRoots ?? [])];
  for (const file of options.sarif ?? []) {
    const imported = importSarif(file, roots);
    result.imported.push({ file, results: imported.length });
    result.findings.push(...imported);
  }
  return result;
}
