// The plan and apply steps' cores: what `paved plan convert|run`, `paved apply` and the plan/apply
// GitHub actions all call with the same inputs. Each returns one StepOutcome for the face to deliver.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFilesAtomic } from '../platform/files';
import { GateFailure, InputError } from '../platform/errors';
import type { Annotation, StepOutcome } from '../platform/step';
import { readPlan, type ToolChoice } from './adapters';
import { fileDigest, stagePlan, type ConvertedPlan } from './convert';
import { applyProject, currentCommit, producePlan, projectDir, type Group, type Log } from './project';
import { planMarkdown, planTitle } from './report';
import { brief, isDestructive, SummaryBuilder, type ChangeBrief } from './summary';
import type { PlanHeader, PlanSource, ToolName } from './types';
import { SensitiveHasher } from './values';

export interface PlanOutputs {
  /** Relative paths (files and directories alike) are resolved from here. */
  cwd: string;
  /** Where the contract plan goes; `<output>.sha256` is written beside it. */
  output: string;
  /** Also write GitLab's `artifacts:reports:terraform` counters here. */
  gitlabReport?: string;
}

export interface ConvertStepInput extends PlanOutputs {
  input: string;
  tool: ToolChoice;
  directory?: string;
  environment?: string;
  commit?: string;
  env: NodeJS.ProcessEnv;
}

export interface PlanStepInput extends PlanOutputs {
  directory: string;
  environment?: string;
  tool: ToolChoice;
  commit?: string;
  timeoutMs?: number;
  env: NodeJS.ProcessEnv;
  log: Log;
  group?: Group;
}

export interface ApplyStepInput {
  cwd: string;
  plan: string;
  approvedDigest: string;
  environment?: string;
  allowDeletes: boolean;
  protectedEnvs: string[];
  directory?: string;
  commit?: string;
  timeoutMs?: number;
  env: NodeJS.ProcessEnv;
  log: Log;
  group?: Group;
}

export const DEFAULT_PROTECTED_ENVS = ['prod', 'production'];

/** `paved plan convert`: a native plan file in, a contract plan (+ digest, + GitLab report) out. */
export async function convertStep(input: ConvertStepInput): Promise<StepOutcome> {
  const directory = input.directory ?? '.';
  const source: PlanSource = {
    directory,
    environment: input.environment ?? null,
    commit: await currentCommit(input.commit, path.resolve(input.cwd, directory), input.env),
  };
  const plan = writePlan(path.resolve(input.cwd, input.input), input.tool, source, input, input.env);
  return planOutcome(plan, input);
}

/** `paved plan run`: run the project's plan script (or its tool), convert, validate, write, report. */
export async function planStep(input: PlanStepInput): Promise<StepOutcome> {
  const directory = projectDir(path.resolve(input.cwd, input.directory), input.directory);
  const environment = input.environment ?? null;
  const commit = await currentCommit(input.commit, directory, input.env);
  const native = await producePlan({ directory, environment, env: input.env, log: input.log, group: input.group, timeoutMs: input.timeoutMs }, input.tool);
  try {
    const source: PlanSource = {
      directory: input.directory,
      environment,
      commit,
      ...(native.planFile && { plan_file: native.planFile, plan_file_sha256: fileDigest(path.join(directory, native.planFile)) }),
    };
    return planOutcome(writePlan(native.file, native.tool, source, input, input.env), input);
  } finally {
    native.cleanup();
  }
}

/** Converts, then writes the plan, its digest file and the GitLab report all-or-nothing. */
function writePlan(file: string, tool: ToolChoice, source: PlanSource, out: PlanOutputs, env: NodeJS.ProcessEnv): ConvertedPlan {
  const output = path.resolve(out.cwd, out.output);
  const { staged, plan } = stagePlan(file, path.dirname(output), { tool, source, env });
  const companions = [{ file: digestFile(output), data: `${plan.digest}  ${path.basename(output)}\n` }];
  if (out.gitlabReport) companions.push({ file: path.resolve(out.cwd, out.gitlabReport), data: `${JSON.stringify(plan.gitlab)}\n` });
  try {
    writeFilesAtomic(companions);
    try {
      staged.commit(output);
    } catch (err) {
      for (const c of companions) fs.rmSync(c.file, { force: true });
      throw err;
    }
  } finally {
    staged.discard();
  }
  return plan;
}

