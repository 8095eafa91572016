// `paved scan secrets|deps|sast|all [PATH]`: option parsing only; the work is `runSecurityScan`,
// which the security-scan GitHub action calls with the same options.

import * as path from 'node:path';
import type { ParsedArgs } from '../cli/args';
import type { CliContext, CommandSpec, OptionSpec } from '../cli/command';
import { InputError } from '../platform/errors';
import type { StepOutcome } from '../platform/step';
import type { Finding, ScanKind } from './model';
import { toSarif } from './report/sarif';
import type { GitChange } from './sources';
import { parseFailOn, runSecurityScan, TOOL, type ScanData, type SecurityScanOptions } from './step';

const COMMON: OptionSpec[] = [
  { name: 'fail-on', type: 'string', valueName: 'SEVERITY', default: 'high', env: 'PAVED_FAIL_ON', description: 'lowest severity that fails the gate: critical, high, medium, low, info or never' },
  { name: 'baseline', type: 'string', valueName: 'FILE', description: 'accepted findings (rule, path, secret hash; optional expires), as written by --write-baseline' },
  { name: 'write-baseline', type: 'string', valueName: 'FILE', description: 'write a baseline accepting every current finding' },
  { name: 'allowlist', type: 'string', valueName: 'FILE', description: 'YAML/JSON "allow:" list of rule or advisory ids, each with a reason and optional expires/path/package' },
  { name: 'sarif-output', type: 'string', valueName: 'FILE', description: 'write SARIF 2.1.0 for GitHub code scanning' },
  { name: 'gitlab-reports', type: 'string', valueName: 'DIR', env: 'PAVED_GITLAB_REPORTS', description: 'write GitLab 15.x security reports (gl-*-report.json) into DIR' },
  { name: 'exclude', type: 'string', multiple: true, valueName: 'GLOB', description: 'leave out paths matching GLOB (relative to PATH)' },
  { name: 'commit-sha', type: 'string', valueName: 'SHA', env: 'CI_COMMIT_SHA', description: 'commit recorded in GitLab secret-detection reports (default: git HEAD)' },
];
const SECRETS: OptionSpec[] = [
  { name: 'config', type: 'string', valueName: 'FILE', description: 'gitleaks TOML config (default: PATH/.gitleaks.toml if present, else paved rules)' },
  { name: 'detect-secrets-baseline', type: 'string', valueName: 'FILE', description: 'detect-secrets .secrets.baseline: its plugins_used/filters_used select the detectors, its results are accepted (default: PATH/.secrets.baseline if present and no gitleaks config)' },
  { name: 'gitleaksignore', type: 'string', valueName: 'FILE', description: 'gitleaks fingerprint ignore file (default: PATH/.gitleaksignore if present)' },
  { name: 'diff', type: 'string', valueName: 'BASE[...HEAD]', description: 'scan only lines a change adds (merge base of BASE to HEAD); "auto" uses the PR/MR base from GITHUB_BASE_REF or CI_MERGE_REQUEST_DIFF_BASE_SHA, else the tree' },
  { name: 'log', type: 'string', valueName: 'RANGE', description: 'scan lines added by every commit in a git log range (e.g. main..HEAD)' },
  { name: 'max-file-size', type: 'number', valueName: 'MB', default: 10, description: 'skip files larger than this' },
];
const DEPS: OptionSpec[] = [
  { name: 'osv-dir', type: 'string', valueName: 'DIR', env: 'PAVED_OSV_DIR', description: 'OSV advisories: a folder of OSV JSON files or osv-scanner <ecosystem>/all.zip exports' },
  { name: 'osv-url', type: 'string', valueName: 'URL', env: 'PAVED_OSV_URL', description: 'OSV API base URL (https://api.osv.dev, or a mirror)' },
  { name: 'on-missing-advisories', type: 'string', choices: ['fail', 'warn'], default: 'fail', description: 'when lockfiles exist but no advisory data is given' },
  { name: 'sbom', type: 'string', valueName: 'FILE', description: 'write a CycloneDX 1.6 JSON SBOM' },
];
const SAST: OptionSpec[] = [
  { name: 'sarif', type: 'string', multiple: true, valueName: 'FILE', description: 'import findings from another tool\'s SARIF (Semgrep, CodeQL, ESLint, ...)' },
  { name: 'sarif-root', type: 'string', multiple: true, valueName: 'DIR', description: 'directory that absolute file:// URIs in imported SARIF start from (default PATH, GITHUB_WORKSPACE, CI_PROJECT_DIR)' },
];

/** What the options are read from: CLI arguments or action inputs, under the same names. */
export interface ScanOptionReader {
  string(name: string): string | undefined;
  strings(name: string): string[];
  number(name: string): number | undefined;
}

/** `--diff auto`: the pull/merge request's base when the CI says there is one, else the whole tree. */
function autoDiffBase(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_BASE_REF) return `origin/${env.GITHUB_BASE_REF}`;
  return env.CI_MERGE_REQUEST_DIFF_BASE_SHA || undefined;
}

