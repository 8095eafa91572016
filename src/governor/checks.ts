// The non-negotiables of seed 001 ("every deployment target MUST have ...") turned into checks over
// what the audit found: the CI configuration (references and jobs), the registry's deployment
// targets, the project manifest, and the evidence the gate and deploy steps recorded.

import type { DeployEvidence, EvidenceSet } from './evidence';
import type { ManifestRead } from './manifest';
import { manifestMismatches } from './manifest';
import { tierOf, type Project } from './registry';
import type { CheckoutScan, CiReference } from './refs';
import type { RuntimeEvidence } from './sources';
import { DRIFT_SEVERITY, type DriftClass } from './versions';
import type { WorkflowFinding } from './workflow-security';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'exempt' | 'unknown';

export interface CheckResult {
  id: CheckId;
  title: string;
  status: CheckStatus;
  /** One sentence: what was found, or what to do. */
  detail: string;
  /** The facts behind the verdict (file names, jobs, records). */
  evidence: string[];
  file?: string;
  line?: number;
}

export const CHECKS = {
  'template-present': 'Mandatory platform template used',
  'template-current': 'Platform references at a current release',
  'quality-gates': 'Quality gates (lint, type-check, tests)',
  'security-scanning': 'Security scanning (SAST, secrets, dependencies)',
  'environment-separation': 'Environment separation (dev / staging / prod)',
  'health-checks': 'Post-deploy health checks',
  rollback: 'Rollback documented and tested',
  metrics: 'Metrics recorded (coverage, pipeline success)',
  'workflow-security': 'Workflow security checks',
  'runtime-evidence': 'Template seen running',
  manifest: 'Project manifest',
} as const;
export type CheckId = keyof typeof CHECKS;

export interface CheckInput {
  project: Project;
  scan: CheckoutScan;
  /** Platform references with their drift class. */
  platformRefs: Array<{ ref: CiReference; drift: DriftClass; detail: string; template: string }>;
  /** The reference that includes the registry's `ci_template`, when there is one. */
  templateRef?: CiReference;
  manifest: ManifestRead;
  evidence: EvidenceSet;
  runbookFiles: string[];
  workflowFindings?: WorkflowFinding[];
  runtime?: RuntimeEvidence | { error: string };
  /** Whether the platform (registry `platform:`) is known, so drift can be judged at all. */
  platformKnown: boolean;
  now: Date;
}

const QUALITY_PATTERNS: Record<string, RegExp> = {
  lint: /\blint\b|eslint|ruff|flake8|pylint|golangci|rubocop|stylelint|biome|markdownlint|shellcheck|actionlint/,
  'type-check': /type-?check|\btsc\b|mypy|pyright|pytype|go vet/,
  tests: /\btests?\b|pytest|jest|vitest|mocha|go test|npm test|cargo test|rspec|junit|unittest/,
};

const SECURITY_PATTERNS: Record<string, RegExp> = {
  sast: /\bsast\b|codeql|semgrep|zizmor|gosec|bandit|brakeman|security-scan|scan sast|scan all|coverage-fuzzing/,
  secrets: /secret[-_ ]?detection|gitleaks|trufflehog|detect-secrets|security-scan|scan secrets|scan all/,
  dependencies: /dependency[-_ ]?scanning|dependency-review|osv-scanner|npm audit|pip-audit|trivy|grype|snyk|security-scan|scan deps|scan all|dependabot/,
};

export function runChecks(input: CheckInput): CheckResult[] {
  const results = [
    templatePresent(input),
    templateCurrent(input),
    qualityGates(input),
    securityScanning(input),
    environmentSeparation(input),
    healthChecks(input),
    rollback(input),
    metrics(input),
    workflowSecurity(input),
    runtimeEvidence(input),
    manifestCheck(input),
  ];
  return applyExemptions(results, input.project, input.now);
}

function result(id: CheckId, status: CheckStatus, detail: string, evidence: string[] = [], at?: { file?: string; line?: number }): CheckResult {
  return { id, title: CHECKS[id], status, detail, evidence, ...(at?.file ? { file: at.file } : {}), ...(at?.line ? { line: at.line } : {}) };
}

function entryFile(scan: CheckoutScan): string | undefined {
  return scan.files.find((f) => f.via === 'entry')?.file;
}

/** Everything the pipeline says, lower-cased: job texts and reference targets. */
function pipelineText(scan: CheckoutScan): string {
  // Hidden GitLab jobs only run through `extends:`, whose text the scanner already folded into the job.
  return [...scan.jobs.filter((j) => !j.hidden).map((j) => j.text), ...scan.references.map((r) => `${r.target} ${r.path ?? ''}`.toLowerCase())].join('\n');
}

