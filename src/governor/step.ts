// The governor's steps as StepOutcomes: `audit refs` (one checkout's inventory), `audit run` (the
// portfolio audit with its reports and the registry written back), `metrics collect` and
// `metrics dashboard`. The CLI and the audit action both call these.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../platform/errors';
import { readJson, writeFilesAtomic } from '../platform/files';
import type { StepOutcome } from '../platform/step';
import { version } from '../../package.json';
import { auditRegistry, type AuditReport } from './audit';
import { collectFacts, type FactsFile } from './collect';
import { buildDashboard, renderDashboardHtml, renderDashboardMarkdown, type DashboardData } from './dashboard';
import { computeMetrics, type ProjectMetrics } from './metrics';
import type { AuditRunOptions, MetricsOptions } from './options';
import { gitlabVariables, scanRepository, type CheckoutScan } from './refs';
import { loadRegistry, selectProjects, updateRegistryText, type ComplianceStatus } from './registry';
import { LocalRepoFiles } from './repo-files';
import { renderAuditMarkdown, renderProjectSarif, statusIcon } from './report';

type Log = (line: string) => void;

// ------------------------------------------------------------------------------------ audit refs

export interface RefsOptions {
  dir: string;
  projectPath?: string;
  serverHost?: string;
  gitlabCiPath?: string;
}

