// `paved plan convert`, `paved plan run` and `paved apply`: the plan contract from a terminal or a
// GitLab job. They call the same step cores as the plan and apply GitHub actions.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CliContext, CommandSpec, OptionSpec } from '../cli/command';
import type { ParsedArgs } from '../cli/args';
import { TOOL_CHOICES, type ToolChoice } from './adapters';
import { convertPlanTo } from './convert';
import { applyStep, convertStep, DEFAULT_PROTECTED_ENVS, planStep } from './steps';

const tool: OptionSpec = { name: 'tool', type: 'string', choices: TOOL_CHOICES, default: 'auto', valueName: 'TOOL', description: 'the tool that wrote the plan (auto detects it from the document)' };
const env: OptionSpec = { name: 'env', type: 'string', valueName: 'ENV', env: 'PAVED_ENVIRONMENT', description: 'the environment the plan is for (recorded in the plan; passed to scripts as PAVED_ENVIRONMENT)' };
const commit: OptionSpec = { name: 'commit', type: 'string', valueName: 'SHA', description: 'the commit (default: GITHUB_SHA, CI_COMMIT_SHA, then git rev-parse HEAD)' };
const gitlabReport: OptionSpec = { name: 'gitlab-report', type: 'string', valueName: 'FILE', description: 'also write GitLab\'s artifacts:reports:terraform counters ({"create","update","delete"}) here' };
const DEFAULT_TIMEOUT_SECONDS = 3600;
const timeout: OptionSpec = { name: 'timeout', type: 'number', valueName: 'SECONDS', default: DEFAULT_TIMEOUT_SECONDS, description: 'stop the project script or tool after this long (0: never)' };

