// regex.globs_match: do two "glob-style" regular expressions (literals, `.`, `[...]` classes,
// quantifiers `*` `+` `?`) match a common non-empty string? Each pattern becomes an NFA; a
// breadth-first search of their product looks for a pair of accepting states.

import { fail, str, type BuiltinTable } from './types';

type Ranges = Array<[number, number]>;
const MAX = 0x10ffff;

interface Tok {
  set: Ranges;
  q: '' | '*' | '+' | '?';
}

function complement(r: Ranges): Ranges {
  const sorted = [...r].sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  let next = 0;
  for (const [lo, hi] of sorted) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

function parse(name: string, p: string): Tok[] {
  const chars = [...p];
  const toks: Tok[] = [];
  const bad = (pos: number, what: string): never => {
    throw fail(name, `input:${p}, pos:${pos}, ${what}: the input provided is invalid`);
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i];
    let set: Ranges;
    if (c === '*' || c === '+' || c === '?') {
      const last = toks[toks.length - 1];
      if (!last || last.q) bad(i + 1, `quantifier '${c}' without a preceding token`);
      last.q = c as Tok['q'];
      continue;
    }
    if (c === ']') bad(i + 1, "set-close ']' with no preceding '['");
    if (c === '.') set = [[0, MAX]];
    else if (c === '\\') {
      const e = chars[++i];
      if (e === undefined) bad(i, 'trailing escape');
      set = [[e.codePointAt(0)!, e.codePointAt(0)!]];
    } else if (c === '[') {
      const ranges: Ranges = [];
      let j = i + 1;
      const neg = chars[j] === '^';
      if (neg) j++;
      for (; j < chars.length && chars[j] !== ']'; j++) {
        let lo = chars[j];
        if (lo === '\\') lo = chars[++j] ?? bad(j, 'trailing escape');
        if (chars[j + 1] === '-' && chars[j + 2] !== undefined && chars[j + 2] !== ']') {
          let hi = chars[j + 2];
          j += 2;
          if (hi === '\\') hi = chars[++j] ?? bad(j, 'trailing escape');
          ranges.push([lo.codePointAt(0)!, hi.codePointAt(0)!]);
        } else ranges.push([lo.codePointAt(0)!, lo.codePointAt(0)!]);
      }
      if (j >= chars.length) bad(i + 1, "set-open '[' with no closing ']'");
      set = neg ? complement(ranges) : ranges;
      i = j;
    } else set = [[c.codePointAt(0)!, c.codePointAt(0)!]];
    toks.push({ set, q: '' });
  }
  return toks;
}

const overlaps = (a: Ranges, b: Ranges) => a.some(([l1, h1]) => b.some(([l2, h2]) => l1 <= h2 && l2 <= h1));

/** States reachable from `s` through optional tokens (`*`, `?`) without consuming a character. */
function closure(toks: Tok[], s: number): number[] {
  const out = [s];
  while (s < toks.length && (toks[s].q === '*' || toks[s].q === '?')) out.push(++s);
  return out;
}

/** States after consuming one character matched by token `s`. */
function step(toks: Tok[], s: number): number[] {
  const q = toks[s].q;
  return q === '*' || q === '+' ? [s, s + 1] : [s + 1];
}

function intersects(a: Tok[], b: Tok[]): boolean {
  const seen = new Set<string>();
  const queue: Array<[number, number, boolean]> = [];
  for (const x of closure(a, 0)) for (const y of closure(b, 0)) queue.push([x, y, false]);
  while (queue.length) {
    const [x, y, consumed] = queue.shift()!;
    const key = `${x},${y},${consumed}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (consumed && x === a.length && y === b.length) return true;
    if (x === a.length || y === b.length || !overlaps(a[x].set, b[y].set)) continue;
    for (const nx of step(a, x)) for (const cx of closure(a, nx)) for (const ny of step(b, y)) for (const cy of closure(b, ny)) queue.push([cx, cy, true]);
  }
  return false;
}

export const globsBuiltins: BuiltinTable = {
  'regex.globs_match': { arity: 2, fn: (args) => {
    const name = 'regex.globs_match';
    return intersects(parse(name, str(name, args, 0)), parse(name, str(name, args, 1)));
  } },
};
