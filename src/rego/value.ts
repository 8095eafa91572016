// Rego values at run time: JSON plus sets and objects with arbitrary keys, Rego's total ordering
// (null < boolean < number < string < array < object < set), structural equality, and conversion
// to and from JSON. Integers beyond 2^53 are BigInt so nanosecond timestamps stay exact.

export type Num = number | bigint;
export type Value = null | boolean | number | bigint | string | Value[] | RSet | RObject;

/** A Rego set: members keyed by their canonical key, so membership is structural. */
export class RSet {
  readonly m = new Map<string, Value>();
  constructor(items?: Iterable<Value>) {
    if (items) for (const v of items) this.add(v);
  }
  add(v: Value): void {
    const k = keyOf(v);
    if (!this.m.has(k)) this.m.set(k, v);
  }
  has(v: Value): boolean {
    return this.m.has(keyOf(v));
  }
  get size(): number {
    return this.m.size;
  }
  values(): IterableIterator<Value> {
    return this.m.values();
  }
  /** Members in Rego order (how OPA prints a set). */
  sorted(): Value[] {
    return [...this.m.values()].sort(compare);
  }
}

/** A Rego object: keys may be any value; string keys are the common fast path. */
export class RObject {
  readonly m = new Map<string, [Value, Value]>();
  constructor(entries?: Iterable<[Value, Value]>) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }
  set(k: Value, v: Value): void {
    this.m.set(keyOf(k), [k, v]);
  }
  get(k: Value): Value | undefined {
    const e = this.m.get(keyOf(k));
    return e === undefined ? undefined : e[1];
  }
  has(k: Value): boolean {
    return this.m.has(keyOf(k));
  }
  delete(k: Value): void {
    this.m.delete(keyOf(k));
  }
  get size(): number {
    return this.m.size;
  }
  entries(): IterableIterator<[Value, Value]> {
    return this.m.values();
  }
  keys(): Value[] {
    return [...this.m.values()].map((e) => e[0]);
  }
  sortedEntries(): Array<[Value, Value]> {
    return [...this.m.values()].sort((a, b) => compare(a[0], b[0]));
  }
}

export function isNum(v: Value | undefined): v is Num {
  return typeof v === 'number' || typeof v === 'bigint';
}

/** Normalises a BigInt back to a JS number when it is exactly representable. */
export function normInt(b: bigint): Num {
  return b >= -9007199254740991n && b <= 9007199254740991n ? Number(b) : b;
}

export function isInteger(n: Num): boolean {
  return typeof n === 'bigint' || Number.isInteger(n);
}

export function toBig(n: Num): bigint {
  return typeof n === 'bigint' ? n : BigInt(n);
}

function numKey(n: Num): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  return Object.is(n, -0) ? '0' : String(n);
}

/** Canonical key: equal Rego values have equal keys. Plain strings are their own key. */
export function keyOf(v: Value): string {
  if (typeof v === 'string') return v.charCodeAt(0) === 1 ? '\u0001s' + v : v;
  return '\u0001' + compositeKey(v);
}

function compositeKey(v: Value): string {
  if (v === null) return 'n';
  if (v === true) return 't';
  if (v === false) return 'f';
  if (typeof v === 'number' || typeof v === 'bigint') return '#' + numKey(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(compositeKey).join(',') + ']';
  if (v instanceof RSet) return '<' + [...v.m.keys()].sort().map((k) => JSON.stringify(k)).join(',') + '>';
  return '{' + [...v.m.keys()].sort().map((k) => JSON.stringify(k) + ':' + compositeKey(v.m.get(k)![1])).join(',') + '}';
}

function typeRank(v: Value): number {
  if (v === null) return 0;
  switch (typeof v) {
    case 'boolean':
      return 1;
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
  }
  if (Array.isArray(v)) return 4;
  if (v instanceof RObject) return 5;
  return 6;
}

export function compareNum(a: Num, b: Num): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // Mixed: compare exactly when the float is an integer, else via floats.
  const fa = typeof a === 'number' ? a : b as number;
  if (Number.isFinite(fa) && Number.isInteger(fa)) {
    const x = toBig(a), y = toBig(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = Number(a), y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function compareStr(a: string, b: string): number {
  // Go compares strings bytewise (UTF-8); code point order matches that, UTF-16 order does not.
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!, y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Rego's total order over values. */
export function compare(a: Value, b: Value): number {
  const ra = typeRank(a), rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return a === b ? 0 : a ? 1 : -1;
    case 2:
      return compareNum(a as Num, b as Num);
    case 3:
      return compareStr(a as string, b as string);
    case 4: {
      const x = a as Value[], y = b as Value[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i], y[i]);
        if (c) return c;
      }
      return x.length - y.length === 0 ? 0 : x.length < y.length ? -1 : 1;
    }
    case 5: {
      const x = (a as RObject).sortedEntries(), y = (b as RObject).sortedEntries();
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i][0], y[i][0]) || compare(x[i][1], y[i][1]);
        if (c) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    default: {
      const x = (a as RSet).sorted(), y = (b as RSet).sorted();
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compare(x[i], y[i]);
        if (c) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
  }
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  const ta = typeof a;
  if (ta === 'string' || ta === 'boolean' || a === null || b === null) return false;
  if (isNum(a) && isNum(b)) return compareNum(a, b) === 0;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof RObject) {
    if (!(b instanceof RObject) || a.size !== b.size) return false;
    for (const [k, [, v]] of a.m) {
      const e = b.m.get(k);
      if (!e || !equal(v, e[1])) return false;
    }
    return true;
  }
  if (a instanceof RSet) {
    if (!(b instanceof RSet) || a.size !== b.size) return false;
    for (const k of a.m.keys()) if (!b.m.has(k)) return false;
    return true;
  }
  return false;
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'boolean';
    case 'number':
    case 'bigint':
      return 'number';
    case 'string':
      return 'string';
  }
  if (Array.isArray(v)) return 'array';
  if (v instanceof RObject) return 'object';
  return 'set';
}