export async function auditRefs(options: RefsOptions): Promise<StepOutcome<CheckoutScan & { root: string }>> {
  if (!fs.existsSync(options.dir) || !fs.statSync(options.dir).isDirectory()) {
    throw new InputError('not a directory', { file: options.dir, hint: 'give the root of a checkout' });
  }
  const origin = gitOrigin(options.dir);
  const fromOrigin = origin && !/github\.com$/i.test(origin.host) ? origin : undefined;
  const scan = await scanRepository(new LocalRepoFiles(options.dir), {
    variables: gitlabVariables({ serverHost: options.serverHost ?? fromOrigin?.host, projectPath: options.projectPath ?? fromOrigin?.path }),
    gitlabCiPath: options.gitlabCiPath,
  });
  const unresolved = scan.references.filter((r) => r.resolved === false);
  const lines = [
    `### CI references in ${path.basename(path.resolve(options.dir))}`,
    '',
    `${scan.references.length} reference(s) in ${scan.files.length} CI file(s)${unresolved.length ? `; ${unresolved.length} local reference(s) not in the checkout` : ''}.`,
    '',
    '| File | Line | Kind | Target | Ref | Pin |',
    '| --- | --: | --- | --- | --- | --- |',
    ...scan.references.map((r) => `| ${r.file} | ${r.line ?? ''} | ${r.kind} | ${r.target}${r.path ? ` → ${r.path}` : ''}${r.resolved === false ? ' (missing)' : ''} | ${r.ref ?? ''}${r.versionComment ? ` # ${r.versionComment}` : ''} | ${r.pin} |`),
  ];
  if (scan.errors.length) lines.push('', ...scan.errors.map((e) => `- ⚠️ ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`));
  return {
    step: 'audit-refs',
    verdict: scan.errors.length ? 'warn' : 'pass',
    exitCode: 0,
    title: `${scan.references.length} CI reference(s) in ${scan.files.length} file(s)`,
    markdown: `${lines.join('\n')}\n`,
    annotations: scan.errors.map((e) => ({ level: 'warning' as const, message: e.message, file: e.file, line: e.line })),
    outputs: { references: String(scan.references.length), files: String(scan.files.length) },
    data: { root: path.resolve(options.dir), ...scan },
  };
}

/** Host and project path of the checkout's `origin` remote (`git@host:group/app.git`, `https://host/group/app`). */
function gitOrigin(dir: string): { host: string; path: string } | undefined {
  let config: string;
  try {
    config = fs.readFileSync(path.join(dir, '.git', 'config'), 'utf8');
  } catch {
    return undefined;
  }
  const section = config.split(/^\[/m).find((s) => /^remote "origin"\]/.test(s));
  const url = section?.match(/^\s*url\s*=\s*(\S+)/m)?.[1];
  const m = url?.match(/^(?:[\w+]+:\/\/)?(?:[^@/]+@)?([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?\/?$/);
  return m ? { host: m[1], path: m[2] } : undefined;
}

// ------------------------------------------------------------------------------------- audit run

export async function runAudit(options: AuditRunOptions, log?: Log): Promise<StepOutcome<AuditReport>> {
  const registry = loadRegistry(options.registry);
  const projects = selectProjects(registry, options.projects);
  const report = await auditRegistry(
    { registry, now: options.now, github: options.github, gitlab: options.gitlab, checkoutRoot: options.checkouts, runtime: options.runtime, log },
    projects,
  );
  const markdown = renderAuditMarkdown(report);
  const files: Array<{ file: string; data: string; kind: string }> = [];
  if (options.outDir) {
    files.push({ file: path.join(options.outDir, 'audit.json'), data: `${JSON.stringify(report, null, 2)}\n`, kind: 'json' });
    files.push({ file: path.join(options.outDir, 'audit.md'), data: markdown, kind: 'markdown' });
    for (const p of report.projects) {
      files.push({ file: path.join(options.outDir, 'sarif', `${p.slug}.sarif`), data: `${JSON.stringify(renderProjectSarif(p, version), null, 2)}\n`, kind: 'sarif' });
    }
  }
  if (options.writeRegistry) {
    const date = options.now.toISOString().slice(0, 10);
    const results = report.projects.filter((p) => p.status !== 'unknown').map((p) => ({ slug: p.slug, date, status: p.status }));
    files.push({ file: registry.file, data: updateRegistryText(registry, results), kind: 'registry' });
  }
  writeFilesAtomic(files.map(({ file, data }) => ({ file, data })));

  const s = report.summary;
  const failing = options.failOn === 'never' ? [] : report.projects.filter((p) => p.status === 'non_compliant' || (options.failOn === 'drifting' && p.status === 'drifting'));
  const worst: ComplianceStatus = s.non_compliant ? 'non_compliant' : s.drifting ? 'drifting' : s.unknown ? 'unknown' : 'compliant';
  return {
    step: 'audit',
    verdict: failing.length ? 'fail' : worst === 'compliant' ? 'pass' : 'warn',
    exitCode: failing.length ? 1 : 0,
    title: `${statusIcon(worst)} ${s.projects} project(s): ${s.compliant} compliant, ${s.drifting} drifting, ${s.non_compliant} non-compliant, ${s.unknown} unknown`,
    markdown,
    annotations: failing.map((p) => ({ level: 'error' as const, title: `${p.slug} is ${p.status.replace('_', '-')}`, message: p.summary })),
    outputs: {
      status: worst,
      compliant: String(s.compliant),
      drifting: String(s.drifting),
      'non-compliant': String(s.non_compliant),
      unknown: String(s.unknown),
      ...(options.outDir ? { 'report-json': path.join(options.outDir, 'audit.json'), 'report-markdown': path.join(options.outDir, 'audit.md'), 'sarif-dir': path.join(options.outDir, 'sarif') } : {}),
    },
    data: report,
    files: files.map((f) => ({ path: f.file, kind: f.kind })),
  };
}

/** All projects' SARIF in one log (one run per project), for `--format sarif`. */
export function auditSarif(report: AuditReport): string {
  const runs = report.projects.flatMap((p) => (renderProjectSarif(p, version) as { runs: unknown[] }).runs);
  return `${JSON.stringify({ $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs }, null, 2)}\n`;
}

// ------------------------------------------------------------------------------------ metrics

function windowOf(options: MetricsOptions): { from: Date; to: Date } {
  return { from: new Date(options.now.getTime() - options.days * 86400_000), to: options.now };
}

async function factsFor(options: MetricsOptions, log?: Log): Promise<FactsFile> {
  if (options.facts) return readFacts(options.facts);
  if (!options.registry) throw new InputError('give --registry to collect facts, or --facts with a collected facts file', { field: '--registry' });
  const registry = loadRegistry(options.registry);
  const { from, to } = windowOf(options);
  return collectFacts({ registry, from, to, github: options.github, gitlab: options.gitlab, checkoutRoot: options.checkouts, log }, selectProjects(registry, options.projects));
}

function readFacts(file: string): FactsFile {
  const facts = readJson<FactsFile>(file, 'metrics facts file');
  const valid =
    facts && typeof facts === 'object' && facts.window && !Number.isNaN(Date.parse(facts.window.from)) && !Number.isNaN(Date.parse(facts.window.to)) && Array.isArray(facts.projects);
  if (!valid) throw new InputError('not a facts file (needs window.from, window.to and projects[])', { file, hint: 'write it with paved metrics collect --out FILE' });
  for (const [i, p] of facts.projects.entries()) {
    for (const key of ['runs', 'deployments', 'incidents', 'quality', 'scans'] as const) {
      if (!Array.isArray(p[key])) throw new InputError(`projects[${i}].${key} must be a list`, { file });
    }
  }
  return facts;
}

export async function runMetricsCollect(options: MetricsOptions, log?: Log): Promise<StepOutcome<FactsFile & { metrics: ProjectMetrics[] }>> {
  const facts = await factsFor({ ...options, facts: undefined }, log);
  const { from, to } = { from: new Date(facts.window.from), to: new Date(facts.window.to) };
  const metrics = facts.projects.map((p) => computeMetrics(p, from, to));
  if (options.out) writeFilesAtomic([{ file: options.out, data: `${JSON.stringify(facts, null, 2)}\n` }]);
  const problems = facts.projects.flatMap((p) => (p.problems ?? []).map((x) => `${p.slug}: ${x}`));
  const count = (k: 'runs' | 'deployments' | 'incidents') => facts.projects.reduce((n, p) => n + p[k].length, 0);
  return {
    step: 'metrics-collect',
    verdict: problems.length ? 'warn' : 'pass',
    exitCode: 0,
    title: `facts for ${facts.projects.length} project(s): ${count('runs')} runs, ${count('deployments')} deployments, ${count('incidents')} incidents`,
    markdown: renderDashboardMarkdown(buildDashboard(facts)),
    annotations: problems.map((message) => ({ level: 'warning' as const, message })),
    outputs: { projects: String(facts.projects.length), ...(options.out ? { facts: options.out } : {}) },
    data: { ...facts, metrics },
    files: options.out ? [{ path: options.out, kind: 'json' }] : [],
  };
}

export async function runMetricsDashboard(options: MetricsOptions, log?: Log): Promise<StepOutcome<DashboardData>> {
  if (!options.outDir) throw new InputError('an output folder is required', { field: '--out-dir', hint: 'the dashboard is written there as dashboard.html, metrics.json and metrics.md' });
  const facts = await factsFor(options, log);
  const audit = options.audit ? readAudit(options.audit) : undefined;
  const data = buildDashboard(facts, audit, options.weeks);
  const markdown = renderDashboardMarkdown(data);
  const files = [
    { file: path.join(options.outDir, 'dashboard.html'), data: renderDashboardHtml(data), kind: 'html' },
    { file: path.join(options.outDir, 'metrics.json'), data: `${JSON.stringify(data, null, 2)}\n`, kind: 'json' },
    { file: path.join(options.outDir, 'metrics.md'), data: markdown, kind: 'markdown' },
  ];
  writeFilesAtomic(files);
  const missed = Object.entries(data.portfolio).filter(([, v]) => typeof v === 'object' && v && 'met' in v && v.met === false).map(([k]) => k);
  return {
    step: 'metrics-dashboard',
    verdict: missed.length ? 'warn' : 'pass',
    exitCode: 0,
    title: `dashboard for ${data.projects.length} project(s)${missed.length ? `; targets missed: ${missed.join(', ')}` : '; all targets met'}`,
    markdown,
    annotations: [],
    outputs: { dashboard: files[0].file, 'metrics-json': files[1].file, 'targets-missed': String(missed.length) },
    data,
    files: files.map((f) => ({ path: f.file, kind: f.kind })),
  };
}

function readAudit(file: string): AuditReport {
  const audit = readJson<AuditReport>(file, 'audit report');
  if (!audit || !Array.isArray(audit.projects) || !audit.summary || !Array.isArray(audit.templateVersions)) {
    throw new InputError('not an audit report (needs summary, projects[] and templateVersions[])', { file, hint: 'write it with paved audit run --out-dir DIR (DIR/audit.json)' });
  }
  return audit;
}
