// The default engine: paved's own TypeScript Rego interpreter (src/rego). It needs no binary, so it
// runs the same everywhere, and it supplies the built-ins a compiled Wasm bundle lacks.

import { compileModules, RegoError, type CompiledPolicy } from '../../rego';
import { InputError } from '../../platform/errors';
import { isCheckRule } from '../conventions';
import type { PolicySource } from '../documents';
import type { RegoVersion } from '../types';
import { scanRules, type RuleInventory } from './inventory';
import { dataFor, regoRef, type CheckRule, type FileInfo, type NamespaceEvaluation, type PolicyEngine } from './engine';

/** Compiles Rego sources, turning compile errors into input errors that name the file and line. */
export function compilePolicies(sources: readonly PolicySource[], regoVersion: RegoVersion): CompiledPolicy {
  try {
    return compileModules(sources.map((s) => ({ file: s.file, text: s.text, regoVersion: s.regoVersion })), { regoVersion });
  } catch (err) {
    throw regoInputError(err, regoVersion === 'v1' ? 'if these are v0 policies (`deny[msg] { ... }`), pass --rego-version v0' : undefined);
  }
}

/** An engine error as an InputError naming the policy file and line it points at. */
export function regoInputError(err: unknown, hint?: string): InputError {
  if (!(err instanceof RegoError)) return new InputError((err as Error).message ?? String(err), { hint });
  // Each line names its own file:row, as opa prints errors.
  const message = err.errors.map((e) => `${e.location ? `${e.location.file}:${e.location.row}: ` : ''}${e.code}: ${e.message}`).join('\n');
  return new InputError(message, { hint });
}

/** Package names as dotted namespaces (`data.k8s.pods` -> `k8s.pods`). */
export function namespaceOf(pkg: string): string {
  return pkg.replace(/^data\./, '');
}

export class BuiltinEngine implements PolicyEngine {
  readonly name = 'builtin' as const;

  private readonly inventory: Map<string, Map<string, RuleInventory>>;

  constructor(
    private readonly policy: CompiledPolicy,
    private readonly data: Record<string, unknown>,
    sources: readonly PolicySource[],
  ) {
    this.inventory = scanRules(sources);
  }

  static load(sources: readonly PolicySource[], data: Record<string, unknown>, regoVersion: RegoVersion): BuiltinEngine {
    return new BuiltinEngine(compilePolicies(sources, regoVersion), data, sources);
  }

  namespaces(): string[] {
    return [...new Set(this.policy.packages().map(namespaceOf))].sort();
  }

  checkRules(namespace: string): CheckRule[] {
    const scanned = this.inventory.get(namespace);
    return this.rulesOf(namespace)
      .filter((rule) => rule.kind !== 'function' && isCheckRule(rule.name))
      .map((rule) => ({ bodies: 1, ...scanned?.get(rule.name), name: rule.name, location: { file: rule.location.file, row: rule.location.row } }));
  }

  async evaluate(namespace: string, rules: readonly string[], input: unknown, file: FileInfo): Promise<NamespaceEvaluation> {
    const data = dataFor(this.data, file);
    const values: Record<string, unknown> = {};
    for (const rule of rules) values[rule] = this.evaluatePath(regoRef(namespace, rule), input, data);
    const hasException = this.rulesOf(namespace).some((r) => r.name === 'exception');
    const exception = hasException ? this.evaluatePath(regoRef(namespace, 'exception'), input, data) : undefined;
    return { values, exception };
  }

  private rulesOf(namespace: string) {
    const pkg = this.policy.packages().find((p) => namespaceOf(p) === namespace);
    return pkg === undefined ? [] : this.policy.rules(pkg);
  }

  private evaluatePath(ref: string, input: unknown, data: Record<string, unknown>): unknown {
    try {
      return this.policy.evaluate(ref, { input, data });
    } catch (err) {
      throw regoInputError(err, `evaluating ${ref} failed; fix the policy or the input it trips on`);
    }
  }
}

/**
 * Calls one built-in of the interpreter by name with JSON arguments (sets arrive as arrays, as the
 * Wasm SDK passes them): how a compiled bundle gets the built-ins its module does not implement.
 */
export function createBuiltinCaller(): (name: string, args: unknown[]) => unknown {
  const empty = compileModules([]);
  return (name, args) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) throw new Error(`not a built-in name: ${name}`);
    const call = `${name}(${args.map((_, i) => `input[${i}]`).join(', ')})`;
    const rows = empty.query(`__result := ${call}`, { input: args, strictBuiltinErrors: true });
    if (rows.length === 0) throw new Error(`built-in ${name} is undefined for these arguments`);
    return rows[0].bindings?.__result;
  };
}