function templatePresent(i: CheckInput): CheckResult {
  const hit = i.templateRef;
  if (hit) return result('template-present', 'pass', `uses ${i.project.ciTemplate}`, [`${hit.file}:${hit.line ?? 0} ${hit.raw}`], { file: hit.file, line: hit.line });
  const others = [...new Set(i.platformRefs.map((r) => r.template))];
  return result(
    'template-present',
    'fail',
    `${i.project.ciTemplate} is not included${others.length ? ` (platform templates used: ${others.join(', ')})` : ''}; add it to the CI configuration`,
    [],
    { file: entryFile(i.scan) },
  );
}

function templateCurrent(i: CheckInput): CheckResult {
  if (!i.platformKnown) return result('template-current', 'unknown', 'the registry names no platform repository (platform.github / platform.gitlab), so drift cannot be judged');
  if (i.platformRefs.length === 0) return result('template-current', 'fail', 'no reference to the platform library at all', [], { file: entryFile(i.scan) });
  const worst = [...i.platformRefs].sort((a, b) => DRIFT_SEVERITY[b.drift] - DRIFT_SEVERITY[a.drift])[0];
  const evidence = i.platformRefs.map((r) => `${r.template}@${r.ref.ref ?? '(none)'}: ${r.drift} — ${r.detail}`);
  const at = { file: worst.ref.file, line: worst.ref.line };
  const behind = i.platformRefs.filter((r) => r.drift !== 'current').length;
  const others = behind > 1 ? ` (and ${behind - 1} more reference(s) not current)` : '';
  if (worst.drift === 'current') return result('template-current', 'pass', 'every platform reference is on the current release line', evidence, at);
  if (worst.drift === 'behind-minor') return result('template-current', 'warn', `${worst.template} is behind within its major version: ${worst.detail}${others}; bump it (Renovate/Dependabot can)`, evidence, at);
  const advice: Record<string, string> = {
    'behind-major': 'upgrade to the current major release (see the release notes for breaking changes)',
    'unpinned-branch': 'pin a release tag, or a SHA with a `# vX.Y.Z` comment',
    'unknown-ref': 'pin a published release tag or its commit SHA',
  };
  return result('template-current', 'fail', `${worst.template}: ${worst.detail}${others}; ${advice[worst.drift] ?? 'fix the reference'}`, evidence, at);
}

function found(patterns: Record<string, RegExp>, text: string): { have: string[]; missing: string[] } {
  const have = Object.keys(patterns).filter((k) => patterns[k].test(text));
  return { have, missing: Object.keys(patterns).filter((k) => !have.includes(k)) };
}

function qualityGates(i: CheckInput): CheckResult {
  const text = pipelineText(i.scan);
  const gateRef = i.scan.references.find((r) => /quality/.test(r.target.toLowerCase()) || /quality/.test((r.path ?? '').toLowerCase()));
  const last = i.evidence.quality[i.evidence.quality.length - 1];
  const evidence = last ? [`last gate evidence ${last.file}: ${last.verdict ?? 'no verdict'}${last.coverage !== undefined ? `, coverage ${last.coverage}%` : ''}`] : [];
  if (gateRef) return result('quality-gates', 'pass', `platform quality gate ${gateRef.target}${gateRef.path ? ` (${gateRef.path})` : ''}`, [...evidence, `${gateRef.file}:${gateRef.line ?? 0}`], { file: gateRef.file, line: gateRef.line });
  const { have, missing } = found(QUALITY_PATTERNS, text);
  if (missing.length === 0) return result('quality-gates', 'pass', `pipeline runs ${have.join(', ')}`, evidence);
  if (have.length === 0 && !last) return result('quality-gates', 'fail', 'no lint, type-check or test job found; include the platform quality gate', evidence, { file: entryFile(i.scan) });
  return result('quality-gates', 'warn', `found ${have.join(', ') || 'gate evidence only'}; missing ${missing.join(', ')}`, evidence, { file: entryFile(i.scan) });
}

function securityScanning(i: CheckInput): CheckResult {
  const { have, missing } = found(SECURITY_PATTERNS, pipelineText(i.scan));
  const lastScan = i.evidence.scans[i.evidence.scans.length - 1];
  const evidence = lastScan ? [`last scan ${lastScan.file}: ${lastScan.blocking} blocking of ${lastScan.total} findings`] : [];
  if (missing.length === 0) return result('security-scanning', 'pass', `pipeline runs ${have.join(', ')} scanning`, evidence);
  if (have.length === 0) return result('security-scanning', 'fail', 'no SAST, secret detection or dependency scanning found; include the platform security scan', evidence, { file: entryFile(i.scan) });
  return result('security-scanning', 'warn', `found ${have.join(', ')}; missing ${missing.join(', ')}`, evidence, { file: entryFile(i.scan) });
}

