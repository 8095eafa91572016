// `paved dispatch` (customer side) and `paved report prepare|plan|apply|drift` (provider side) of
// the managed-infrastructure pattern, for GitLab jobs and local use.

import type { CommandSpec, OptionSpec } from '../cli/command';
import type { ParsedArgs } from '../cli/args';
import { InputError } from '../platform/errors';
import type { ReportTarget } from './report';
import { applyReportStep, dispatchStep, driftReportStep, parseMode, parsePr, planReportStep, prepareStep, type Connection } from './steps';

const apiUrl: OptionSpec = { name: 'api-url', type: 'string', description: 'API root (default GITHUB_API_URL or https://api.github.com; on GitLab CI_API_V4_URL or https://gitlab.com/api/v4; http:// only on loopback)' };
const platform: OptionSpec = { name: 'platform', type: 'string', choices: ['github', 'gitlab'], env: 'PAVED_CUSTOMER_PLATFORM', default: 'github', description: 'where the customer repository lives' };
const target: OptionSpec[] = [
  { name: 'repository', type: 'string', env: 'PAVED_CUSTOMER_REPOSITORY', required: true, valueName: 'OWNER/NAME', description: 'the customer repository' },
  { name: 'commit', type: 'string', required: true, valueName: 'SHA', description: 'the customer commit (40 hex characters)' },
  { name: 'environment', type: 'string', required: true, description: 'the environment' },
  { name: 'mode', type: 'string', choices: ['plan', 'apply', 'drift'], description: 'plan (pull requests), apply (main) or drift (scheduled); default plan with --pr, apply without' },
  { name: 'pr', type: 'string', valueName: 'N', description: 'the customer pull request, for the sticky comment' },
  { name: 'run-url', type: 'string', valueName: 'URL', description: 'this provider run, linked from statuses and comments' },
  { name: 'token', type: 'string', env: 'PAVED_CUSTOMER_TOKEN', description: 'token on the customer repository: contents read, statuses write, pull requests write (GitLab: api scope)' },
  platform,
  apiUrl,
];

function reportTarget(args: ParsedArgs): ReportTarget {
  const pr = parsePr(args.string('pr'));
  return {
    repository: args.requireString('repository'),
    commit: args.requireString('commit'),
    environment: args.requireString('environment'),
    mode: parseMode(args.string('mode'), pr),
    pr,
    runUrl: args.string('run-url'),
  };
}

function connection(args: ParsedArgs, env: NodeJS.ProcessEnv, tokenOption = 'token'): Connection {
  const gitlab = args.string('platform') === 'gitlab';
  const fallback = gitlab ? (env.CI_API_V4_URL ?? 'https://gitlab.com/api/v4') : (env.GITHUB_API_URL ?? 'https://api.github.com');
  return { platform: gitlab ? 'gitlab' : 'github', apiUrl: args.string('api-url') ?? fallback, token: args.string(tokenOption) };
}