/** `-` reads the plan from standard input, spooled to a temporary file (the converter reads its input twice). */
async function withInput<T>(input: string, fn: (file: string) => Promise<T> | T): Promise<T> {
  if (input !== '-') return fn(input);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-stdin-'));
  try {
    const file = path.join(dir, 'stdin.json');
    await pipeline(process.stdin, fs.createWriteStream(file));
    return await fn(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function log(ctx: CliContext) {
  return (line: string) => ctx.face.info(line);
}

function timeoutMs(args: ParsedArgs): number {
  return (args.number('timeout') ?? DEFAULT_TIMEOUT_SECONDS) * 1000;
}

export const contractCommands: CommandSpec[] = [
  {
    path: ['plan', 'convert'],
    summary: 'convert a Terraform, OpenTofu, Pulumi or CloudFormation plan into a contract plan.json',
    description:
      'Reads `terraform show -json` / `tofu show -json` output (format 0.1 to 1.2), `pulumi preview --json` or ' +
      '`aws cloudformation describe-change-set` output, streams it (plans of hundreds of megabytes are fine), replaces every ' +
      'sensitive value by a keyed digest, validates the result against schemas/plan.schema.json and prints it, or with -o ' +
      'writes it atomically with FILE.sha256 beside it and prints the report.',
    positionals: [{ name: 'native', description: "the tool's plan JSON (- reads it from standard input)", required: true }],
    options: [
      tool,
      { name: 'output', short: 'o', type: 'string', valueName: 'FILE', description: 'write the contract plan here (and its digest to FILE.sha256) instead of printing it' },
      env,
      commit,
      { name: 'dir', type: 'string', valueName: 'DIR', default: '.', description: 'the IaC project directory to record in the plan' },
      gitlabReport,
    ],
    examples: [
      'terraform show -json tfplan | paved plan convert - -o plan.json --env staging',
      'paved plan convert preview.json --tool pulumi | jq .summary',
    ],
    run: (args, ctx) =>
      withInput(args.positional(0)!, async (input) => {
        const common = {
          cwd: ctx.cwd,
          input,
          tool: args.string('tool') as ToolChoice,
          directory: args.string('dir'),
          environment: args.string('env'),
          commit: args.string('commit'),
          env: ctx.env,
        };
        const output = args.string('output');
        if (output) return convertStep({ ...common, output, gitlabReport: args.string('gitlab-report') });
        const plan = convertPlanTo(path.resolve(ctx.cwd, input), ctx.stdout, {
          tool: common.tool,
          source: { directory: common.directory ?? '.', environment: common.environment ?? null, commit: common.commit ?? null },
          env: ctx.env,
        });
        return plan.header.errored ? 1 : 0;
      }),
  },
  {
    path: ['plan', 'run'],
    summary: "run the project's scripts/plan.sh (or terraform/tofu/pulumi), then convert, validate and report the plan",
    description:
      'The scripts contract: scripts/plan.sh runs in DIR with PLAN_JSON naming the file it must write (the tool\'s native plan ' +
      'JSON or a contract plan) and PAVED_ENVIRONMENT set. Without the script, paved drives terraform, tofu or pulumi from PATH ' +
      'and keeps the tool\'s own saved plan under DIR/.paved/ for apply. Writes plan.json, plan.json.sha256 and the report ' +
      '(job summary and sticky PR/MR comment in CI).',
    options: [
      { name: 'dir', type: 'string', valueName: 'DIR', default: '.', description: 'the IaC project directory' },
      env,
      { name: 'output', short: 'o', type: 'string', valueName: 'FILE', default: 'plan.json', description: 'where to write the contract plan' },
      tool,
      commit,
      gitlabReport,
      timeout,
    ],
    examples: ['paved plan run --dir infra --env staging -o plan.json --gitlab-report tfreport.json'],
    run: (args, ctx) =>
      planStep({
        cwd: ctx.cwd,
        directory: args.string('dir') ?? '.',
        environment: args.string('env'),
        output: args.string('output') ?? 'plan.json',
        tool: args.string('tool') as ToolChoice,
        commit: args.string('commit'),
        gitlabReport: args.string('gitlab-report'),
        timeoutMs: timeoutMs(args),
        env: ctx.env,
        log: log(ctx),
        group: (title, fn) => ctx.face.group(title, fn),
      }),
  },
  {
    path: ['apply'],
    summary: 'apply exactly the reviewed plan: refuses a changed digest, a stale commit, or unapproved deletes in protected environments',
    description:
      'Checks that the plan file\'s sha256 is the approved one, that it was made from the commit being applied and for this ' +
      'environment, that it did not error, and that it deletes or replaces nothing in a protected environment unless ' +
      '--allow-deletes is given. Then runs scripts/apply.sh with PLAN_JSON set to the reviewed plan (or applies the saved ' +
      'terraform/tofu/pulumi plan). Exit 1, with the reason, on refusal.',
    positionals: [{ name: 'plan', description: 'the reviewed contract plan.json', required: true }],
    options: [
      { name: 'approved-digest', type: 'string', valueName: 'SHA256', required: true, env: 'PAVED_APPROVED_DIGEST', description: 'the sha256 of the plan that was reviewed and approved' },
      env,
      { name: 'allow-deletes', type: 'boolean', description: 'allow deleting or replacing resources in a protected environment' },
      { name: 'protected-envs', type: 'string', valueName: 'LIST', default: DEFAULT_PROTECTED_ENVS.join(','), description: 'comma-separated environments where deletes need --allow-deletes' },
      { name: 'dir', type: 'string', valueName: 'DIR', description: 'the IaC project directory (default: the one recorded in the plan)' },
      commit,
      timeout,
    ],
    examples: ['paved apply plan.json --approved-digest "$(cut -d" " -f1 plan.json.sha256)" --env prod'],
    run: (args, ctx) =>
      applyStep({
        cwd: ctx.cwd,
        plan: args.positional(0)!,
        approvedDigest: args.requireString('approved-digest'),
        environment: args.string('env'),
        allowDeletes: args.flag('allow-deletes'),
        protectedEnvs: (args.string('protected-envs') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
        directory: args.string('dir'),
        commit: args.string('commit'),
        timeoutMs: timeoutMs(args),
        env: ctx.env,
        log: log(ctx),
        group: (title, fn) => ctx.face.group(title, fn),
      }),
  },
];
