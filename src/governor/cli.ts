// `paved audit refs|run`, `paved registry validate` and `paved metrics collect|dashboard`.

import * as path from 'node:path';
import type { ParsedArgs } from '../cli/args';
import type { CliContext, CommandSpec, OptionSpec } from '../cli/command';
import type { StepOutcome } from '../platform/step';
import type { AuditReport } from './audit';
import { auditRunOptions, FAIL_ON, metricsOptions, type SettingSource } from './options';
import { loadRegistry } from './registry';
import { auditRefs, auditSarif, runAudit, runMetricsCollect, runMetricsDashboard } from './step';

function source(args: ParsedArgs): SettingSource {
  return {
    string: (name) => args.string(name),
    list: (name) => args.strings(name).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean),
    number: (name) => args.number(name),
    boolean: (name, fallback) => (args.has(name) ? args.flag(name) : fallback),
    field: (name) => `--${name}`,
  };
}

const FORGE_OPTIONS: OptionSpec[] = [
  { name: 'github-token', type: 'string', valueName: 'TOKEN', env: 'GITHUB_TOKEN', description: 'token for the GitHub API (read contents, actions, deployments, issues)' },
  { name: 'gitlab-token', type: 'string', valueName: 'TOKEN', env: 'GITLAB_TOKEN', description: 'GitLab access token with read_api' },
  { name: 'github-api-url', type: 'string', valueName: 'URL', description: 'GitHub API root (default https://api.github.com, or GITHUB_API_URL)' },
  { name: 'gitlab-api-url', type: 'string', valueName: 'URL', description: 'GitLab API root (default https://gitlab.com/api/v4, or CI_API_V4_URL)' },
];

const COMMON: OptionSpec[] = [
  { name: 'project', type: 'string', multiple: true, valueName: 'SLUG', description: 'only these projects (repeat or comma-separate)' },
  { name: 'checkouts', type: 'string', valueName: 'DIR', description: 'a folder with one checkout per project, named by slug (read instead of the API)' },
  { name: 'now', type: 'string', valueName: 'DATE', description: 'the date to audit/measure as of (default: now)' },
];

const progress = (ctx: CliContext) => (line: string) => ctx.face.info(line);

export const governorCommands: CommandSpec[] = [
  {
    path: ['audit', 'refs'],
    summary: 'List every use of shared CI code in one checkout (uses:, include:, components)',
    positionals: [{ name: 'dir', description: 'the checkout to scan', required: true }],
    options: [
      { name: 'project-path', type: 'string', valueName: 'GROUP/PROJECT', description: "value of $CI_PROJECT_PATH in include addresses (default: from the checkout's origin remote)" },
      { name: 'server-host', type: 'string', valueName: 'HOST', description: "value of $CI_SERVER_FQDN / $CI_SERVER_HOST (default: the origin remote's GitLab host, else gitlab.com)" },
      { name: 'gitlab-ci', type: 'string', valueName: 'PATH', description: 'GitLab CI configuration path (default .gitlab-ci.yml)' },
    ],
    examples: ['paved audit refs . --format json', 'paved audit refs ../app --project-path acme/app --server-host gitlab.acme.dev'],
    run: (args, ctx) =>
      auditRefs({
        dir: path.resolve(ctx.cwd, args.positional(0)!),
        projectPath: args.string('project-path'),
        serverHost: args.string('server-host'),
        gitlabCiPath: args.string('gitlab-ci'),
      }),
  },
  {
    path: ['audit', 'run'],
    summary: 'Audit every registered project: template drift, non-negotiables, compliance status',
    options: [
      { name: 'registry', type: 'string', valueName: 'FILE', required: true, description: 'the project registry (YAML)' },
      ...COMMON,
      ...FORGE_OPTIONS,
      { name: 'runtime', type: 'boolean', default: true, description: "check what actually ran (GitHub referenced_workflows, GitLab CI lint); --no-runtime to skip" },
      { name: 'out-dir', type: 'string', valueName: 'DIR', description: 'write audit.json, audit.md and sarif/<slug>.sarif here' },
      { name: 'write-registry', type: 'boolean', description: 'write last_audit and compliance_status back into the registry (comments kept)' },
      { name: 'fail-on', type: 'string', valueName: 'STATUS', choices: FAIL_ON, default: 'non_compliant', description: 'exit 1 when a project is at least this bad' },
    ],
    formats: { sarif: (outcome: StepOutcome) => auditSarif(outcome.data as AuditReport) },
    examples: ['paved audit run --registry registry.yaml --out-dir audit --write-registry', 'paved audit run --registry registry.yaml --checkouts ./repos --format json'],
    run: (args, ctx) => runAudit(auditRunOptions(source(args), ctx.cwd, ctx.env), progress(ctx)),
  },
  {
    path: ['registry', 'validate'],
    summary: 'Check a project registry against its schema (errors at file:line:col)',
    positionals: [{ name: 'file', description: 'the registry YAML', required: true }],
    run: async (args, ctx) => {
      const registry = loadRegistry(path.resolve(ctx.cwd, args.positional(0)!));
      return {
        step: 'registry-validate',
        verdict: 'pass',
        exitCode: 0,
        title: `${args.positional(0)}: ${registry.projects.length} project(s), valid`,
        markdown: `✅ ${args.positional(0)} is valid: ${registry.projects.map((p) => p.slug).join(', ') || 'no projects'}\n`,
        annotations: [],
        outputs: { projects: String(registry.projects.length) },
        data: { file: registry.file, platform: registry.platform, projects: registry.projects.map(({ index: _i, ...p }) => p) },
      };
    },
  },
  {
    path: ['metrics', 'collect'],
    summary: 'Collect runs, deployments, incidents and evidence for every registered project',
    options: [
      { name: 'registry', type: 'string', valueName: 'FILE', required: true, description: 'the project registry (YAML)' },
      ...COMMON,
      ...FORGE_OPTIONS,
      { name: 'days', type: 'number', valueName: 'N', default: 90, description: 'how far back to collect' },
      { name: 'out', type: 'string', valueName: 'FILE', description: 'write the facts here (input of metrics dashboard --facts)' },
    ],
    examples: ['paved metrics collect --registry registry.yaml --days 90 --out facts.json'],
    run: (args, ctx) => runMetricsCollect(metricsOptions(source(args), ctx.cwd, ctx.env), progress(ctx)),
  },
  {
    path: ['metrics', 'dashboard'],
    summary: 'Write the cross-project dashboard (HTML) with the same numbers as JSON and Markdown',
    options: [
      { name: 'facts', type: 'string', valueName: 'FILE', description: 'facts written by metrics collect (otherwise collected now from --registry)' },
      { name: 'registry', type: 'string', valueName: 'FILE', description: 'the project registry, when collecting now' },
      { name: 'audit', type: 'string', valueName: 'FILE', description: 'audit.json from audit run, for the compliance matrix and drift chart' },
      ...COMMON,
      ...FORGE_OPTIONS,
      { name: 'days', type: 'number', valueName: 'N', default: 90, description: 'window when collecting now' },
      { name: 'weeks', type: 'number', valueName: 'N', default: 12, description: 'weeks shown in trend lines' },
      { name: 'out-dir', type: 'string', valueName: 'DIR', required: true, description: 'write dashboard.html, metrics.json and metrics.md here' },
    ],
    examples: ['paved metrics dashboard --facts facts.json --audit audit/audit.json --out-dir site'],
    run: (args, ctx) => runMetricsDashboard(metricsOptions(source(args), ctx.cwd, ctx.env), progress(ctx)),
  },
];