function environmentSeparation(i: CheckInput): CheckResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const evidence: string[] = [];
  const jobEnvs = new Set(i.scan.jobs.map((j) => j.environment?.toLowerCase()).filter((e): e is string => !!e && !e.includes('$')));
  for (const target of i.project.deploymentTargets) {
    const tiers = new Set(target.environments.map((e) => e.tier));
    evidence.push(`${target.type}: ${target.environments.map((e) => `${e.name} (${e.tier})`).join(', ')}`);
    if (!tiers.has('production')) problems.push(`${target.type} has no production environment`);
    if (target.environments.length < 2) problems.push(`${target.type} deploys to a single environment`);
    else if (!tiers.has('staging')) warnings.push(`${target.type} has no staging environment`);
    if (jobEnvs.size > 0) {
      const undeployed = target.environments.filter((e) => !jobEnvs.has(e.name.toLowerCase()));
      if (undeployed.length > 0) warnings.push(`no CI job declares environment ${undeployed.map((e) => e.name).join(', ')}`);
    }
  }
  if (i.project.deploymentTargets.length === 0) problems.push('the registry lists no deployment target');
  if (jobEnvs.size > 0) evidence.push(`CI environments: ${[...jobEnvs].join(', ')}`);
  if (problems.length > 0) return result('environment-separation', 'fail', problems.join('; '), evidence);
  if (warnings.length > 0) return result('environment-separation', 'warn', warnings.join('; '), evidence);
  return result('environment-separation', 'pass', 'development, staging and production are separate', evidence);
}

function productionDeploys(i: CheckInput): DeployEvidence[] {
  const prodNames = new Set(i.project.deploymentTargets.flatMap((t) => t.environments.filter((e) => e.tier === 'production').map((e) => e.name)));
  // Deploy records name tiers dev/staging/prod; the registry's names decide when they differ.
  return i.evidence.deploys.filter((d) => prodNames.has(d.environment) || tierOf(d.tier ?? d.environment) === 'production');
}

function healthChecks(i: CheckInput): CheckResult {
  const deploys = i.evidence.deploys.filter((d) => d.operation === 'deploy');
  const prod = productionDeploys(i).filter((d) => d.operation === 'deploy');
  const configured = [
    ...i.project.deploymentTargets.flatMap((t) => t.environments.filter((e) => e.healthUrl).map((e) => `${e.name}: ${e.healthUrl}`)),
    ...(i.manifest.manifest?.health_checks ?? []).map((h) => `${h.environment}: ${h.url}`),
  ];
  const last = (prod.length > 0 ? prod : deploys)[(prod.length > 0 ? prod : deploys).length - 1];
  if (last) {
    const ev = [`${last.file}: ${last.environment} ${last.outcome}, health ${last.healthChecked ? (last.healthOk ? 'passed' : 'failed') : 'not checked'}`];
    if (!last.healthChecked) return result('health-checks', 'fail', `the last deploy to ${last.environment} ran no health check`, ev, { file: last.file });
    return result('health-checks', 'pass', `the last deploy to ${last.environment} was health-checked${last.healthOk ? '' : ' (and the check failed, so it was not left live)'}`, [...ev, ...configured]);
  }
  if (configured.length > 0) return result('health-checks', 'warn', 'health checks are configured but no deploy record shows one ran', configured);
  return result('health-checks', 'fail', 'no health check configured and no deploy record; deploy with the platform deploy step (it health-checks before and after the switch)');
}

function rollback(i: CheckInput): CheckResult {
  const maxAge = i.project.rollbackTestMaxAgeDays;
  const cutoff = i.now.getTime() - maxAge * 86400_000;
  const tested = i.evidence.deploys.filter(
    (d) => ((d.operation === 'rollback' && d.outcome === 'succeeded') || d.outcome === 'rolled-back') && (d.finishedAt?.getTime() ?? 0) >= cutoff,
  );
  const documented = i.runbookFiles;
  const evidence = [...documented.map((f) => `runbook: ${f}`), ...tested.map((d) => `${d.file}: ${d.operation} ${d.outcome} in ${d.environment} at ${d.finishedAt?.toISOString()}`)];
  if (documented.length > 0 && tested.length > 0) return result('rollback', 'pass', `documented and exercised within ${maxAge} days`, evidence);
  if (documented.length > 0) return result('rollback', 'warn', `documented, but no successful rollback recorded in the last ${maxAge} days; rehearse one (paved deploy ... --rollback)`, evidence);
  if (tested.length > 0) return result('rollback', 'warn', 'rollbacks happen but no runbook is documented (docs/runbooks/rollback.md or manifest rollback.runbook)', evidence);
  return result('rollback', 'fail', 'no rollback runbook and no rollback record; document the procedure and rehearse it');
}