export function digestFile(planPath: string): string {
  return `${planPath}.sha256`;
}

function planOutcome(plan: ConvertedPlan, out: PlanOutputs): StepOutcome {
  const { header } = plan;
  const s = header.summary;
  const annotations: Annotation[] = header.diagnostics
    .filter((d) => d.severity !== 'info')
    .slice(0, 10)
    .map((d) => ({ level: d.severity === 'error' ? 'error' : 'warning', title: 'plan', message: d.message }));
  if (s.destructive) {
    const names = plan.notable.filter(isDestructive).slice(0, 5).map((c) => c.address);
    annotations.push({ level: 'warning', title: 'destructive plan', message: `${s.destructive} resource(s) destroyed or replaced: ${names.join(', ')}${s.destructive > names.length ? ', …' : ''}` });
  }
  const files = [
    { path: out.output, kind: 'plan' },
    { path: digestFile(out.output), kind: 'digest' },
    ...(out.gitlabReport ? [{ path: out.gitlabReport, kind: 'terraform' }] : []),
  ];
  return {
    step: 'plan',
    verdict: header.errored ? 'fail' : s.destructive ? 'warn' : 'pass',
    exitCode: header.errored ? 1 : 0,
    title: planTitle(header),
    markdown: planMarkdown({ ...plan, planPath: out.output }),
    annotations,
    outputs: {
      'plan-path': out.output,
      digest: plan.digest,
      'create-count': String(s.create),
      'update-count': String(s.update),
      'replace-count': String(s.replace),
      'delete-count': String(s.delete),
      'has-changes': String(s.has_changes),
      'has-deletes': String(s.has_deletes),
      ...(out.gitlabReport && { 'gitlab-report': out.gitlabReport }),
    },
    data: { plan: out.output, digest: plan.digest, bytes: plan.bytes, ...header, gitlab: plan.gitlab, notable: plan.notable },
    commentKey: `plan:${header.source.environment ?? 'default'}`,
    files,
  };
}

/** Reads a contract plan's header and destructive changes without holding the whole plan. */
export function inspectPlan(file: string): { header: PlanHeader; destructive: ChangeBrief[] } {
  const summary = new SummaryBuilder();
  const destructive: ChangeBrief[] = [];
  const read = readPlan(
    {
      file,
      hasher: SensitiveHasher.forInspection(),
      sink: {
        change: (c) => {
          summary.add(c);
          if (isDestructive(c)) destructive.push(brief(c));
        },
        drift: (c) => summary.addDrift(c),
      },
    },
    'auto',
  );
  if (!read.contract) {
    throw new InputError(`not a contract plan (it is a ${read.tool.name} plan)`, { file, hint: 'apply takes the plan.json written by "paved plan run" or "paved plan convert"' });
  }
  return { header: { ...read.contract, summary: summary.result(read.toolReported) }, destructive };
}

