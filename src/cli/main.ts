// The `paved` command line: finds the subcommand, parses its options, runs it, and renders its
// outcome through the face for where it runs (GitLab job or local terminal) in the format asked.

import * as path from 'node:path';
import { parseArgs } from './args';
import type { CliContext, CommandSpec, OptionSpec } from './command';
import { describeError, exitCodeOf, EXIT_BAD_INPUT, InputError, PavedError } from '../platform/errors';
import type { Face } from '../platform/face';
import { GitLabFace, isGitLab } from '../platform/gitlab';
import { LocalFace } from '../platform/local';
import { redactJson, secrets } from '../platform/redact';
import type { StepOutcome } from '../platform/step';
import { version } from '../../package.json';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CliIo {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  commands?: CommandSpec[];
}

const BUILTIN_FORMATS = ['text', 'json', 'markdown'];

function globalOptions(command: CommandSpec): OptionSpec[] {
  const options: OptionSpec[] = [{ name: 'help', short: 'h', type: 'boolean', description: 'show this help' }];
  if (!command.noFormat) {
    const formats = [...BUILTIN_FORMATS, ...Object.keys(command.formats ?? {})];
    options.push({ name: 'format', type: 'string', valueName: 'FORMAT', choices: formats, default: command.defaultFormat ?? 'text', description: 'output format' });
    options.push({ name: 'dotenv', type: 'string', valueName: 'FILE', env: 'PAVED_DOTENV', description: "also write the step's outputs as KEY=value lines (GitLab artifacts:reports:dotenv)" });
  }
  return options;
}

function findCommand(argv: string[], commands: CommandSpec[]): { command?: CommandSpec; rest: string[]; prefix: string[] } {
  let best: CommandSpec | undefined;
  for (const command of commands) {
    const n = command.path.length;
    if (argv.length >= n && command.path.every((word, i) => argv[i] === word) && (!best || n > best.path.length)) best = command;
  }
  if (best) return { command: best, rest: argv.slice(best.path.length), prefix: best.path };
  const prefix: string[] = [];
  for (const word of argv) {
    if (word.startsWith('-')) break;
    if (!commands.some((c) => [...prefix, word].every((w, i) => c.path[i] === w))) break;
    prefix.push(word);
  }
  return { rest: argv.slice(prefix.length), prefix };
}

