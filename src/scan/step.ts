// The security-scan step's core: runs the requested scans (secrets, dependencies, SAST), applies the
// baseline, allowlist and .gitleaksignore, decides the gate, and writes the reports (SARIF, GitLab
// security reports, CycloneDX SBOM) all-or-nothing. The CLI and the GitHub action both call
// `runSecurityScan` with the same options; neither knows anything the other does not.

import * as fs from 'node:fs';
import * as path from 'node:path';
import pkg from '../../package.json';
import { InputError } from '../platform/errors';
import { run } from '../platform/exec';
import { writeFilesAtomic } from '../platform/files';
import { redactJson } from '../platform/redact';
import type { StepOutcome, Verdict } from '../platform/step';
import { scanDependencies, type DepScanResult } from './deps/scan';
import { cycloneDx } from './deps/sbom';
import { atLeast, sortFindings, toSeverity, type Finding, type ScanKind, type Severity } from './model';
import { gitlabReport, GITLAB_REPORT } from './report/gitlab';
import { toSarif } from './report/sarif';
import { annotationsFor, renderMarkdown } from './report/summary';
import { scanSast, type SastScanResult } from './sast/scan';
import { scanSecrets, type SecretScanResult } from './secrets/scan';
import { findDetectSecretsBaseline, loadDetectSecretsBaseline, scanWithDetectSecrets } from './secrets/detect-secrets-scan';
import type { GitChange } from './sources';
import {
  applySuppressions,
  baselineFor,
  emptySuppressions,
  loadAllowlist,
  loadBaseline,
  loadGitleaksIgnore,
  loadGitleaksIgnoreIfPresent,
  type SuppressedFinding,
} from './suppress';

export const TOOL = { name: 'paved', version: pkg.version, informationUri: 'https://paved.dev/docs/security-scan' };

export interface SecurityScanOptions {
  /** What to scan (a directory, or one file). */
  root: string;
  scans: ScanKind[];
  /** Lowest severity that fails the gate. */
  failOn: Severity | 'never';
  config?: string;
  /** A detect-secrets `.secrets.baseline`: its plugins and filters replace the gitleaks-style rules. */
  detectSecretsBaseline?: string;
  change?: GitChange;
  exclude?: string[];
  maxFileBytes?: number;
  gitleaksIgnore?: string;
  osvDir?: string;
  osvUrl?: string;
  /** What happens when lockfiles exist but no advisory data was given. */
  onMissingAdvisories: 'fail' | 'warn';
  sarif?: string[];
  sarifRoots?: string[];
  baseline?: string;
  allowlist?: string;
  writeBaseline?: string;
  sarifOutput?: string;
  gitlabReportsDir?: string;
  sbomOutput?: string;
  commitSha?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: Date;
}

/** A finding as `--format json` prints it: no secret, no raw match, only redacted forms. */
export type FindingRecord = Omit<Finding, 'help'>;

export interface ScanData {
  verdict: Verdict;
  failOn: Severity | 'never';
  scans: ScanKind[];
  findings: FindingRecord[];
  suppressed: Array<{ rule: string; file: string; line?: number; by: SuppressedFinding['by']; reason?: string }>;
  counts: Record<Severity, number>;
  gateFailures: number;
  notes: string[];
  secrets?: Omit<SecretScanResult, 'findings'>;
  deps?: { lockfiles: Array<{ file: string; format: string; packages: number; direct: number }>; packages: number; advisorySource?: string; advisoriesAvailable: boolean };
  sast?: Omit<SastScanResult, 'findings'>;
  files: Array<{ path: string; kind: string }>;
}

export function parseFailOn(raw: string): Severity | 'never' {
  const value = raw.trim().toLowerCase();
  if (value === 'never' || value === 'none') return 'never';
  const severity = toSeverity(value);
  if (!severity || value === 'unknown' || value === 'note') {
    throw new InputError(`"${raw}" is not a severity`, { field: 'fail-on', hint: 'one of critical, high, medium, low, info, never' });
  }
  return severity;
}