/** `paved apply`: refuse anything but exactly the reviewed plan, then apply it. */
export async function applyStep(input: ApplyStepInput): Promise<StepOutcome> {
  // Also accepts a line of plan.json.sha256 ("<hex>  plan.json") and a "sha256:" prefix.
  const approved = (input.approvedDigest.trim().split(/\s+/)[0] ?? '').toLowerCase().replace(/^sha256:/, '');
  if (!/^[0-9a-f]{64}$/.test(approved)) {
    throw new InputError('is not a sha256 digest (64 hex characters)', { field: '--approved-digest', hint: 'pass the digest output of the plan step (or the first word of plan.json.sha256)' });
  }
  const planPath = path.resolve(input.cwd, input.plan);
  const digest = fileDigest(planPath);
  if (digest !== approved) {
    return refusal(input, null, `the plan file's digest ${digest} differs from the approved ${approved}: it is not the plan that was reviewed`, 'Make a new plan and have it reviewed; never edit plan.json after review.');
  }
  const { header, destructive } = inspectPlan(planPath);
  const env = input.environment ?? header.source.environment;
  if (input.environment && header.source.environment && input.environment !== header.source.environment) {
    return refusal(input, header, `the plan was made for environment "${header.source.environment}", not "${input.environment}"`, 'Plan for the environment you apply to.');
  }
  const dirName = input.directory ?? header.source.directory;
  const directory = projectDir(path.resolve(input.cwd, dirName), dirName);
  const commit = await currentCommit(input.commit, directory, input.env);
  const planned = header.source.commit?.toLowerCase() ?? null;
  if (planned !== commit && (planned === null || commit === null || !(planned.startsWith(commit) || commit.startsWith(planned)))) {
    const why =
      planned === null
        ? `the plan records no commit, so it cannot be shown to match commit ${commit}`
        : commit === null
          ? `the plan was made from commit ${planned}, and the commit being applied is unknown`
          : `the plan was made from commit ${planned}, but commit ${commit} is being applied`;
    return refusal(input, header, why, 'Re-run the plan on the commit you apply (a stale plan may undo newer changes).');
  }
  if (header.errored) return refusal(input, header, 'the plan errored: its change list may be incomplete', 'Fix the plan errors and plan again.');
  if (!header.applyable) return refusal(input, header, 'the tool marked this plan as not applyable', 'See the plan diagnostics.');
  const protectedEnv = env !== null && input.protectedEnvs.some((p) => p.toLowerCase() === env.toLowerCase());
  if (protectedEnv && header.summary.destructive > 0 && !input.allowDeletes) {
    const names = destructive.slice(0, 10).map((c) => `${c.address} (${c.maybe_replace ? 'may be replaced' : c.action})`);
    return refusal(
      input,
      header,
      `the plan destroys or may destroy ${header.summary.destructive} resource(s) in protected environment "${env}": ${names.join(', ')}${destructive.length > names.length ? ', …' : ''}`,
      'Re-run with --allow-deletes (input allow-deletes) once the deletions are intended.',
    );
  }

  await applyProject(
    { directory, environment: env, env: input.env, log: input.log, group: input.group, timeoutMs: input.timeoutMs },
    { file: planPath, digest, tool: header.tool.name as ToolName, planFile: checkedSavedPlan(header, directory) },
  );
  const s = header.summary;
  return {
    step: 'apply',
    verdict: 'pass',
    exitCode: 0,
    title: `Applied plan ${digest.slice(0, 12)}${env ? ` to ${env}` : ''}: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted`,
    markdown: `### ✅ Applied${env ? ` to \`${env}\`` : ''}\n\nPlan \`${input.plan}\` sha256 \`${digest}\`${header.source.commit ? ` from commit \`${header.source.commit.slice(0, 12)}\`` : ''}: ${s.create} created, ${s.update} updated, ${s.replace} replaced, ${s.delete} deleted.\n`,
    annotations: [],
    outputs: { applied: 'true', digest, 'plan-path': input.plan, 'has-deletes': String(s.has_deletes) },
    data: { applied: true, plan: input.plan, digest, environment: env, commit, summary: s },
  };
}

/** The tool's saved plan, checked against the digest recorded at plan time. */
function checkedSavedPlan(header: PlanHeader, directory: string): string | undefined {
  const planFile = header.source.plan_file;
  if (!planFile || fs.existsSync(path.join(directory, 'scripts', 'apply.sh'))) return planFile;
  const full = path.join(directory, planFile);
  if (!fs.existsSync(full)) throw new InputError(`the saved ${header.tool.name} plan ${planFile} is missing`, { file: full, hint: 'pass it from the plan job to the apply job as an artifact together with plan.json' });
  if (header.source.plan_file_sha256 && fileDigest(full) !== header.source.plan_file_sha256) {
    throw new GateFailure(`the saved ${header.tool.name} plan ${planFile} differs from the one recorded in the reviewed plan`, { file: full, hint: 'make a new plan; the saved plan must travel unchanged with plan.json' });
  }
  return planFile;
}

function refusal(input: ApplyStepInput, header: PlanHeader | null, reason: string, hint: string): StepOutcome {
  const env = input.environment ?? header?.source.environment ?? null;
  return {
    step: 'apply',
    verdict: 'fail',
    exitCode: 1,
    title: `Refused to apply${env ? ` to ${env}` : ''}: ${reason}`,
    markdown: `### ❌ Apply refused${env ? ` (\`${env}\`)` : ''}\n\n**Reason:** ${reason}.\n\n${hint}\n`,
    annotations: [{ level: 'error', title: 'apply refused', message: reason }],
    outputs: { applied: 'false', 'refused-reason': reason },
    data: { applied: false, refused: reason, plan: input.plan, environment: env },
  };
}