const dispatch: CommandSpec = {
  path: ['dispatch'],
  summary: "trigger the provider's infrastructure pipeline for this repository and wait for its verdict",
  description: 'Sends identifiers only (repository, commit, pull request, environment); the provider fetches and validates infra/variables.yml itself.',
  options: [
    { name: 'provider-repo', type: 'string', required: true, env: 'PAVED_PROVIDER_REPOSITORY', valueName: 'OWNER/NAME', description: "the provider's manager repository" },
    { name: 'workflow', type: 'string', default: 'managed-infra.yml', description: "the provider's workflow file" },
    { name: 'ref', type: 'string', default: 'main', description: "the provider's branch to run" },
    { name: 'repository', type: 'string', env: 'GITHUB_REPOSITORY', required: true, valueName: 'OWNER/NAME', description: 'this (customer) repository' },
    { name: 'commit', type: 'string', env: 'GITHUB_SHA', required: true, valueName: 'SHA', description: 'the commit to plan or apply' },
    { name: 'pr', type: 'string', valueName: 'N', description: 'the pull request (plans are commented there)' },
    { name: 'environment', type: 'string', required: true, description: 'the environment' },
    { name: 'mode', type: 'string', choices: ['plan', 'apply'], description: 'default plan with --pr, apply without' },
    { name: 'deadline', type: 'number', default: 1800, valueName: 'SECONDS', description: 'give up waiting after this long' },
    { name: 'poll', type: 'number', default: 10, valueName: 'SECONDS', description: 'between status checks of the provider run' },
    { name: 'token', type: 'string', env: 'PAVED_PROVIDER_TOKEN', description: 'token that may only dispatch to the provider repository (actions: write)' },
    { name: 'status-token', type: 'string', env: 'GITHUB_TOKEN', description: 'token that reads statuses of this repository' },
    apiUrl,
  ],
  examples: ['paved dispatch --provider-repo acme-provider/manager --environment staging --pr 42'],
  async run(args, ctx) {
    const pr = parsePr(args.string('pr'));
    const deadline = args.number('deadline')!;
    const poll = args.number('poll')!;
    if (deadline <= 0 || poll <= 0) throw new InputError('must be positive', { field: deadline <= 0 ? '--deadline' : '--poll' });
    const mode = parseMode(args.string('mode'), pr);
    return dispatchStep(
      {
        providerRepository: args.requireString('provider-repo'),
        workflow: args.string('workflow')!,
        ref: args.string('ref')!,
        repository: args.requireString('repository'),
        commit: args.requireString('commit'),
        environment: args.requireString('environment'),
        mode,
        pr,
        deadlineMs: deadline * 1000,
        pollMs: poll * 1000,
      },
      connection(args, ctx.env),
      connection(args, ctx.env, 'status-token'),
      undefined,
      (m) => ctx.face.info(m),
    );
  },
};

const prepare: CommandSpec = {
  path: ['report', 'prepare'],
  summary: "verify the customer's request, fetch and validate infra/variables.yml, write the tool's variables file",
  options: [
    ...target,
    { name: 'allowlist', type: 'string', required: true, valueName: 'FILE', description: "the provider's allow-list (customers, environments, variables and their allowed values)" },
    { name: 'variables-path', type: 'string', default: 'infra/variables.yml', description: 'where the variables file lives in the customer repository' },
    { name: 'tfvars-out', type: 'string', default: 'customer.auto.tfvars.json', valueName: 'FILE', description: 'the variables file written for the IaC tool (JSON)' },
  ],
  async run(args, ctx) {
    return prepareStep(connection(args, ctx.env), {
      target: reportTarget(args),
      allowListFile: args.requireString('allowlist'),
      variablesPath: args.string('variables-path'),
      tfvarsOut: args.string('tfvars-out')!,
      cwd: ctx.cwd,
    });
  },
};

const planReport: CommandSpec = {
  path: ['report', 'plan'],
  summary: 'post the plan summary and policy verdict to the customer: commit status and sticky PR comment',
  options: [
    ...target,
    { name: 'plan', type: 'string', required: true, valueName: 'FILE', description: 'the contract plan.json' },
    { name: 'policy', type: 'string', valueName: 'FILE', description: 'the output of paved policy check --format json' },
  ],
  async run(args, ctx) {
    return planReportStep(connection(args, ctx.env), reportTarget(args), args.requireString('plan'), args.string('policy'), ctx.cwd);
  },
};

const applyReport: CommandSpec = {
  path: ['report', 'apply'],
  summary: 'post the result of an apply to the customer',
  options: [
    ...target,
    { name: 'plan', type: 'string', required: true, valueName: 'FILE', description: 'the applied contract plan.json' },
    { name: 'outcome', type: 'string', required: true, choices: ['success', 'failure'], description: 'whether the apply succeeded' },
  ],
  async run(args, ctx) {
    return applyReportStep(connection(args, ctx.env), reportTarget(args), args.requireString('plan'), args.string('outcome') === 'success', ctx.cwd);
  },
};

const driftReport: CommandSpec = {
  path: ['report', 'drift'],
  summary: "report drift found by a scheduled plan (never applies); fails when the environment drifted",
  options: [...target, { name: 'plan', type: 'string', required: true, valueName: 'FILE', description: 'the contract plan.json of the scheduled plan' }],
  async run(args, ctx) {
    return driftReportStep(connection(args, ctx.env), { ...reportTarget(args), mode: 'drift' }, args.requireString('plan'), ctx.cwd);
  },
};

export const dispatchCommands: CommandSpec[] = [dispatch, prepare, planReport, applyReport, driftReport];
