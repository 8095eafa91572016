// Small helpers for the Rego engine tests: compile inline modules and evaluate queries.

import { compileModules, RegoError, type EvalOptions, type RegoVersion } from '../../src/rego';

export function policy(text: string | string[], regoVersion: RegoVersion = 'v1') {
  const texts = Array.isArray(text) ? text : [text];
  return compileModules(texts.map((t, i) => ({ file: `m${i}.rego`, text: t })), { regoVersion });
}

/** The value of `path` in a policy made of `text`. */
export function evalPath(text: string | string[], path: string, opts: EvalOptions = {}, regoVersion: RegoVersion = 'v1'): unknown {
  return policy(text, regoVersion).evaluate(path, opts);
}

/** The bindings of every result of `query`. */
export function bindings(text: string | string[], query: string, opts: EvalOptions = {}): Array<Record<string, unknown>> {
  return policy(text).query(query, opts).map((r) => r.bindings ?? {});
}

/** The RegoError thrown by `fn` (fails the test when nothing is thrown). */
export function regoError(fn: () => unknown): RegoError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegoError) return e;
    throw e;
  }
  throw new Error('expected a RegoError');
}
