// The project's own checks as named gates (`lint=npm run lint`): each runs from an argument array
// (a quoting-aware splitter, never a shell), in its own log section, with status and duration.
// Without explicit checks, defaults come from what the repository holds.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { InputError, PavedError } from '../platform/errors';
import { run } from '../platform/exec';

export interface CheckSpec {
  name: string;
  argv: string[];
}

export interface CheckResult {
  name: string;
  command: string;
  status: 'passed' | 'failed';
  exitCode: number | null;
  durationMs: number;
  /** Why it failed when it never ran or was stopped (command not found, timeout). */
  problem?: string;
  /** The last lines of its output, for the summary of a failed check. */
  tail: string[];
}

/** Where a check's progress goes: a collapsible section per check and its output lines. */
export interface CheckLog {
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  info(message: string): void;
}

/** Splits a command line the way a POSIX shell would tokenise it, without expanding anything. */
export function splitCommand(command: string, field = '--run'): string[] {
  const args: string[] = [];
  let current = '';
  let inToken = false;
  let quote: '"' | "'" | '' = '';
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (quote === "'") {
      if (c === "'") quote = '';
      else current += c;
    } else if (quote === '"') {
      if (c === '"') quote = '';
      else if (c === '\\' && i + 1 < command.length && '"\\$`'.includes(command[i + 1])) current += command[++i];
      else current += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < command.length) {
      current += command[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) args.push(current);
      current = '';
      inToken = false;
    } else {
      current += c;
      inToken = true;
    }
  }
  if (quote) throw new InputError(`unterminated ${quote} quote in "${command}"`, { field });
  if (inToken) args.push(current);
  return args;
}

/** `NAME=COMMAND` → a check; the name is letters, digits, `.`, `_`, `-`. */
export function parseCheck(spec: string, field = '--run'): CheckSpec {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(.*)$/s.exec(spec.trim());
  if (!m) throw new InputError(`expected NAME=COMMAND, got "${spec}"`, { field, hint: 'for example --run "lint=npm run lint"' });
  const argv = splitCommand(m[2], field);
  if (argv.length === 0) throw new InputError(`check "${m[1]}" has an empty command`, { field });
  return { name: m[1], argv };
}

/** Checks implied by the repository's files: package.json scripts, pyproject.toml tools, go.mod, Cargo.toml. */
export function detectChecks(root: string): CheckSpec[] {
  const checks: CheckSpec[] = [];
  const exists = (f: string) => fs.existsSync(path.join(root, f));
  if (exists('package.json')) {
    let scripts: Record<string, string> = {};
    try {
      scripts = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
    } catch (err) {
      throw new InputError(`package.json is not valid JSON (${(err as Error).message})`, { file: path.join(root, 'package.json') });
    }
    const runner = exists('pnpm-lock.yaml') ? 'pnpm' : exists('yarn.lock') ? 'yarn' : 'npm';
    for (const [name, candidates] of [
      ['lint', ['lint']],
      ['typecheck', ['typecheck', 'type-check', 'tsc', 'types']],
      ['test', ['test']],
    ] as const) {
      const script = candidates.find((c) => scripts[c]);
      if (script) checks.push({ name, argv: [runner, 'run', script] });
    }
  }
  if (exists('pyproject.toml')) {
    let doc: Record<string, unknown>;
    try {
      doc = parseToml(fs.readFileSync(path.join(root, 'pyproject.toml'), 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new InputError(`pyproject.toml is not valid TOML (${(err as Error).message})`, { file: path.join(root, 'pyproject.toml') });
    }
    const tool = (doc.tool ?? {}) as Record<string, unknown>;
    if (tool.ruff) checks.push({ name: 'lint', argv: ['ruff', 'check', '.'] });
    else if (tool.flake8 || exists('.flake8')) checks.push({ name: 'lint', argv: ['flake8'] });
    if (tool.mypy) checks.push({ name: 'typecheck', argv: ['mypy', '.'] });
    if (tool.pytest || exists('pytest.ini') || exists('tests')) checks.push({ name: 'test', argv: ['pytest'] });
  }
  if (exists('go.mod')) {
    checks.push({ name: 'vet', argv: ['go', 'vet', './...'] });
    checks.push({ name: 'test', argv: ['go', 'test', './...'] });
  }
  if (exists('Cargo.toml')) {
    checks.push({ name: 'lint', argv: ['cargo', 'clippy', '--', '-D', 'warnings'] });
    checks.push({ name: 'test', argv: ['cargo', 'test'] });
  }
  // Two ecosystems may both bring a "test": keep each name unique.
  const seen = new Map<string, number>();
  return checks.map((c) => {
    const n = (seen.get(c.name) ?? 0) + 1;
    seen.set(c.name, n);
    return n === 1 ? c : { ...c, name: `${c.name}-${n}` };
  });
}

const TAIL_LINES = 30;
/** Summaries are capped (1 MiB per step on GitHub): a minified bundle on one line must not fill it. */
const TAIL_LINE_CHARS = 500;

export async function runChecks(checks: readonly CheckSpec[], options: { cwd: string; env: NodeJS.ProcessEnv; log: CheckLog; timeoutMs?: number }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    const command = check.argv.map((a) => (/^[\w./:=@%+-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
    const result = await options.log.group(`${check.name}: ${command}`, async (): Promise<CheckResult> => {
      const tail: string[] = [];
      const started = Date.now();
      try {
        const r = await run(check.argv[0], check.argv.slice(1), {
          cwd: options.cwd,
          env: options.env,
          timeoutMs: options.timeoutMs,
          onLine: (line) => {
            options.log.info(line);
            tail.push(line.length > TAIL_LINE_CHARS ? `${line.slice(0, TAIL_LINE_CHARS)}…` : line);
            if (tail.length > TAIL_LINES) tail.shift();
          },
        });
        const problem = r.timedOut ? `stopped after ${Math.max(1, Math.round((options.timeoutMs ?? 0) / 1000))} s (check timeout)` : undefined;
        return { name: check.name, command, status: r.exitCode === 0 && !r.timedOut ? 'passed' : 'failed', exitCode: r.exitCode, durationMs: r.durationMs, problem, tail };
      } catch (err) {
        // A check that cannot start fails its gate; the other checks still run.
        const problem = err instanceof PavedError ? err.describe() : (err as Error).message;
        options.log.info(problem);
        return { name: check.name, command, status: 'failed', exitCode: null, durationMs: Date.now() - started, problem, tail };
      }
    });
    options.log.info(`${result.status === 'passed' ? '✓' : '✗'} ${check.name} ${result.status} in ${(result.durationMs / 1000).toFixed(1)} s${result.exitCode !== null ? ` (exit ${result.exitCode})` : ''}`);
    results.push(result);
  }
  return results;
}
