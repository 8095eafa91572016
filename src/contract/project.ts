// The project side of the contract: a project either provides `scripts/plan.sh` and `scripts/apply.sh`
// (the scripts contract), or paved drives terraform, tofu or pulumi itself. Also where the commit being
// planned or applied comes from. Every command runs from an argument array, never a shell string.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GateFailure, InputError } from '../platform/errors';
import { onPath, run, type RunResult } from '../platform/exec';
import type { ToolChoice } from './adapters';
import type { ToolName } from './types';

export const PLAN_SCRIPT = 'scripts/plan.sh';
export const APPLY_SCRIPT = 'scripts/apply.sh';
/** Where paved keeps the tool's own saved plan inside the project directory. */
export const SAVED_PLAN_DIR = '.paved';

export type Log = (line: string) => void;
/** A collapsible log section (the face's `group`), so a long plan or apply shows its progress folded. */
export type Group = <T>(title: string, fn: () => Promise<T>) => Promise<T>;

export interface ProjectRun {
  directory: string;
  environment: string | null;
  env: NodeJS.ProcessEnv;
  log: Log;
  group?: Group;
  timeoutMs?: number;
}

/** The commit being planned or applied: explicit, then the CI's, then `git rev-parse HEAD`; null if unknown. */
export async function currentCommit(explicit: string | undefined, directory: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const given = explicit ?? env.GITHUB_SHA ?? env.CI_COMMIT_SHA;
  if (given) {
    if (!/^[0-9a-fA-F]{7,64}$/.test(given)) throw new InputError(`"${given}" is not a commit hash`, { field: '--commit', hint: 'give the full hex SHA of the commit' });
    return given.toLowerCase();
  }
  if (!onPath('git', env)) return null;
  try {
    const result = await run('git', ['rev-parse', 'HEAD'], { cwd: directory, env });
    const sha = result.stdout.trim();
    return result.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

/** Checks the project directory exists; `shown` is how the user named it, for errors. */
export function projectDir(directory: string, shown = directory): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(directory);
  } catch {
    throw new InputError('project directory not found', { file: shown, field: '--dir' });
  }
  if (!stat.isDirectory()) throw new InputError('is not a directory', { file: shown, field: '--dir' });
  return path.resolve(directory);
}

function scriptEnv(p: ProjectRun, extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...p.env, ...(p.environment ? { PAVED_ENVIRONMENT: p.environment } : {}), ...extra };
}

function tail(result: RunResult): string {
  const lines = `${result.stderr}\n${result.stdout}`.trim().split(/\r?\n/).filter(Boolean);
  return lines.slice(-5).join('\n  ');
}

async function step(command: string, args: string[], p: ProjectRun, extra: Record<string, string>, what: string): Promise<RunResult> {
  const title = `$ ${[command, ...args].join(' ')}`;
  const execute = () => run(command, args, { cwd: p.directory, env: scriptEnv(p, extra), timeoutMs: p.timeoutMs, onLine: (line) => p.log(line) });
  let result: RunResult;
  if (p.group) result = await p.group(title, execute);
  else {
    p.log(title);
    result = await execute();
  }
  if (result.timedOut) throw new GateFailure(`${what} timed out`, { hint: 'raise --timeout or make the step faster' });
  if (result.exitCode !== 0) {
    throw new GateFailure(`${what} failed with exit code ${result.exitCode}`, { file: command, hint: tail(result) || 'see the log above' });
  }
  return result;
}

export interface NativePlan {
  /** The native (or contract) plan JSON to convert. */
  file: string;
  tool: ToolChoice;
  /** The tool's saved plan apply must use, relative to the project directory. */
  planFile?: string;
  /** Removes temporary files. */
  cleanup(): void;
}

/**
 * Produces the project's plan JSON: runs `scripts/plan.sh` with PLAN_JSON naming the file it must
 * write, or drives the tool found on PATH, saving its own plan under `.paved/` for apply.
 */
