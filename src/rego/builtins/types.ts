// The contract every built-in family implements, plus the operand checks they share so their
// error texts match OPA's ("count: operand 1 must be one of {array, object, set, string} but got number").

import { BuiltinError } from '../errors';
import { isInteger, isNum, RObject, RSet, typeName, type Num, type Value } from '../value';

export interface BuiltinContext {
  /** Nanoseconds since the epoch, fixed for the whole query (OPA's `time.now_ns` is stable per query). */
  nowNs: bigint;
  print: (msg: string) => void;
  /** Per-query memory for non-deterministic built-ins (rand.intn gives one answer per query). */
  memo: Map<string, Value>;
}

export interface BuiltinDef {
  arity: number;
  /** Returns the result, or undefined for "undefined". Relations return every result. */
  fn: (args: Value[], ctx: BuiltinContext) => Value | undefined;
  /** The built-in yields several results (like `walk`): `fn` returns an array of them. */
  relation?: boolean;
}

export type BuiltinTable = Record<string, BuiltinDef>;

export function typeError(name: string, i: number, want: string, got: Value): BuiltinError {
  return new BuiltinError(`${name}: operand ${i + 1} must be ${want} but got ${typeName(got)}`, 'eval_type_error');
}

export function fail(name: string, msg: string): BuiltinError {
  return new BuiltinError(`${name}: ${msg}`);
}

export function str(name: string, args: Value[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw typeError(name, i, 'string', v);
  return v;
}

export function num(name: string, args: Value[], i: number): Num {
  const v = args[i];
  if (!isNum(v)) throw typeError(name, i, 'number', v);
  return v;
}

/** An integer operand, exactly (BigInt). */
export function bigint(name: string, args: Value[], i: number): bigint {
  const v = num(name, args, i);
  if (!isInteger(v)) throw new BuiltinError(`${name}: operand ${i + 1} must be integer number but got floating-point number`, 'eval_type_error');
  return BigInt(v);
}

export function int(name: string, args: Value[], i: number): number {
  return Number(bigint(name, args, i));
}

export function arr(name: string, args: Value[], i: number): Value[] {
  const v = args[i];
  if (!Array.isArray(v)) throw typeError(name, i, 'array', v);
  return v;
}

export function obj(name: string, args: Value[], i: number): RObject {
  const v = args[i];
  if (!(v instanceof RObject)) throw typeError(name, i, 'object', v);
  return v;
}

export function set(name: string, args: Value[], i: number): RSet {
  const v = args[i];
  if (!(v instanceof RSet)) throw typeError(name, i, 'set', v);
  return v;
}

export function bool(name: string, args: Value[], i: number): boolean {
  const v = args[i];
  if (typeof v !== 'boolean') throw typeError(name, i, 'boolean', v);
  return v;
}

/** Elements of an array or set operand. */
export function collection(name: string, args: Value[], i: number, want = 'one of {array, set}'): Value[] {
  const v = args[i];
  if (Array.isArray(v)) return v;
  if (v instanceof RSet) return v.sorted();
  throw typeError(name, i, want, v);
}
