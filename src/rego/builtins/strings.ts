// String built-ins with Go semantics: lengths and offsets count Unicode code points (runes),
// `trim` takes a cutset, `format_int` bases, `sprintf` Go verbs (see ../format.ts).

import { BuiltinError } from '../errors';
import { sprintf } from '../format';
import { isInteger, isNum, normInt, RObject, RSet, toBig, typeName, type Value } from '../value';
import { collection, fail, int, num, str, typeError, type BuiltinTable } from './types';

const runes = (s: string) => [...s];

function trimLeftSet(s: string, cut: string): string {
  const set = new Set(runes(cut));
  const r = runes(s);
  let i = 0;
  while (i < r.length && set.has(r[i])) i++;
  return r.slice(i).join('');
}

function trimRightSet(s: string, cut: string): string {
  const set = new Set(runes(cut));
  const r = runes(s);
  let j = r.length;
  while (j > 0 && set.has(r[j - 1])) j--;
  return r.slice(0, j).join('');
}

/** Go's strings.TrimSpace: Unicode white space. */
function trimSpace(s: string): string {
  return s.replace(/^[\s\u0085]+|[\s\u0085]+$/gu, '');
}

function strOrColl(name: string, args: Value[], i: number): string[] {
  const v = args[i];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) || v instanceof RSet) {
    const items = Array.isArray(v) ? v : v.sorted();
    return items.map((x) => {
      if (typeof x !== 'string') throw new BuiltinError(`${name}: operand ${i + 1} must be ${Array.isArray(v) ? 'array' : 'set'} of strings but got ${Array.isArray(v) ? 'array' : 'set'} containing ${typeName(x)}`, 'eval_type_error');
      return x;
    });
  }
  throw typeError(name, i, 'one of {string, set, array}', v);
}

function indexOfRunes(s: string, sub: string, from = 0): number {
  const r = runes(s), p = runes(sub);
  outer: for (let i = from; i + p.length <= r.length; i++) {
    for (let j = 0; j < p.length; j++) if (r[i + j] !== p[j]) continue outer;
    return i;
  }
  return -1;
}

