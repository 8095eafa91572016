// The one interface every policy engine implements (the TypeScript Rego interpreter, a compiled OPA
// Wasm bundle, the `opa` CLI), so conftest's conventions and every writer sit above the engine.

import type { EngineName } from '../types';
import type { RuleAnnotations } from './inventory';

/** A deny/violation/warn rule of a namespace, with how many bodies define it (conftest counts successes per body). */
export interface CheckRule extends RuleAnnotations {
  name: string;
  bodies: number;
  /** Where the rule is defined, when the engine knows (the builtin engine does). */
  location?: { file: string; row: number };
}

/** `data.conftest.file` as conftest provides it to policies. */
export interface FileInfo {
  name: string;
  dir: string;
}

export interface NamespaceEvaluation {
  /** Rule name -> value (undefined rules map to undefined). */
  values: Record<string, unknown>;
  /** The value of `data.<namespace>.exception`, when the namespace defines one. */
  exception: unknown;
}

export interface PolicyEngine {
  readonly name: EngineName;
  /** Every package the policies define, dotted without `data.`: `main`, `k8s.pods`. */
  namespaces(): string[];
  /** The conftest rules of a namespace. */
  checkRules(namespace: string): CheckRule[];
  /** Evaluates the named rules (and the namespace's `exception` rule) against one input document. */
  evaluate(namespace: string, rules: readonly string[], input: unknown, file: FileInfo): Promise<NamespaceEvaluation>;
}

/** `data.a.b["c-d"]`: a Rego reference to a dotted namespace and a rule, quoting what is not an identifier. */
export function regoRef(namespace: string, rule?: string): string {
  const parts = [...namespace.split('.'), ...(rule ? [rule] : [])];
  return `data${parts.map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('')}`;
}

/** The data document a policy sees for one input: the loaded data plus `conftest.file`. */
export function dataFor(base: Record<string, unknown>, file: FileInfo): Record<string, unknown> {
  const conftest = (base.conftest && typeof base.conftest === 'object' ? base.conftest : {}) as Record<string, unknown>;
  return { ...base, conftest: { ...conftest, file } };
}