function metrics(i: CheckInput): CheckResult {
  const withCoverage = i.evidence.quality.filter((q) => q.coverage !== undefined);
  const last = withCoverage[withCoverage.length - 1];
  if (last) return result('metrics', 'pass', `coverage ${last.coverage}% recorded (${last.file})`, [`${withCoverage.length} gate record(s) with coverage`]);
  if (i.evidence.quality.length > 0) return result('metrics', 'warn', 'gate evidence is recorded but carries no coverage figure', i.evidence.quality.map((q) => q.file));
  return result('metrics', 'fail', `no quality evidence in ${i.evidence.dir ?? 'the evidence folder'}; run the quality gate with --evidence-dir`);
}

function workflowSecurity(i: CheckInput): CheckResult {
  if (!i.workflowFindings) return result('workflow-security', 'unknown', 'no workflow file the security checks apply to');
  const serious = i.workflowFindings.filter((f) => f.severity === 'critical' || f.severity === 'high');
  const evidence = i.workflowFindings.map((f) => `${f.file}:${f.line ?? 0} [${f.severity}] ${f.rule}: ${f.message}`);
  const first = serious[0] ?? i.workflowFindings[0];
  if (serious.length > 0) return result('workflow-security', 'fail', `${serious.length} high/critical workflow finding(s), e.g. ${first.rule}: ${first.message}`, evidence, { file: first.file, line: first.line });
  if (i.workflowFindings.length > 0) return result('workflow-security', 'warn', `${i.workflowFindings.length} lower-severity workflow finding(s)`, evidence, { file: first.file, line: first.line });
  return result('workflow-security', 'pass', `no findings in ${i.scan.files.length} CI file(s)`);
}

function runtimeEvidence(i: CheckInput): CheckResult {
  const rt = i.runtime;
  if (!rt) return result('runtime-evidence', 'unknown', 'audited from a checkout: run history not consulted');
  if ('error' in rt) return result('runtime-evidence', 'unknown', `could not read the run history: ${rt.error}`);
  const wanted = i.platformRefs.map((p) => p.ref.target.toLowerCase());
  const ran = rt.references.filter((r) => wanted.includes(r.target.toLowerCase()));
  const evidence = [...rt.references.map((r) => `${r.target}@${r.ref ?? ''}${r.sha ? ` (${r.sha.slice(0, 12)})` : ''}`), ...rt.problems];
  if (rt.problems.some((p) => /rejects/.test(p))) return result('runtime-evidence', 'fail', rt.problems.join('; '), evidence);
  if (ran.length > 0) return result('runtime-evidence', 'pass', `${rt.source === 'github-workflow-runs' ? 'ran in recent runs' : 'resolved by GitLab'}: ${[...new Set(ran.map((r) => `${r.target}@${r.ref ?? ''}`))].join(', ')}`, evidence);
  if (wanted.length === 0) return result('runtime-evidence', 'unknown', 'no platform reference to look for', evidence);
  if (rt.source === 'github-workflow-runs' && !i.platformRefs.some((p) => p.ref.kind === 'reusable-workflow')) {
    return result('runtime-evidence', 'unknown', 'GitHub records only reusable workflows in runs; the platform is used through actions', evidence);
  }
  return result('runtime-evidence', 'warn', `the platform templates in the YAML did not show up in ${rt.source === 'github-workflow-runs' ? 'recent runs' : "GitLab's merged configuration"}${rt.problems.length ? ` (${rt.problems.join('; ')})` : ''}`, evidence);
}

function manifestCheck(i: CheckInput): CheckResult {
  const m = i.manifest;
  if (!m.file) return result('manifest', 'warn', 'no .paved/manifest.yaml (or .claude/manifest.yaml) in the project');
  if (m.problems.length > 0) {
    const p = m.problems[0];
    return result('manifest', 'fail', `${m.file} is not valid: ${m.problems.map((x) => `${x.field}: ${x.message}`).join('; ')}`, [], { file: m.file, line: p.line });
  }
  const mismatches = manifestMismatches(m.manifest!, i.project);
  if (mismatches.length > 0) return result('manifest', 'warn', mismatches.join('; '), [], { file: m.file });
  return result('manifest', 'pass', `${m.file} agrees with the registry`, [], { file: m.file });
}

function applyExemptions(results: CheckResult[], project: Project, now: Date): CheckResult[] {
  const today = now.toISOString().slice(0, 10);
  return results.map((r) => {
    const ex = project.exemptions.find((e) => e.check === r.id);
    if (!ex || (r.status !== 'fail' && r.status !== 'warn')) return r;
    if (ex.expires < today) return { ...r, evidence: [...r.evidence, `exemption expired on ${ex.expires}: ${ex.reason}`] };
    return { ...r, status: 'exempt', detail: `${r.detail} — exempt until ${ex.expires}: ${ex.reason}` };
  });
}