export const stringBuiltins: BuiltinTable = {
  concat: { arity: 2, fn: (args) => {
    const d = str('concat', args, 0);
    const items = collection('concat', args, 1, 'one of {array, set}');
    return items.map((x) => {
      if (typeof x !== 'string') throw typeError('concat', 1, 'one of {array, set}', args[1]);
      return x;
    }).join(d);
  } },
  contains: { arity: 2, fn: (args) => str('contains', args, 0).includes(str('contains', args, 1)) },
  startswith: { arity: 2, fn: (args) => str('startswith', args, 0).startsWith(str('startswith', args, 1)) },
  endswith: { arity: 2, fn: (args) => str('endswith', args, 0).endsWith(str('endswith', args, 1)) },
  'strings.any_prefix_match': { arity: 2, fn: (args) => {
    const a = strOrColl('strings.any_prefix_match', args, 0), b = strOrColl('strings.any_prefix_match', args, 1);
    return a.some((s) => b.some((p) => s.startsWith(p)));
  } },
  'strings.any_suffix_match': { arity: 2, fn: (args) => {
    const a = strOrColl('strings.any_suffix_match', args, 0), b = strOrColl('strings.any_suffix_match', args, 1);
    return a.some((s) => b.some((p) => s.endsWith(p)));
  } },
  lower: { arity: 1, fn: (args) => str('lower', args, 0).toLowerCase() },
  upper: { arity: 1, fn: (args) => str('upper', args, 0).toUpperCase() },
  split: { arity: 2, fn: (args) => {
    const s = str('split', args, 0), d = str('split', args, 1);
    return d === '' ? runes(s) : s.split(d);
  } },
  'strings.split_n': { arity: 3, fn: (args) => {
    const name = 'strings.split_n';
    const s = str(name, args, 0), d = str(name, args, 1);
    const k = int(name, args, 2);
    const parts = d === '' ? runes(s) : s.split(d);
    // The first n parts, or with a negative n the last |n| parts.
    return k >= 0 ? parts.slice(0, k) : parts.slice(Math.max(0, parts.length + k));
  } },
  replace: { arity: 3, fn: (args) => str('replace', args, 0).split(str('replace', args, 1)).join(str('replace', args, 2)) },
  'strings.replace_n': { arity: 2, fn: (args) => {
    const pats = args[0];
    if (!(pats instanceof RObject)) throw typeError('strings.replace_n', 0, 'object', pats);
    let s = str('strings.replace_n', args, 1);
    const entries = pats.sortedEntries();
    for (const [k, v] of entries) {
      if (typeof k !== 'string') throw new BuiltinError('strings.replace_n: operand 1 non-string key found in pattern object', 'eval_type_error');
      if (typeof v !== 'string') throw new BuiltinError('strings.replace_n: operand 1 non-string value found in pattern object', 'eval_type_error');
    }
    // Go's strings.NewReplacer: at each position the first matching pattern (in argument order) wins.
    let out = '';
    let i = 0;
    outer: while (i < s.length) {
      for (const [k, v] of entries) {
        const key = k as string;
        if (key !== '' && s.startsWith(key, i)) {
          out += v as string;
          i += key.length;
          continue outer;
        }
      }
      out += s[i++];
    }
    s = out;
    return s;
  } },
  'strings.reverse': { arity: 1, fn: (args) => runes(str('strings.reverse', args, 0)).reverse().join('') },
  'strings.count': { arity: 2, fn: (args) => {
    const s = str('strings.count', args, 0), sub = str('strings.count', args, 1);
    if (sub === '') return runes(s).length + 1;
    return s.split(sub).length - 1;
  } },
  substring: { arity: 3, fn: (args) => {
    const s = str('substring', args, 0);
    const start = int('substring', args, 1), len = int('substring', args, 2);
    if (start < 0) throw fail('substring', 'negative offset');
    const r = runes(s);
    if (start >= r.length) return '';
    return len < 0 ? r.slice(start).join('') : r.slice(start, start + len).join('');
  } },
  indexof: { arity: 2, fn: (args) => indexOfRunes(str('indexof', args, 0), str('indexof', args, 1)) },
  indexof_n: { arity: 2, fn: (args) => {
    const s = str('indexof_n', args, 0), sub = str('indexof_n', args, 1);
    const out: Value[] = [];
    let i = indexOfRunes(s, sub);
    while (i >= 0) {
      out.push(i);
      i = indexOfRunes(s, sub, i + 1);
    }
    return out;
  } },
  trim: { arity: 2, fn: (args) => trimRightSet(trimLeftSet(str('trim', args, 0), str('trim', args, 1)), str('trim', args, 1)) },
  trim_left: { arity: 2, fn: (args) => trimLeftSet(str('trim_left', args, 0), str('trim_left', args, 1)) },
  trim_right: { arity: 2, fn: (args) => trimRightSet(str('trim_right', args, 0), str('trim_right', args, 1)) },
  trim_prefix: { arity: 2, fn: (args) => {
    const s = str('trim_prefix', args, 0), p = str('trim_prefix', args, 1);
    return s.startsWith(p) ? s.slice(p.length) : s;
  } },
  trim_suffix: { arity: 2, fn: (args) => {
    const s = str('trim_suffix', args, 0), p = str('trim_suffix', args, 1);
    return p && s.endsWith(p) ? s.slice(0, s.length - p.length) : s;
  } },
  trim_space: { arity: 1, fn: (args) => trimSpace(str('trim_space', args, 0)) },
  format_int: { arity: 2, fn: (args) => {
    const n = num('format_int', args, 0);
    const base = num('format_int', args, 1);
    if (![2, 8, 10, 16].includes(Number(base))) throw new BuiltinError('format_int: operand 2 must be one of {2, 8, 10, 16}', 'eval_type_error');
    const i = isInteger(n) ? toBig(n) : BigInt(Math.trunc(n as number));
    return (i < 0n ? '-' : '') + (i < 0n ? -i : i).toString(Number(base));
  } },
  sprintf: { arity: 2, fn: (args) => {
    const f = str('sprintf', args, 0);
    const a = args[1];
    if (!Array.isArray(a)) throw typeError('sprintf', 1, 'array', a);
    return sprintf(f, a);
  } },
  to_number: { arity: 1, fn: (args) => {
    const v = args[0];
    if (v === null) return 0;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (isNum(v)) return v;
    if (typeof v === 'string') {
      const t = v;
      if (/^[-+]?\d+$/.test(t)) return normInt(BigInt(t));
      if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
      if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t) || /^[-+]?(inf|infinity|nan)$/i.test(t)) throw fail('to_number', `invalid syntax`);
      throw fail('to_number', `invalid syntax`);
    }
    throw typeError('to_number', 0, 'one of {null, boolean, number, string}', v);
  } },
};

