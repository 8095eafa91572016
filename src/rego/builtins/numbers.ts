// Comparison, arithmetic and number built-ins: exact BigInt arithmetic for integers (OPA uses
// arbitrary precision), floats otherwise; set arithmetic for `-`, `&` and `|`; bits.*; numbers.range.

import { BuiltinError } from '../errors';
import { compare, equal, isInteger, isNum, normInt, RObject, RSet, toBig, type Num, type Value } from '../value';
import { bigint, collection, fail, int, num, set, str, typeError, type BuiltinTable } from './types';

/** Both operands are JS numbers holding integers (the common, fast case). */
function smallInts(a: Num, b: Num): boolean {
  return typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b);
}

export function add(a: Num, b: Num): Num {
  if (smallInts(a, b) && Number.isSafeInteger((a as number) + (b as number))) return (a as number) + (b as number);
  if (isInteger(a) && isInteger(b)) return normInt(toBig(a) + toBig(b));
  return Number(a) + Number(b);
}

export function sub(a: Num, b: Num): Num {
  if (smallInts(a, b) && Number.isSafeInteger((a as number) - (b as number))) return (a as number) - (b as number);
  if (isInteger(a) && isInteger(b)) return normInt(toBig(a) - toBig(b));
  return Number(a) - Number(b);
}

export function mul(a: Num, b: Num): Num {
  if (smallInts(a, b) && Number.isSafeInteger((a as number) * (b as number))) return (a as number) * (b as number);
  if (isInteger(a) && isInteger(b)) return normInt(toBig(a) * toBig(b));
  return Number(a) * Number(b);
}

function div(a: Num, b: Num): Num {
  if (Number(b) === 0) throw fail('div', 'divide by zero');
  if (smallInts(a, b) && (a as number) % (b as number) === 0) return (a as number) / (b as number);
  if (isInteger(a) && isInteger(b)) {
    const x = toBig(a), y = toBig(b);
    if (x % y === 0n) return normInt(x / y);
  }
  return Number(a) / Number(b);
}

function rem(a: Num, b: Num): Num {
  if (smallInts(a, b) && b !== 0) return (a as number) % (b as number) || 0;
  if (!isInteger(a) || !isInteger(b)) throw fail('rem', 'modulo on floating-point number');
  const y = toBig(b);
  if (y === 0n) throw fail('rem', 'modulo by zero');
  return normInt(toBig(a) % y);
}

/** Go's math.Round: half away from zero. */
function round(n: Num): Num {
  if (isInteger(n)) return n;
  const x = n as number;
  const r = Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
  return Number.isSafeInteger(r) ? r : normInt(BigInt(r));
}

function toInt(n: number): Num {
  return Number.isSafeInteger(n) ? n : normInt(BigInt(n));
}

function range(name: string, a: Num, b: Num, step: Num): Value[] {
  const lo = toBig(a), hi = toBig(b), st = toBig(step);
  const out: Value[] = [];
  if (hi - lo > 10_000_000n || lo - hi > 10_000_000n) throw fail(name, 'range too large');
  if (lo <= hi) for (let i = lo; i <= hi; i += st) out.push(normInt(i));
  else for (let i = lo; i >= hi; i -= st) out.push(normInt(i));
  return out;
}

function arith(name: string, f: (a: Num, b: Num) => Num) {
  return {
    arity: 2,
    fn: (args: Value[]) => f(num(name, args, 0), num(name, args, 1)),
  };
}

function bits(name: string, f: (a: bigint, b: bigint) => bigint) {
  return {
    arity: 2,
    fn: (args: Value[]) => normInt(f(bigint(name, args, 0), bigint(name, args, 1))),
  };
}

/** Shift counts must be non-negative integers. */
function shift(name: string, f: (a: bigint, b: bigint) => bigint) {
  return {
    arity: 2,
    fn: (args: Value[]) => {
      const a = bigint(name, args, 0), b = bigint(name, args, 1);
      if (b < 0n) throw new BuiltinError(`${name}: operand 2 must be an unsigned integer number but got a negative integer`, 'eval_type_error');
      return normInt(f(a, b));
    },
  };
}

function member(x: Value, coll: Value): boolean {
  if (Array.isArray(coll)) return coll.some((v) => equal(v, x));
  if (coll instanceof RSet) return coll.has(x);
  if (coll instanceof RObject) {
    for (const [, v] of coll.entries()) if (equal(v, x)) return true;
  }
  return false;
}