function changeFrom(args: ScanOptionReader, env: NodeJS.ProcessEnv): GitChange | undefined {
  const raw = args.string('diff');
  const diff = raw === 'auto' ? autoDiffBase(env) : raw;
  const log = args.string('log');
  if (diff && log) throw new InputError('give --diff or --log, not both', { field: '--diff' });
  if (diff) return { mode: 'diff', range: diff.includes('..') ? diff : `${diff}...HEAD` };
  if (log) return { mode: 'log', range: log };
  return undefined;
}

/**
 * Translates options into the core's options (paths resolved from the working directory). The CLI
 * and the action both come through here, so the same names mean the same thing in both.
 */
export function buildScanOptions(args: ScanOptionReader, target: string | undefined, ctx: { cwd: string; env: NodeJS.ProcessEnv }, scans: ScanKind[]): SecurityScanOptions {
  const abs = (p: string | undefined) => (p ? path.resolve(ctx.cwd, p) : undefined);
  const has = (k: ScanKind) => scans.includes(k);
  const onMissing = args.string('on-missing-advisories') ?? 'fail';
  if (onMissing !== 'fail' && onMissing !== 'warn') throw new InputError(`"${onMissing}" is not fail or warn`, { field: 'on-missing-advisories' });
  return {
    root: path.resolve(ctx.cwd, target ?? '.'),
    scans,
    failOn: parseFailOn(args.string('fail-on') ?? 'high'),
    baseline: abs(args.string('baseline')),
    writeBaseline: abs(args.string('write-baseline')),
    allowlist: abs(args.string('allowlist')),
    sarifOutput: abs(args.string('sarif-output')),
    gitlabReportsDir: abs(args.string('gitlab-reports')),
    exclude: args.strings('exclude'),
    commitSha: args.string('commit-sha'),
    config: has('secrets') ? abs(args.string('config')) : undefined,
    detectSecretsBaseline: has('secrets') ? abs(args.string('detect-secrets-baseline')) : undefined,
    gitleaksIgnore: has('secrets') ? abs(args.string('gitleaksignore')) : undefined,
    change: has('secrets') ? changeFrom(args, ctx.env) : undefined,
    maxFileBytes: has('secrets') ? Math.round((args.number('max-file-size') ?? 10) * 1024 * 1024) : undefined,
    osvDir: has('deps') ? abs(args.string('osv-dir')) : undefined,
    osvUrl: has('deps') ? args.string('osv-url') : undefined,
    onMissingAdvisories: onMissing,
    sbomOutput: has('deps') ? abs(args.string('sbom')) : undefined,
    sarif: has('sast') ? args.strings('sarif').map((s) => path.resolve(ctx.cwd, s)) : undefined,
    sarifRoots: has('sast')
      ? [...args.strings('sarif-root').map((s) => path.resolve(ctx.cwd, s)), ...[ctx.env.GITHUB_WORKSPACE, ctx.env.CI_PROJECT_DIR].filter((s): s is string => !!s)]
      : undefined,
  };
}

function sarifFormat(outcome: StepOutcome): string {
  const data = outcome.data as ScanData;
  const byKind: Partial<Record<ScanKind, Finding[]>> = {};
  for (const k of data.scans) byKind[k] = data.findings.filter((f) => f.kind === k);
  return `${JSON.stringify(toSarif(byKind, TOOL), null, 2)}\n`;
}

function command(word: string, scans: ScanKind[], summary: string, options: OptionSpec[], examples: string[]): CommandSpec {
  return {
    path: ['scan', word],
    summary,
    positionals: [{ name: 'path', description: 'directory (or file) to scan; default the current directory' }],
    options: [...options, ...COMMON],
    formats: { sarif: sarifFormat },
    examples,
    run: (args: ParsedArgs, ctx: CliContext) => runSecurityScan(buildScanOptions(args, args.positional(0), ctx, scans)),
  };
}

export const scanCommands: CommandSpec[] = [
  command('secrets', ['secrets'], 'find committed secrets in the working tree or in what a change adds', SECRETS, [
    'paved scan secrets .',
    'paved scan secrets --diff origin/main --sarif-output secrets.sarif',
    'paved scan secrets --config .gitleaks.toml --baseline .paved/secrets-baseline.json',
    'paved scan secrets --detect-secrets-baseline .secrets.baseline',
  ]),
  command('deps', ['deps'], 'match lockfiles against OSV advisories; write a CycloneDX SBOM', DEPS, [
    'paved scan deps --osv-dir ~/.cache/osv --sbom sbom.cdx.json',
    'paved scan deps --osv-url https://api.osv.dev --fail-on critical',
  ]),
  command('sast', ['sast'], 'check GitHub workflows and GitLab CI files; import other tools\' SARIF', SAST, [
    'paved scan sast .',
    'paved scan sast --sarif semgrep.sarif --sarif codeql.sarif',
  ]),
  command('all', ['secrets', 'deps', 'sast'], 'run the secret, dependency and SAST scans with one gate', [...SECRETS, ...DEPS, ...SAST], [
    'paved scan all --osv-dir osv/ --sarif-output scan.sarif --gitlab-reports reports/',
  ]),
];
