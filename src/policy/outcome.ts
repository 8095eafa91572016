// Turns a CheckReport / PolicyTestReport into the StepOutcome every face delivers, and lists the
// report writers by format name, so the CLI and the action render exactly the same things.

import * as path from 'node:path';
import { writeFilesAtomic } from '../platform/files';
import type { StepOutcome } from '../platform/step';
import { checkPolicies, reportFails, type CheckOptions } from './check';
import type { CheckReport, PolicyTestReport } from './types';
import { checkCodeQuality } from './writers/codequality';
import { checkAnnotations, checkGithub } from './writers/github';
import { checkJUnit } from './writers/junit';
import { checkMarkdown, checkTitle, testMarkdown, testTitle } from './writers/markdown';
import { checkSarif } from './writers/sarif';
import { renderTable } from './writers/table';
import { renderTestReport } from './verify';

export const POLICY_CHECK_STEP = 'policy-check';

/** Report writers by `--format` name (json is the outcome's data, printed by the CLI runner). */
export const checkWriters: Record<string, (report: CheckReport) => string> = {
  table: renderTable,
  junit: checkJUnit,
  gitlab: checkJUnit,
  codequality: checkCodeQuality,
  sarif: (report) => checkSarif(report),
  github: checkGithub,
  markdown: checkMarkdown,
  json: (report) => `${JSON.stringify(report, null, 2)}\n`,
};

export interface PolicyCheckStepOptions extends CheckOptions {
  /** Also write SARIF (code scanning), JUnit (GitLab test report), Code Quality (GitLab MR diff) files; all or none are written. */
  sarifFile?: string;
  junitFile?: string;
  codeQualityFile?: string;
}

/** The step as both faces run it: check, write the report files, build the outcome. */
export async function policyCheckStep(options: PolicyCheckStepOptions): Promise<StepOutcome<CheckReport>> {
  const report = await checkPolicies(options);
  const cwd = options.cwd ?? process.cwd();
  const reports = [
    { kind: 'sarif', file: options.sarifFile, render: checkSarif },
    { kind: 'junit', file: options.junitFile, render: checkJUnit },
    { kind: 'codequality', file: options.codeQualityFile, render: checkCodeQuality },
  ].filter((r): r is { kind: string; file: string; render: (r: CheckReport) => string } => Boolean(r.file));
  writeFilesAtomic(reports.map((r) => ({ file: path.resolve(cwd, r.file), data: r.render(report) })));
  return checkOutcome(report, reports.map((r) => ({ path: r.file, kind: r.kind })));
}

export function checkOutcome(report: CheckReport, files: Array<{ path: string; kind: string }> = []): StepOutcome<CheckReport> {
  const failed = reportFails(report);
  return {
    step: POLICY_CHECK_STEP,
    verdict: failed ? 'fail' : report.verdict,
    exitCode: failed ? 1 : 0,
    title: checkTitle(report),
    markdown: checkMarkdown(report),
    text: renderTable(report),
    annotations: checkAnnotations(report),
    outputs: {
      verdict: failed ? 'fail' : report.verdict,
      failures: String(report.summary.failures),
      warnings: String(report.summary.warnings),
      exceptions: String(report.summary.exceptions),
      engine: report.engine,
      ...Object.fromEntries(files.map((f) => [`${f.kind}-file`, f.path])),
    },
    data: report,
    commentKey: POLICY_CHECK_STEP,
    files,
  };
}

export function testOutcome(report: PolicyTestReport, verbose: boolean): StepOutcome<PolicyTestReport> {
  const failed = report.summary.fail + report.summary.error > 0;
  return {
    step: 'policy-test',
    verdict: failed ? 'fail' : 'pass',
    exitCode: failed ? 1 : 0,
    title: testTitle(report),
    markdown: testMarkdown(report),
    text: renderTestReport(report, verbose),
    annotations: report.results
      .filter((t) => t.status === 'fail' || t.status === 'error')
      .map((t) => ({ level: 'error' as const, message: t.error ?? `${t.name} did not evaluate to true`, title: t.name, file: t.file, line: t.line })),
    outputs: { verdict: failed ? 'fail' : 'pass', passed: String(report.summary.pass), failed: String(report.summary.fail + report.summary.error) },
    data: report,
  };
}