export async function producePlan(p: ProjectRun, tool: ToolChoice): Promise<NativePlan> {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-plan-'));
  const file = path.join(tmpDir, 'native-plan.json');
  const cleanup = () => fs.rmSync(tmpDir, { recursive: true, force: true });
  try {
    const script = path.join(p.directory, PLAN_SCRIPT);
    if (fs.existsSync(script)) {
      await step(script, [], p, { PLAN_JSON: file }, PLAN_SCRIPT);
      const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
      if (size === 0) {
        throw new InputError(`${PLAN_SCRIPT} exited 0 but wrote nothing to $PLAN_JSON`, { file: script, hint: 'the script must write the plan JSON (native or contract) to the file named by the PLAN_JSON environment variable' });
      }
      return { file, tool, cleanup };
    }
    const driven = drivenTool(p, tool);
    fs.mkdirSync(path.join(p.directory, SAVED_PLAN_DIR), { recursive: true });
    const name = p.environment ?? 'default';
    if (driven.tool === 'pulumi') {
      const planFile = path.join(SAVED_PLAN_DIR, `${name}.pulumi-plan.json`);
      const stack = p.environment ? ['--stack', p.environment] : [];
      const result = await step(driven.command, ['preview', '--json', '--non-interactive', `--save-plan=${planFile}`, ...stack], { ...p, log: () => undefined }, {}, 'pulumi preview');
      fs.writeFileSync(file, result.stdout);
      return { file, tool: 'pulumi', planFile, cleanup };
    }
    const planFile = path.join(SAVED_PLAN_DIR, `${name}.tfplan`);
    const varFile = `${name}.tfvars`;
    await step(driven.command, ['init', '-input=false', '-no-color'], p, {}, `${driven.command} init`);
    const vars = p.environment && fs.existsSync(path.join(p.directory, varFile)) ? [`-var-file=${varFile}`] : [];
    await step(driven.command, ['plan', '-input=false', '-no-color', `-out=${planFile}`, ...vars], p, {}, `${driven.command} plan`);
    const shown = await step(driven.command, ['show', '-json', planFile], { ...p, log: () => undefined }, {}, `${driven.command} show -json`);
    fs.writeFileSync(file, shown.stdout);
    return { file, tool: driven.tool, planFile, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

const DRIVERS: Array<{ tool: ToolName; command: string }> = [
  { tool: 'terraform', command: 'terraform' },
  { tool: 'opentofu', command: 'tofu' },
  { tool: 'pulumi', command: 'pulumi' },
];

/** Which tool to drive when the project has no scripts: the one asked for, or what the directory holds. */
function drivenTool(p: ProjectRun, tool: ToolChoice): { tool: ToolName; command: string } {
  const files = fs.readdirSync(p.directory);
  const pulumiProject = files.some((f) => /^Pulumi\.ya?ml$/.test(f));
  const hcl = files.some((f) => f.endsWith('.tf') || f.endsWith('.tofu'));
  const candidates = DRIVERS.filter((d) => (tool === 'auto' ? (d.tool === 'pulumi' ? pulumiProject : hcl || !pulumiProject) : d.tool === tool));
  const found = candidates.find((d) => onPath(d.command, p.env));
  if (found) return { tool: found.tool, command: onPath(found.command, p.env)! };
  const wanted = candidates.map((d) => d.command).join(', ') || 'terraform, tofu or pulumi';
  throw new InputError(`no ${PLAN_SCRIPT} in the project and ${wanted} is not on PATH`, {
    file: p.directory,
    hint: `add ${PLAN_SCRIPT} (it writes the plan JSON to $PLAN_JSON) or install the tool`,
  });
}

/** Runs `scripts/apply.sh` on the reviewed plan, or applies the tool's saved plan. */
export async function applyProject(p: ProjectRun, plan: { file: string; digest: string; tool: ToolName; planFile?: string }): Promise<void> {
  const script = path.join(p.directory, APPLY_SCRIPT);
  const extra = { PLAN_JSON: plan.file, PAVED_PLAN_DIGEST: plan.digest };
  if (fs.existsSync(script)) {
    await step(script, [], p, extra, APPLY_SCRIPT);
    return;
  }
  if (!plan.planFile) {
    throw new InputError(`no ${APPLY_SCRIPT} in the project and the plan records no saved ${plan.tool} plan to apply`, {
      file: p.directory,
      hint: `add ${APPLY_SCRIPT} (PLAN_JSON names the reviewed contract plan), or make the plan with "paved plan run" driving the tool`,
    });
  }
  const command = plan.tool === 'pulumi' ? 'pulumi' : plan.tool === 'opentofu' ? 'tofu' : 'terraform';
  const found = onPath(command, p.env);
  if (!found) throw new InputError(`${command} is not on PATH`, { hint: `install ${command} in the apply job` });
  if (plan.tool === 'pulumi') {
    const stack = p.environment ? ['--stack', p.environment] : [];
    await step(found, ['up', '--yes', '--non-interactive', '--skip-preview', `--plan=${plan.planFile}`, ...stack], p, extra, 'pulumi up');
  } else {
    await step(found, ['apply', '-input=false', '-no-color', plan.planFile], p, extra, `${command} apply`);
  }
}