export function commandHelp(command: CommandSpec): string {
  const options = [...(command.options ?? []), ...globalOptions(command)];
  const args = (command.positionals ?? []).map((p) => {
    const name = `${p.name}${p.variadic ? '...' : ''}`;
    return p.required ? `<${name}>` : `[${name}]`;
  });
  const lines = [`usage: paved ${command.path.join(' ')} [options]${args.length ? ` ${args.join(' ')}` : ''}`, '', command.summary];
  if (command.description) lines.push('', command.description.trim());
  if (command.positionals?.length) {
    lines.push('', 'arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
  }
  lines.push('', 'options:');
  for (const o of options) {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${o.name}${o.type === 'boolean' ? '' : ` ${o.valueName ?? (o.type === 'number' ? 'N' : 'VALUE')}`}`;
    const extra = [
      o.multiple ? 'repeatable' : '',
      o.choices ? `one of ${o.choices.join('|')}` : '',
      o.default !== undefined ? `default ${o.default}` : '',
      o.env ? `env ${o.env}` : '',
      o.required ? 'required' : '',
    ].filter(Boolean);
    lines.push(`  ${flag.padEnd(32)} ${o.description}${extra.length ? ` (${extra.join('; ')})` : ''}`);
  }
  if (command.examples?.length) lines.push('', 'examples:', ...command.examples.map((e) => `  ${e}`));
  lines.push('', 'exit codes: 0 success, 1 a gate or policy failed, 2 bad usage or bad input');
  return `${lines.join('\n')}\n`;
}

export function groupHelp(prefix: string[], commands: CommandSpec[]): string {
  const matching = commands.filter((c) => prefix.every((w, i) => c.path[i] === w));
  const width = Math.max(...matching.map((c) => c.path.join(' ').length), 10);
  const lines = [
    `usage: paved ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
    '',
    prefix.length === 0 ? `paved ${version}: the platform pipeline steps, locally and in CI jobs.` : `commands under "paved ${prefix.join(' ')}":`,
    '',
    ...matching.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Run "paved <command> --help" for a command\'s options.',
  ];
  return `${lines.join('\n')}\n`;
}

function makeFace(env: NodeJS.ProcessEnv, out: (t: string) => void, err: (t: string) => void, dotenv?: string): Face {
  return isGitLab(env) ? new GitLabFace(env, { out, err, dotenv }) : new LocalFace({ out, err, dotenv });
}

async function render(command: CommandSpec, outcome: StepOutcome, format: string, ctx: CliContext): Promise<void> {
  if (format === 'text') {
    await ctx.face.publish(outcome, { print: true });
    return;
  }
  let body: string;
  if (format === 'json') body = `${JSON.stringify(redactJson(outcome.data), null, 2)}\n`;
  else if (format === 'markdown') body = outcome.markdown.endsWith('\n') ? outcome.markdown : `${outcome.markdown}\n`;
  else body = command.formats![format](outcome);
  ctx.stdout(secrets.redact(body));
  await ctx.face.publish(outcome, { print: false });
}

export async function runCliWith(argv: string[], io: CliIo = {}): Promise<number> {
  const env = io.env ?? process.env;
  const out = io.stdout ?? ((t: string) => process.stdout.write(t));
  const err = io.stderr ?? ((t: string) => process.stderr.write(t));
  // Loaded on demand so a caller (a test) that brings its own commands does not load every domain.
  const commands = io.commands ?? (await import('./commands')).commands;
  if (argv[0] === '--version' || argv[0] === '-v') {
    out(`${version}\n`);
    return 0;
  }
  const { command, rest, prefix } = findCommand(argv, commands);
  if (!command) {
    const wantsHelp = rest.length === 0 || rest[0] === '--help' || rest[0] === '-h' || rest[0] === 'help';
    if (wantsHelp) {
      out(groupHelp(prefix, commands));
      return 0;
    }
    err(groupHelp(prefix, commands));
    err(`\nerror: unknown command "paved ${[...prefix, rest[0]].join(' ')}"\n`);
    return EXIT_BAD_INPUT;
  }
  const name = `paved ${command.path.join(' ')}`;
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      out(commandHelp(command));
      return 0;
    }
    const options = [...(command.options ?? []), ...globalOptions(command)];
    const args = parseArgs(rest, options, command.positionals ?? [], env);
    const cwd = io.cwd ?? process.cwd();
    const dotenv = args.string('dotenv');
    const face = makeFace(env, out, err, dotenv ? path.resolve(cwd, dotenv) : undefined);
    const ctx: CliContext = { cwd, env, stdout: out, stderr: err, face };
    const result = await command.run(args, ctx);
    if (typeof result === 'number') return result;
    await render(command, result, command.noFormat ? 'text' : (args.string('format') ?? 'text'), ctx);
    return result.exitCode;
  } catch (e) {
    const usage = e instanceof InputError && e.context.field?.startsWith('-') ? `\nRun "${name} --help" for usage.` : '';
    err(secrets.redact(`${name}: error: ${describeError(e)}${usage}\n`));
    if (!(e instanceof PavedError) && env.PAVED_DEBUG) err(`${(e as Error).stack}\n`);
    return exitCodeOf(e);
  }
}

/** Runs the CLI in-process and captures what it prints: the tests' and the parity check's entry point. */
export async function runCli(argv: string[], io: Omit<CliIo, 'stdout' | 'stderr'> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCliWith(argv, { ...io, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { exitCode, stdout, stderr };
}
