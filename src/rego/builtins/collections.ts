// Aggregates, arrays, sets, objects and type built-ins: count/max/min/sort, array.*, set ops,
// object.*, json.filter/remove/patch, walk, is_* and type_name.

import { BuiltinError } from '../errors';
import { compare, equal, isNum, keyOf, RObject, RSet, typeName, type Value } from '../value';
import { arr, collection, fail, int, obj, set, str, typeError, type BuiltinTable } from './types';

function count(v: Value): number | undefined {
  if (typeof v === 'string') return [...v].length;
  if (Array.isArray(v)) return v.length;
  if (v instanceof RSet || v instanceof RObject) return v.size;
  return undefined;
}

/** A JSON-pointer-ish path operand: "a/b" string or ["a", "b"] array. */
function pathParts(name: string, p: Value, operand: number): Value[] {
  if (typeof p === 'string') return p.replace(/^\//, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (Array.isArray(p)) return p;
  throw new BuiltinError(`${name}: operand ${operand} must be one of {set, array} containing string paths or array of path segments but got ${typeName(p)}`, 'eval_type_error');
}

interface PathTree {
  leaf: boolean;
  kids: Map<string, { key: Value; tree: PathTree }>;
}

function buildTree(paths: Value[][]): PathTree {
  const root: PathTree = { leaf: false, kids: new Map() };
  for (const p of paths) {
    let t = root;
    for (const seg of p) {
      const k = keyOf(seg);
      let e = t.kids.get(k);
      if (!e) t.kids.set(k, (e = { key: seg, tree: { leaf: false, kids: new Map() } }));
      t = e.tree;
    }
    t.leaf = true;
  }
  return root;
}

function keyMatches(k: Value, seg: Value): boolean {
  if (equal(k, seg)) return true;
  // Paths given as strings address array indices and non-string keys by their text.
  return typeof seg === 'string' && (typeof k === 'number' || typeof k === 'bigint') && String(k) === seg;
}

function filterDoc(v: Value, t: PathTree): Value | undefined {
  if (t.leaf) return v;
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.entries()) {
      for (const e of t.kids.values()) {
        if (keyMatches(k, e.key)) {
          const r = filterDoc(x, e.tree);
          if (r !== undefined) out.set(k, r);
        }
      }
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      for (const e of t.kids.values()) if (keyMatches(i, e.key)) {
        const r = filterDoc(x, e.tree);
        if (r !== undefined) out.push(r);
      }
    });
    return out;
  }
  if (v instanceof RSet) {
    const out = new RSet();
    for (const x of v.values()) for (const e of t.kids.values()) if (keyMatches(x, e.key)) {
      const r = filterDoc(x, e.tree);
      if (r !== undefined) out.add(r);
    }
    return out;
  }
  return undefined;
}

function removeDoc(v: Value, t: PathTree): Value | undefined {
  if (t.leaf) return undefined;
  const find = (k: Value) => [...t.kids.values()].find((e) => keyMatches(k, e.key));
  if (v instanceof RObject) {
    const out = new RObject();
    for (const [k, x] of v.entries()) {
      const e = find(k);
      if (!e) out.set(k, x);
      else {
        const r = removeDoc(x, e.tree);
        if (r !== undefined) out.set(k, r);
      }
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: Value[] = [];
    v.forEach((x, i) => {
      const e = find(i);
      if (!e) out.push(x);
      else {
        const r = removeDoc(x, e.tree);
        if (r !== undefined) out.push(r);
      }
    });
    return out;
  }
  if (v instanceof RSet) {
    const out = new RSet();
    for (const x of v.values()) {
      const e = find(x);
      if (!e) out.add(x);
      else {
        const r = removeDoc(x, e.tree);
        if (r !== undefined) out.add(r);
      }
    }
    return out;
  }
  return v;
}

function pathsOperand(name: string, args: Value[], i: number): Value[][] {
  const p = args[i];
  if (!(Array.isArray(p) || p instanceof RSet)) throw typeError(name, i, 'one of {set, array}', p);
  const items = Array.isArray(p) ? p : p.sorted();
  return items.map((x) => pathParts(name, x, i + 1));
}

function unionObjects(a: RObject, b: RObject): RObject {
  const out = new RObject(a.entries());
  for (const [k, v] of b.entries()) {
    const prev = out.get(k);
    out.set(k, prev instanceof RObject && v instanceof RObject ? unionObjects(prev, v) : v);
  }
  return out;
}

function isSubset(sup: Value, sub: Value): boolean {
  if (sup instanceof RObject && sub instanceof RObject) {
    for (const [k, v] of sub.entries()) {
      const x = sup.get(k);
      if (x === undefined) return false;
      if (x instanceof RObject && v instanceof RObject) {
        if (!isSubset(x, v)) return false;
      } else if (x instanceof RSet && v instanceof RSet) {
        if (!isSubset(x, v)) return false;
      } else if (Array.isArray(x) && Array.isArray(v)) {
        if (!isSubset(x, v)) return false;
      } else if (!equal(x, v)) return false;
    }
    return true;
  }
  if (sup instanceof RSet && sub instanceof RSet) return [...sub.values()].every((v) => sup.has(v));
  if (Array.isArray(sup) && Array.isArray(sub)) {
    if (!sub.length) return true;
    for (let i = 0; i + sub.length <= sup.length; i++) if (sub.every((v, j) => equal(sup[i + j], v))) return true;
    return false;
  }
  if (sup instanceof RSet && Array.isArray(sub)) return sub.every((v) => sup.has(v));
  if (Array.isArray(sup) && sub instanceof RSet) return [...sub.values()].every((v) => sup.some((x) => equal(x, v)));
  return equal(sup, sub);
}

function walk(v: Value, path: Value[], out: Value[]): void {
  out.push([path, v]);
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i], out));
  else if (v instanceof RObject) for (const [k, x] of v.sortedEntries()) walk(x, [...path, k], out);
  else if (v instanceof RSet) for (const x of v.sorted()) walk(x, [...path, x], out);
}

