// Runs a compiled OPA Wasm policy (`opa build -t wasm`) with @open-policy-agent/opa-wasm. Each
// entrypoint (`main/deny`, `main/warn_tags`, ...) is a rule; built-ins the module does not implement
// are answered by the builtin engine, so both engines agree on them.

import * as fs from 'node:fs';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { InputError } from '../../platform/errors';
import { fileError } from '../../platform/files';
import { mergeData } from '../documents';
import { isCheckRule } from '../conventions';
import { createBuiltinCaller } from './builtin';
import { readWasmBundle } from './bundle';
import { dataFor, type CheckRule, type FileInfo, type NamespaceEvaluation, type PolicyEngine } from './engine';

type LoadedPolicy = Awaited<ReturnType<typeof loadPolicy>>;

export function isCompiledBundle(file: string): boolean {
  return /\.(tar\.gz|tgz|wasm)$/i.test(file);
}

export class WasmEngine implements PolicyEngine {
  readonly name = 'wasm' as const;
  private readonly entrypoints: string[];

  private constructor(
    private readonly policy: LoadedPolicy,
    private readonly data: Record<string, unknown>,
  ) {
    this.entrypoints = Object.keys(policy.entrypoints as Record<string, number>);
  }

  static async load(file: string, data: Record<string, unknown>): Promise<WasmEngine> {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (err) {
      throw fileError(err, file, 'policy bundle');
    }
    const bundle = readWasmBundle(bytes, file);
    const callBuiltin = createBuiltinCaller();
    // The SDK looks a missing built-in up by name in this object; every name is routed to the interpreter.
    const customBuiltins = new Proxy({} as Record<string, (...args: unknown[]) => unknown>, {
      get: (_target, name) => (typeof name === 'string' ? (...args: unknown[]) => callBuiltin(name, args) : undefined),
    });
    let policy: LoadedPolicy;
    try {
      policy = await loadPolicy(bundle.wasm, undefined, customBuiltins);
    } catch (err) {
      throw new InputError(`cannot load the Wasm policy: ${describe(err)}`, { file, hint: 'the module must come from `opa build -t wasm` (OPA Wasm ABI 1.x)' });
    }
    return new WasmEngine(policy, mergeData(bundle.data, data));
  }

  namespaces(): string[] {
    return [...new Set(this.entrypoints.map((e) => splitEntrypoint(e).namespace))].sort();
  }

  checkRules(namespace: string): CheckRule[] {
    return this.entrypoints
      .map(splitEntrypoint)
      .filter((e) => e.namespace === namespace && isCheckRule(e.rule))
      .map((e) => ({ name: e.rule, bodies: 1 }));
  }

  async evaluate(namespace: string, rules: readonly string[], input: unknown, file: FileInfo): Promise<NamespaceEvaluation> {
    this.policy.setData(dataFor(this.data, file));
    const prefix = namespace.split('.').join('/');
    const values: Record<string, unknown> = {};
    for (const rule of rules) values[rule] = this.run(`${prefix}/${rule}`, input);
    const exception = this.entrypoints.includes(`${prefix}/exception`) ? this.run(`${prefix}/exception`, input) : undefined;
    return { values, exception };
  }

  private run(entrypoint: string, input: unknown): unknown {
    let rows: Array<{ result: unknown }> | null;
    try {
      rows = this.policy.evaluate(input, entrypoint);
    } catch (err) {
      throw new InputError(`evaluating entrypoint ${entrypoint} failed: ${describe(err)}`, { hint: 'a built-in the module needs may be missing from the builtin engine' });
    }
    return rows && rows.length > 0 ? rows[0].result : undefined;
  }
}

function splitEntrypoint(entrypoint: string): { namespace: string; rule: string } {
  const parts = entrypoint.split('/');
  return { namespace: parts.slice(0, -1).join('.'), rule: parts[parts.length - 1] };
}

/** The SDK throws strings and plain objects as well as Errors. */
function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) return String((err as { message: unknown }).message);
  return String(err);
}