export const numberBuiltins: BuiltinTable = {
  equal: { arity: 2, fn: ([a, b]) => equal(a, b) },
  neq: { arity: 2, fn: ([a, b]) => !equal(a, b) },
  lt: { arity: 2, fn: ([a, b]) => compare(a, b) < 0 },
  lte: { arity: 2, fn: ([a, b]) => compare(a, b) <= 0 },
  gt: { arity: 2, fn: ([a, b]) => compare(a, b) > 0 },
  gte: { arity: 2, fn: ([a, b]) => compare(a, b) >= 0 },
  plus: arith('plus', add),
  mul: arith('mul', mul),
  div: arith('div', div),
  rem: arith('rem', rem),
  minus: {
    arity: 2,
    fn: (args) => {
      const [a, b] = args;
      if (isNum(a) && isNum(b)) return sub(a, b);
      if (a instanceof RSet && b instanceof RSet) return new RSet([...a.values()].filter((v) => !b.has(v)));
      if (isNum(a) || a instanceof RSet) throw typeError('minus', 1, isNum(a) ? 'number' : 'set', b);
      throw typeError('minus', 0, 'one of {number, set}', a);
    },
  },
  and: { arity: 2, fn: (args) => {
    const a = set('and', args, 0), b = set('and', args, 1);
    return new RSet([...a.values()].filter((v) => b.has(v)));
  } },
  or: { arity: 2, fn: (args) => {
    const a = set('or', args, 0), b = set('or', args, 1);
    return new RSet([...a.values(), ...b.values()]);
  } },
  'internal.member_2': { arity: 2, fn: ([x, c]) => member(x, c) },
  'internal.member_3': {
    arity: 3,
    fn: ([k, v, c]) => {
      if (Array.isArray(c)) return typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < c.length && equal(c[k], v);
      if (c instanceof RObject) {
        const x = c.get(k);
        return x !== undefined && equal(x, v);
      }
      if (c instanceof RSet) return equal(k, v) && c.has(v);
      return false;
    },
  },
  abs: { arity: 1, fn: (args) => {
    const n = num('abs', args, 0);
    return typeof n === 'bigint' ? normInt(n < 0n ? -n : n) : Math.abs(n);
  } },
  round: { arity: 1, fn: (args) => round(num('round', args, 0)) },
  ceil: { arity: 1, fn: (args) => {
    const n = num('ceil', args, 0);
    return isInteger(n) ? n : toInt(Math.ceil(n as number));
  } },
  floor: { arity: 1, fn: (args) => {
    const n = num('floor', args, 0);
    return isInteger(n) ? n : toInt(Math.floor(n as number));
  } },
  'numbers.range': { arity: 2, fn: (args) => {
    const a = num('numbers.range', args, 0), b = num('numbers.range', args, 1);
    if (!isInteger(a)) throw new BuiltinError('numbers.range: operand 1 must be integer number but got floating-point number', 'eval_type_error');
    if (!isInteger(b)) throw new BuiltinError('numbers.range: operand 2 must be integer number but got floating-point number', 'eval_type_error');
    return range('numbers.range', a, b, 1);
  } },
  'numbers.range_step': { arity: 3, fn: (args) => {
    const name = 'numbers.range_step';
    const a = num(name, args, 0), b = num(name, args, 1), s = num(name, args, 2);
    if (!isInteger(a)) throw new BuiltinError(`${name}: operand 1 must be integer number but got floating-point number`, 'eval_type_error');
    if (!isInteger(b)) throw new BuiltinError(`${name}: operand 2 must be integer number but got floating-point number`, 'eval_type_error');
    if (!isInteger(s)) throw new BuiltinError(`${name}: operand 3 must be integer number but got floating-point number`, 'eval_type_error');
    if (toBig(s) <= 0n) throw fail(name, 'step must be a positive integer');
    return range(name, a, b, s);
  } },
  'rand.intn': { arity: 2, fn: (args, ctx) => {
    const seed = str('rand.intn', args, 0);
    const n = int('rand.intn', args, 1);
    if (n === 0) return 0;
    // The same arguments give the same number for the whole query, as in OPA.
    const key = `rand.intn\u0000${seed}\u0000${n}`;
    let v = ctx.memo.get(key);
    if (v === undefined) ctx.memo.set(key, (v = Math.floor(Math.random() * Math.abs(n))));
    return v;
  } },
  'bits.or': bits('bits.or', (a, b) => a | b),
  'bits.and': bits('bits.and', (a, b) => a & b),
  'bits.xor': bits('bits.xor', (a, b) => a ^ b),
  'bits.lsh': shift('bits.lsh', (a, b) => a << b),
  'bits.rsh': shift('bits.rsh', (a, b) => a >> b),
  'bits.negate': { arity: 1, fn: (args) => normInt(~bigint('bits.negate', args, 0)) },
  sum: { arity: 1, fn: (args) => collection('sum', args, 0).reduce<Num>((acc, v) => {
    if (!isNum(v)) throw typeError('sum', 0, 'array of numbers or set of numbers', args[0]);
    return add(acc, v);
  }, 0) },
  product: { arity: 1, fn: (args) => collection('product', args, 0).reduce<Num>((acc, v) => {
    if (!isNum(v)) throw typeError('product', 0, 'array of numbers or set of numbers', args[0]);
    return mul(acc, v);
  }, 1) },
};