export function parseScans(raw: string[]): ScanKind[] {
  const out = new Set<ScanKind>();
  for (const item of raw.flatMap((r) => r.split(/[\s,]+/)).filter(Boolean)) {
    if (item === 'all') ['secrets', 'deps', 'sast'].forEach((k) => out.add(k as ScanKind));
    else if (item === 'secrets' || item === 'deps' || item === 'sast') out.add(item);
    else if (item === 'dependencies') out.add('deps');
    else throw new InputError(`"${item}" is not a scan`, { field: 'scans', hint: 'secrets, deps, sast or all' });
  }
  if (!out.size) throw new InputError('no scan selected', { field: 'scans', hint: 'secrets, deps, sast or all' });
  return (['secrets', 'deps', 'sast'] as ScanKind[]).filter((k) => out.has(k));
}

async function headCommit(root: string): Promise<string | undefined> {
  try {
    const dir = fs.statSync(root).isFile() ? path.dirname(root) : root;
    const res = await run('git', ['-C', dir, 'rev-parse', 'HEAD'], { timeoutMs: 10000 });
    return res.exitCode === 0 ? res.stdout.trim() : undefined;
  } catch {
    return undefined;
  }
}

export async function runSecurityScan(options: SecurityScanOptions): Promise<StepOutcome<ScanData>> {
  const start = options.now ?? new Date();
  const root = path.resolve(options.root);
  if (!fs.existsSync(root)) throw new InputError('path to scan does not exist', { file: options.root, hint: 'give a directory or file that exists' });
  const suppressions = emptySuppressions();
  if (options.baseline) loadBaseline(options.baseline, suppressions, start);
  if (options.allowlist) loadAllowlist(options.allowlist, suppressions, start);
  if (options.gitleaksIgnore) loadGitleaksIgnore(options.gitleaksIgnore, suppressions);
  else if (fs.statSync(root).isDirectory()) loadGitleaksIgnoreIfPresent(path.join(root, '.gitleaksignore'), suppressions);

  const notes: string[] = [...suppressions.expired.map((e) => `Expired: ${e} (its findings count again).`)];
  const all: Finding[] = [];
  let secrets: SecretScanResult | undefined;
  let deps: DepScanResult | undefined;
  let sast: SastScanResult | undefined;
  if (options.scans.includes('secrets')) {
    const dsBaseline = findDetectSecretsBaseline(root, options.detectSecretsBaseline, options.config);
    if (dsBaseline) {
      const ds = await scanWithDetectSecrets({ root, baseline: loadDetectSecretsBaseline(dsBaseline), change: options.change, exclude: options.exclude, maxFileBytes: options.maxFileBytes });
      suppressions.baseline.push(...ds.accepted);
      secrets = ds.result;
    } else {
      secrets = await scanSecrets({ root, config: options.config, change: options.change, exclude: options.exclude, maxFileBytes: options.maxFileBytes });
    }
    all.push(...secrets.findings);
    for (const r of secrets.rejectedRules) notes.push(`Secret rule ${r.id} was not loaded: ${r.reason}.`);
    notes.push(`Secrets: ${secrets.filesScanned} ${options.change ? 'changed file(s)' : 'file(s)'} scanned with ${secrets.rules} rules from ${secrets.ruleSource}.`);
  }
  let missingAdvisories = false;
  if (options.scans.includes('deps')) {
    deps = await scanDependencies({ root, osvDir: options.osvDir, osvUrl: options.osvUrl, exclude: options.exclude, sleep: options.sleep });
    all.push(...deps.findings);
    missingAdvisories = !deps.advisorySource && deps.packages > 0;
    if (missingAdvisories) notes.push(`Dependencies: ${deps.packages} packages in ${deps.lockfiles.length} lockfile(s) were NOT checked: no advisory data (give --osv-dir or --osv-url).`);
    else if (deps.lockfiles.length === 0) notes.push('Dependencies: no lockfile found.');
    else notes.push(`Dependencies: ${deps.packages} packages in ${deps.lockfiles.length} lockfile(s) checked against ${deps.advisorySource}.`);
  }
  if (options.scans.includes('sast')) {
    sast = scanSast({ root, sarif: options.sarif, sarifRoots: options.sarifRoots, exclude: options.exclude });
    all.push(...sast.findings);
    notes.push(`SAST: ${sast.workflows.length} GitHub workflow(s), ${sast.gitlabFiles.length} GitLab CI file(s) checked; ${sast.imported.reduce((n, i) => n + i.results, 0)} result(s) imported from ${sast.imported.length} SARIF file(s).`);
  }

  const { active, suppressed } = applySuppressions(sortFindings(all), suppressions);
  const failOn = options.failOn;
  const gateFailures = failOn === 'never' ? 0 : active.filter((f) => atLeast(f.severity, failOn)).length;
  const failedOnAdvisories = missingAdvisories && options.onMissingAdvisories === 'fail';
  const verdict: Verdict = gateFailures > 0 || failedOnAdvisories ? 'fail' : active.length || missingAdvisories || suppressions.expired.length || secrets?.rejectedRules.length ? 'warn' : 'pass';
  const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<Severity, number>;
  for (const f of active) counts[f.severity]++;
  const title =
    (active.length ? `${active.length} finding(s): ${(Object.keys(counts) as Severity[]).filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(', ')}` : 'no findings') +
    (gateFailures ? ` — ${gateFailures} at or above ${failOn}` : '') +
    (missingAdvisories ? ' — dependency advisories unavailable' : '');

  // Reports: built from redacted findings, written together or not at all.
  const end = new Date();
  const writes: Array<{ file: string; data: string; kind: string }> = [];
  const byKind: Partial<Record<ScanKind, Finding[]>> = {};
  for (const k of options.scans) byKind[k] = active.filter((f) => f.kind === k);
  if (options.sarifOutput) writes.push({ file: options.sarifOutput, data: JSON.stringify(toSarif(byKind, TOOL), null, 2), kind: 'sarif' });
  if (options.gitlabReportsDir) {
    const commitSha = options.commitSha ?? (await headCommit(root)) ?? '0000000';
    const meta = { start, end, version: TOOL.version, commitSha };
    for (const k of options.scans) {
      const spec = GITLAB_REPORT[k];
      writes.push({ file: path.join(options.gitlabReportsDir, spec.file), data: JSON.stringify(gitlabReport(k, byKind[k] ?? [], meta, deps?.lockfiles), null, 2), kind: spec.type });
    }
  }
  if (options.sbomOutput) {
    if (!deps) throw new InputError('an SBOM needs the dependency scan', { field: 'sbom', hint: 'add deps to the scans' });
    writes.push({ file: options.sbomOutput, data: JSON.stringify(cycloneDx(deps.lockfiles, deps.findings, TOOL), null, 2), kind: 'cyclonedx' });
  }
  if (options.writeBaseline) writes.push({ file: options.writeBaseline, data: JSON.stringify(baselineFor(all), null, 2) + '\n', kind: 'baseline' });
  writeFilesAtomic(writes.map(({ file, data }) => ({ file, data })));
  const files = writes.map((w) => ({ path: w.file, kind: w.kind }));
  for (const f of files) notes.push(`Wrote ${f.kind} report: \`${f.path}\`.`);

  const data: ScanData = redactJson({
    verdict,
    failOn,
    scans: options.scans,
    findings: active.map(({ help: _help, ...rest }) => rest),
    suppressed: suppressed.map((s) => ({ rule: s.finding.rule, file: s.finding.file, line: s.finding.line, by: s.by, reason: s.reason })),
    counts,
    gateFailures,
    notes,
    secrets: secrets && (({ findings: _f, ...rest }) => rest)(secrets),
    deps: deps && {
      lockfiles: deps.lockfiles.map((l) => ({ file: l.file, format: l.format, packages: l.packages.length, direct: l.packages.filter((p) => p.direct).length })),
      packages: deps.packages,
      advisorySource: deps.advisorySource,
      advisoriesAvailable: !missingAdvisories,
    },
    sast: sast && (({ findings: _f, ...rest }) => rest)(sast),
    files,
  });
  const markdown = renderMarkdown({ verdict, title, kinds: options.scans, findings: active, suppressed, failOn, notes });
  return redactJson({
    step: 'security-scan',
    verdict,
    exitCode: verdict === 'fail' ? 1 : 0,
    title,
    markdown,
    annotations: annotationsFor(active, failOn),
    outputs: {
      verdict,
      findings: String(active.length),
      critical: String(counts.critical),
      high: String(counts.high),
      'gate-failures': String(gateFailures),
      'sarif-file': options.sarifOutput ?? '',
      'sbom-file': options.sbomOutput ?? '',
      'gitlab-reports-dir': options.gitlabReportsDir ?? '',
    },
    data,
    commentKey: 'security-scan',
    files,
  });
}