/** Plain JS (parsed JSON/YAML, possibly with BigInt) to a Rego value. */
export function fromJS(x: unknown): Value {
  if (x === null || x === undefined) return null;
  switch (typeof x) {
    case 'boolean':
    case 'string':
      return x;
    case 'number':
      return x;
    case 'bigint':
      return normInt(x);
  }
  if (Array.isArray(x)) return x.map(fromJS);
  if (x instanceof RSet || x instanceof RObject) return x;
  if (x instanceof Set) return new RSet([...x].map(fromJS));
  if (x instanceof Map) return new RObject([...x].map(([k, v]) => [fromJS(k), fromJS(v)] as [Value, Value]));
  if (x instanceof Date) return x.toISOString();
  const o = new RObject();
  for (const k of Object.keys(x as object)) o.m.set(keyOf(k), [k, fromJS((x as Record<string, unknown>)[k])]);
  return o;
}

/** Rego value to plain JSON the way OPA serialises it: sets become sorted arrays, object keys strings. */
export function toJS(v: Value): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toJS);
  if (v instanceof RSet) return v.sorted().map(toJS);
  const out: Record<string, unknown> = {};
  for (const [k, val] of v.sortedEntries()) out[typeof k === 'string' ? k : stringify(k)] = toJS(val);
  return out;
}

/** JSON text for a value (BigInt-aware, keys sorted, sets as sorted arrays). */
export function stringify(v: unknown, indent = ''): string {
  return write(v, indent, '');
}

function write(v: unknown, indent: string, cur: string): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'number':
      return formatNumber(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
  }
  const next = cur + indent;
  const nl = indent ? '\n' : '';
  const sep = indent ? ': ' : ':';
  if (Array.isArray(v) || v instanceof RSet) {
    const items = Array.isArray(v) ? v : v.sorted();
    if (!items.length) return '[]';
    return '[' + nl + items.map((x) => next + write(x, indent, next)).join(',' + nl) + nl + cur + ']';
  }
  let entries: Array<[string, unknown]>;
  if (v instanceof RObject) entries = v.sortedEntries().map(([k, x]) => [typeof k === 'string' ? k : stringify(k), x]);
  else entries = Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]]);
  if (!entries.length) return '{}';
  return '{' + nl + entries.map(([k, x]) => next + JSON.stringify(k) + sep + write(x, indent, next)).join(',' + nl) + nl + cur + '}';
}

/** Numbers print like Go's json: integers without exponent where exact, floats shortest round-trip. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  if (Number.isInteger(n)) return BigInt(n).toString();
  return String(n);
}

/** JSON.parse that keeps integers wider than 2^53 exact (as BigInt). */
export function parseJSON(text: string): unknown {
  if (!/\d{16,}/.test(text)) return JSON.parse(text);
  // Wide integers are wrapped in marker strings (a private-use character JSON allows) and revived as BigInt.
  const marker = '\ue000big:';
  return JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|(-?\d{16,})(?![.\deE])/g, (_m, str, num) => (str ? str : `"${marker}${num}"`)), (_k, val) =>
    typeof val === 'string' && val.startsWith(marker) ? normInt(BigInt(val.slice(marker.length))) : val,
  );
}
