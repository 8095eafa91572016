// Runs policies through the `opa` CLI when the user asks for it and it is on PATH: one
// `opa eval --format json` per input document and namespace, input on stdin, data merged by paved
// into one temporary file (so `--data` overrides behave as with the other engines).

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { onPath, run } from '../../platform/exec';
import { isCheckRule } from '../conventions';
import type { PolicySource } from '../documents';
import { scanRules, type RuleInventory } from './inventory';
import type { RegoVersion } from '../types';
import { dataFor, regoRef, type CheckRule, type FileInfo, type NamespaceEvaluation, type PolicyEngine } from './engine';

export class OpaCliEngine implements PolicyEngine {
  readonly name = 'opa' as const;
  private readonly inventory: Map<string, Map<string, RuleInventory>>;

  constructor(
    private readonly opa: string,
    private readonly sources: readonly PolicySource[],
    private readonly data: Record<string, unknown>,
    private readonly regoVersion: RegoVersion,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.inventory = scanRules(sources);
  }

  static locate(env: NodeJS.ProcessEnv): string {
    const opa = onPath('opa', env);
    if (!opa) throw new InputError('--engine opa was asked for but no `opa` binary is on PATH', { field: '--engine', hint: 'install OPA, or use --engine builtin (the default)' });
    return opa;
  }

  namespaces(): string[] {
    return [...this.inventory.keys()].sort();
  }

  checkRules(namespace: string): CheckRule[] {
    return [...(this.inventory.get(namespace) ?? new Map<string, RuleInventory>())]
      .filter(([name]) => isCheckRule(name))
      .map(([name, rule]) => ({ ...rule, name }));
  }

  async evaluate(namespace: string, rules: readonly string[], input: unknown, file: FileInfo): Promise<NamespaceEvaluation> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-opa-'));
    try {
      const dataFile = path.join(dir, 'data.json');
      fs.writeFileSync(dataFile, JSON.stringify(dataFor(this.data, file)));
      const args = ['eval', '--format', 'json', '--stdin-input', ...this.sources.flatMap((s) => ['--data', s.file]), '--data', dataFile];
      if (this.regoVersion === 'v0') args.push('--v0-compatible');
      args.push(regoRef(namespace));
      const result = await run(this.opa, args, { input: JSON.stringify(input), env: this.env });
      const doc = parseOpaOutput(result.stdout, result.stderr, result.exitCode);
      const value = (doc.result?.[0]?.expressions?.[0]?.value ?? {}) as Record<string, unknown>;
      const values: Record<string, unknown> = {};
      for (const rule of rules) values[rule] = value[rule];
      return { values, exception: value.exception };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

interface OpaEvalOutput {
  result?: Array<{ expressions?: Array<{ value?: unknown }> }>;
  errors?: Array<{ message?: string; code?: string; location?: { file?: string; row?: number } }>;
}

function parseOpaOutput(stdout: string, stderr: string, exitCode: number): OpaEvalOutput {
  let doc: OpaEvalOutput | undefined;
  try {
    doc = JSON.parse(stdout) as OpaEvalOutput;
  } catch {
    doc = undefined;
  }
  const errors = doc?.errors ?? [];
  if (exitCode !== 0 || errors.length > 0 || !doc) {
    const detail = errors.length
      ? errors.map((e) => `${e.location?.file ? `${e.location.file}:${e.location.row}: ` : ''}${e.code ? `${e.code}: ` : ''}${e.message}`).join('\n')
      : (stderr || stdout).trim() || `exit code ${exitCode}`;
    throw new InputError(`opa eval failed: ${detail}`, { hint: 'run the same policies with --engine builtin to compare' });
  }
  return doc;
}
