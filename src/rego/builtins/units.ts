// units.parse / units.parse_bytes: SI and IEC suffixes with exact decimal arithmetic (so
// "0.0000005M" is exactly 0.5 and "10Ei" an exact integer beyond 2^53).

import { normInt, type Num } from '../value';
import { fail, str, type BuiltinTable } from './types';

const SI: Record<string, bigint> = { k: 10n ** 3n, m: 10n ** 6n, g: 10n ** 9n, t: 10n ** 12n, p: 10n ** 15n, e: 10n ** 18n };
const IEC: Record<string, bigint> = { ki: 2n ** 10n, mi: 2n ** 20n, gi: 2n ** 30n, ti: 2n ** 40n, pi: 2n ** 50n, ei: 2n ** 60n };
const MAX_EXPONENT = 1000;

/** A decimal as numerator / 10^scale. */
interface Decimal {
  n: bigint;
  scale: number;
}

function parseDecimal(name: string, s: string, what: string): Decimal {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw fail(name, `could not parse ${what} to a number`);
  const digits = (m[2] || '0') + (m[3] ?? '');
  let scale = (m[3] ?? '').length;
  const exp = m[4] ? Number(m[4]) : 0;
  if (Math.abs(exp) > MAX_EXPONENT) throw fail(name, 'exponent too large');
  scale -= exp;
  let n = BigInt(digits) * (m[1] === '-' ? -1n : 1n);
  if (scale < 0) {
    n *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { n, scale };
}

function toNumber(d: Decimal): Num {
  const div = 10n ** BigInt(d.scale);
  if (d.n % div === 0n) return normInt(d.n / div);
  const neg = d.n < 0n;
  const abs = (neg ? -d.n : d.n).toString().padStart(d.scale + 1, '0');
  return Number((neg ? '-' : '') + abs.slice(0, abs.length - d.scale) + '.' + abs.slice(abs.length - d.scale));
}

/** Splits "1.5Ki" into number text and unit, allowing an exponent only when digits follow the `e`. */
function split(name: string, raw: string, what: string): [string, string] {
  const s = raw.replace(/"/g, '');
  if (/\s/.test(s)) throw fail(name, 'spaces not allowed in resource strings');
  const m = /^[-+]?\d*(?:\.\d*)*(?:[eE][-+]?\d+)?/.exec(s)!;
  let num = m[0];
  // "10e" is ten exa, not an exponent: only take the exponent when digits follow.
  if (/[eE]$/.test(num)) num = num.slice(0, -1);
  if (num === '' || num === '-' || num === '+' || num === '.') throw fail(name, `no ${what} provided`);
  return [num, s.slice(num.length)];
}

export const unitBuiltins: BuiltinTable = {
  'units.parse': { arity: 1, fn: (args) => {
    const name = 'units.parse';
    const [num, unit] = split(name, str(name, args, 0), 'amount');
    const d = parseDecimal(name, num, 'amount');
    if (unit === 'm') return toNumber({ n: d.n, scale: d.scale + 3 });
    const u = unit.toLowerCase();
    if (u === '') return toNumber(d);
    const mult = unit === 'M' ? SI.m : SI[u] ?? IEC[u];
    if (mult === undefined) throw fail(name, `unknown unit ${unit}`);
    return toNumber({ n: d.n * mult, scale: d.scale });
  } },
  'units.parse_bytes': { arity: 1, fn: (args) => {
    const name = 'units.parse_bytes';
    const [num, unit] = split(name, str(name, args, 0), 'byte amount');
    const d = parseDecimal(name, num, 'byte amount');
    const u = unit.toLowerCase().replace(/b$/, '');
    const mult = u === '' ? 1n : SI[u] ?? IEC[u];
    if (mult === undefined) throw fail(name, `byte unit ${unit} not recognized`);
    return normInt((d.n * mult) / 10n ** BigInt(d.scale));
  } },
};