/** One level of flattening, as OPA's array.flatten. */
function flatten(a: Value[]): Value[] {
  return a.flatMap((x) => (Array.isArray(x) ? x : [x]));
}

function jsonPatch(doc: Value, ops: Value[]): Value | undefined {
  let cur = doc;
  for (const op of ops) {
    if (!(op instanceof RObject)) throw fail('json.patch', 'operation must be an object');
    const kind = op.get('op'), path = op.get('path');
    if (typeof kind !== 'string' || typeof path !== 'string' && !Array.isArray(path)) throw fail('json.patch', 'invalid operation');
    const parts = typeof path === 'string' ? (path === '' ? [] : path.replace(/^\//, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'))) : path;
    const fromV = op.get('from');
    const from = typeof fromV === 'string' ? (fromV === '' ? [] : fromV.replace(/^\//, '').split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'))) : Array.isArray(fromV) ? fromV : undefined;
    let r: Value | undefined;
    switch (kind) {
      case 'add':
        if (!op.has('value')) return undefined;
        r = patchAdd(cur, parts, op.get('value')!);
        break;
      case 'remove':
        r = patchRemove(cur, parts);
        break;
      case 'replace':
        if (!op.has('value')) return undefined;
        if (!parts.length) r = op.get('value')!;
        else {
          r = patchRemove(cur, parts);
          if (r !== undefined) r = patchAdd(r, parts, op.get('value')!);
        }
        break;
      case 'move': {
        if (!from) return undefined;
        const v = getPath(cur, from);
        if (v === undefined) return undefined;
        r = patchRemove(cur, from);
        if (r !== undefined) r = patchAdd(r, parts, v);
        break;
      }
      case 'copy': {
        if (!from) return undefined;
        const v = getPath(cur, from);
        r = v === undefined ? undefined : patchAdd(cur, parts, v);
        break;
      }
      case 'test': {
        const v = getPath(cur, parts);
        r = v !== undefined && equal(v, op.get('value')!) ? cur : undefined;
        break;
      }
      default:
        throw fail('json.patch', `invalid op ${kind}`);
    }
    if (r === undefined) return undefined;
    cur = r;
  }
  return cur;
}

/** An array index segment: "0" or digits without a leading zero (JSON Pointer). */
function arrayIndex(seg: Value): number {
  if (typeof seg === 'number') return Number.isInteger(seg) ? seg : -1;
  return typeof seg === 'string' && /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : -1;
}

function getPath(v: Value, parts: Value[]): Value | undefined {
  let cur: Value | undefined = v;
  for (const p of parts) {
    if (cur instanceof RObject) cur = cur.get(p);
    else if (Array.isArray(cur)) {
      const i = arrayIndex(p);
      cur = i >= 0 && i < cur.length ? cur[i] : undefined;
    } else if (cur instanceof RSet) cur = cur.has(p) ? p : undefined;
    else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function patchAdd(v: Value, parts: Value[], value: Value): Value | undefined {
  if (!parts.length) return value;
  const [head, ...rest] = parts;
  if (v instanceof RObject) {
    const out = new RObject(v.entries());
    if (!rest.length) out.set(head, value);
    else {
      const c = v.get(head);
      if (c === undefined) return undefined;
      const r = patchAdd(c, rest, value);
      if (r === undefined) return undefined;
      out.set(head, r);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const i = head === '-' ? v.length : arrayIndex(head);
    if (i < 0 || i > v.length) return undefined;
    if (!rest.length) return [...v.slice(0, i), value, ...v.slice(i)];
    if (i >= v.length) return undefined;
    const r = patchAdd(v[i], rest, value);
    return r === undefined ? undefined : v.map((x, j) => (j === i ? r : x));
  }
  if (v instanceof RSet) {
    // Set members are addressed by themselves: adding requires the path to name the value.
    if (!rest.length) {
      if (!equal(head, value)) return undefined;
      const out = new RSet(v.values());
      out.add(value);
      return out;
    }
    if (!v.has(head)) return undefined;
    const r = patchAdd(head, rest, value);
    return r === undefined ? undefined : new RSet([...v.values()].map((x) => (equal(x, head) ? r : x)));
  }
  return undefined;
}

function patchRemove(v: Value, parts: Value[]): Value | undefined {
  if (!parts.length) return undefined;
  const [head, ...rest] = parts;
  if (v instanceof RObject) {
    const c = v.get(head);
    if (c === undefined) return undefined;
    const out = new RObject(v.entries());
    if (!rest.length) out.delete(head);
    else {
      const r = patchRemove(c, rest);
      if (r === undefined) return undefined;
      out.set(head, r);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const i = arrayIndex(head);
    if (i < 0 || i >= v.length) return undefined;
    if (!rest.length) return v.filter((_, j) => j !== i);
    const r = patchRemove(v[i], rest);
    return r === undefined ? undefined : v.map((x, j) => (j === i ? r : x));
  }
  if (v instanceof RSet && !rest.length) {
    if (!v.has(head)) return undefined;
    return new RSet([...v.values()].filter((x) => !equal(x, head)));
  }
  return undefined;
}

const is = (t: string) => ({ arity: 1, fn: ([v]: Value[]) => typeName(v) === t });

export const collectionBuiltins: BuiltinTable = {
  count: { arity: 1, fn: (args) => {
    const n = count(args[0]);
    if (n === undefined) throw typeError('count', 0, 'one of {array, object, set, string}', args[0]);
    return n;
  } },
  max: { arity: 1, fn: (args) => {
    const items = collection('max', args, 0);
    return items.length ? items.reduce((a, b) => (compare(a, b) >= 0 ? a : b)) : undefined;
  } },
  min: { arity: 1, fn: (args) => {
    const items = collection('min', args, 0);
    return items.length ? items.reduce((a, b) => (compare(a, b) <= 0 ? a : b)) : undefined;
  } },
  sort: { arity: 1, fn: (args) => [...collection('sort', args, 0)].sort(compare) },
  all: { arity: 1, fn: (args) => collection('all', args, 0).every((v) => v === true) },
  any: { arity: 1, fn: (args) => collection('any', args, 0).some((v) => v === true) },
  'array.concat': { arity: 2, fn: (args) => [...arr('array.concat', args, 0), ...arr('array.concat', args, 1)] },
  'array.slice': { arity: 3, fn: (args) => {
    const a = arr('array.slice', args, 0);
    let s = int('array.slice', args, 1), e = int('array.slice', args, 2);
    s = Math.max(0, s);
    e = Math.min(a.length, e);
    return s >= e ? [] : a.slice(s, e);
  } },
  'array.reverse': { arity: 1, fn: (args) => [...arr('array.reverse', args, 0)].reverse() },
  'array.flatten': { arity: 1, fn: (args) => flatten(arr('array.flatten', args, 0)) },
  intersection: { arity: 1, fn: (args) => {
    const sets = set('intersection', args, 0).sorted();
    for (const s of sets) if (!(s instanceof RSet)) throw typeError('intersection', 0, 'set of sets', args[0]);
    if (!sets.length) return new RSet();
    return new RSet([...(sets[0] as RSet).values()].filter((v) => sets.every((s) => (s as RSet).has(v))));
  } },
  union: { arity: 1, fn: (args) => {
    const out = new RSet();
    for (const s of set('union', args, 0).values()) {
      if (!(s instanceof RSet)) throw typeError('union', 0, 'set of sets', args[0]);
      for (const v of s.values()) out.add(v);
    }
    return out;
  } },
  'object.get': { arity: 3, fn: (args) => {
    const o = args[0];
    if (!(o instanceof RObject)) throw typeError('object.get', 0, 'object', o);
    const key = args[1];
    if (Array.isArray(key)) {
      let cur: Value | undefined = o;
      for (const k of key) {
        if (cur instanceof RObject) cur = cur.get(k);
        else if (Array.isArray(cur)) cur = typeof k === 'number' && Number.isInteger(k) && k >= 0 && k < cur.length ? cur[k] : undefined;
        else if (cur instanceof RSet) cur = cur.has(k) ? k : undefined;
        else cur = undefined;
        if (cur === undefined) return args[2];
      }
      return cur;
    }
    const v = o.get(key);
    return v === undefined ? args[2] : v;
  } },
  'object.keys': { arity: 1, fn: (args) => new RSet(obj('object.keys', args, 0).keys()) },
  'object.remove': { arity: 2, fn: (args) => {
    const o = obj('object.remove', args, 0);
    const ks = args[1];
    let keys: Value[];
    if (Array.isArray(ks)) keys = ks;
    else if (ks instanceof RSet) keys = [...ks.values()];
    else if (ks instanceof RObject) keys = ks.keys();
    else throw typeError('object.remove', 1, 'one of {object, set, array}', ks);
    const out = new RObject(o.entries());
    for (const k of keys) out.delete(k);
    return out;
  } },
  'object.filter': { arity: 2, fn: (args) => {
    const o = obj('object.filter', args, 0);
    const ks = args[1];
    let keys: Value[];
    if (Array.isArray(ks)) keys = ks;
    else if (ks instanceof RSet) keys = [...ks.values()];
    else if (ks instanceof RObject) keys = ks.keys();
    else throw typeError('object.filter', 1, 'one of {object, set, array}', ks);
    const out = new RObject();
    for (const k of keys) {
      const v = o.get(k);
      if (v !== undefined) out.set(k, v);
    }
    return out;
  } },
  'object.union': { arity: 2, fn: (args) => unionObjects(obj('object.union', args, 0), obj('object.union', args, 1)) },
  'object.union_n': { arity: 1, fn: (args) => {
    let out = new RObject();
    for (const o of arr('object.union_n', args, 0)) {
      if (!(o instanceof RObject)) throw typeError('object.union_n', 0, 'array of objects', args[0]);
      out = unionObjects(out, o);
    }
    return out;
  } },
  'object.subset': { arity: 2, fn: (args) => {
    const [a, b] = args;
    const ok = (v: Value) => v instanceof RObject || v instanceof RSet || Array.isArray(v);
    if (!ok(a)) throw typeError('object.subset', 0, 'one of {array, object, set}', a);
    if (!ok(b)) throw typeError('object.subset', 1, 'one of {array, object, set}', b);
    if (a instanceof RObject !== b instanceof RObject) throw fail('object.subset', 'both arguments must be objects');
    return isSubset(a, b);
  } },
  'json.filter': { arity: 2, fn: (args) => {
    const o = obj('json.filter', args, 0);
    return filterDoc(o, buildTree(pathsOperand('json.filter', args, 1))) ?? new RObject();
  } },
  'json.remove': { arity: 2, fn: (args) => {
    const o = obj('json.remove', args, 0);
    return removeDoc(o, buildTree(pathsOperand('json.remove', args, 1))) ?? new RObject();
  } },
  'json.patch': { arity: 2, fn: (args) => jsonPatch(args[0], arr('json.patch', args, 1)) },
  walk: { arity: 1, relation: true, fn: (args) => {
    const out: Value[] = [];
    walk(args[0], [], out);
    return out;
  } },
  is_number: { arity: 1, fn: ([v]) => isNum(v) },
  is_string: is('string'),
  is_boolean: is('boolean'),
  is_array: is('array'),
  is_set: is('set'),
  is_object: is('object'),
  is_null: is('null'),
  type_name: { arity: 1, fn: ([v]) => typeName(v) },
  'internal.print': { arity: 1, fn: () => true },
  trace: { arity: 1, fn: (args) => (str('trace', args, 0), true) },
};
