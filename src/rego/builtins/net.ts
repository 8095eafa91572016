// net.cidr_* built-ins: IPv4 and IPv6 addresses as BigInt, so containment, intersection, expansion
// and merging are exact for both families.

import { RObject, RSet, typeName, type Value } from '../value';
import { fail, str, typeError, type BuiltinTable } from './types';

interface Net {
  v6: boolean;
  addr: bigint;
  bits: number;
}

const width = (v6: boolean) => (v6 ? 128 : 32);

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p[0] === '0')) return undefined;
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

function parseIPv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.split('::').length > 2) return undefined;
  let tail4: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.')) {
    tail4 = parseIPv4(s.slice(lastColon + 1));
    if (tail4 === undefined) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, tail] = s.split('::');
  const hs = head ? head.split(':') : [];
  const ts = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const groups = tail === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill('0'), ...ts];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  let out = 0n;
  for (const g of groups) out = (out << 16n) | BigInt(parseInt(g, 16));
  if (tail4 !== undefined) out = (out & ~0xffffffffn) | tail4;
  return out;
}

function parseIP(s: string): { v6: boolean; addr: bigint } | undefined {
  const v4 = parseIPv4(s);
  if (v4 !== undefined) return { v6: false, addr: v4 };
  const v6 = parseIPv6(s);
  return v6 === undefined ? undefined : { v6: true, addr: v6 };
}

/** A CIDR (or, when `allowIP`, a bare address as a host network). */
function parseNet(name: string, s: string, allowIP: boolean): Net {
  const slash = s.indexOf('/');
  if (slash < 0) {
    const ip = parseIP(s);
    if (!ip || !allowIP) throw fail(name, `invalid CIDR address: ${s}`);
    return { ...ip, bits: width(ip.v6) };
  }
  const ip = parseIP(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!ip || !/^\d+$/.test(bitsText) || Number(bitsText) > width(ip.v6)) throw fail(name, `invalid CIDR address: ${s}`);
  return { ...ip, bits: Number(bitsText) };
}

function mask(n: Net): bigint {
  const w = BigInt(width(n.v6));
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(n.bits))) - 1n);
}

const first = (n: Net) => n.addr & mask(n);
const last = (n: Net) => first(n) | (((1n << BigInt(width(n.v6))) - 1n) ^ mask(n));

function contains(a: Net, b: Net): boolean {
  return a.v6 === b.v6 && b.bits >= a.bits && first(a) <= first(b) && last(b) <= last(a);
}

function formatIP(v6: boolean, addr: bigint): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((addr >> s) & 255n)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((addr >> BigInt(112 - 16 * i)) & 0xffffn));
  // Longest run of zero groups (length >= 2) becomes "::", as Go prints it.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) (best = i), (bestLen = j - i);
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return hex.slice(0, best).join(':') + '::' + hex.slice(best + bestLen).join(':');
}

const formatNet = (n: Net) => `${formatIP(n.v6, first(n))}/${n.bits}`;

/** Keyed entries of a cidr_contains_matches operand: strings, [string, ...] arrays, collections. */
function matchEntries(name: string, v: Value, operand: number): Array<[Value, string]> {
  const element = (x: Value): string => {
    if (typeof x === 'string') return x;
    if (Array.isArray(x) && x.length && typeof x[0] === 'string') return x[0];
    throw fail(name, `operand ${operand}: element must be string or non-empty array`);
  };
  if (typeof v === 'string') return [[v, v]];
  if (Array.isArray(v)) return v.map((x, i) => [i, element(x)]);
  if (v instanceof RSet) return v.sorted().map((x) => [x, element(x)]);
  if (v instanceof RObject) return v.sortedEntries().map(([k, x]) => [k, element(x)]);
  throw typeError(name, operand - 1, 'one of {string, array, set, object}', v);
}

function mergeNets(nets: Net[]): Net[] {
  const out: Net[] = [];
  for (const fam of [false, true]) {
    let list = nets.filter((n) => n.v6 === fam).map((n) => ({ ...n, addr: first(n) }));
    list.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.bits - b.bits));
    // Drop networks inside an earlier one, then join adjacent siblings until nothing changes.
    let changed = true;
    while (changed) {
      changed = false;
      const kept: Net[] = [];
      for (const n of list) {
        const prev = kept[kept.length - 1];
        if (prev && contains(prev, n)) {
          changed = true;
          continue;
        }
        if (prev && prev.bits === n.bits && prev.bits > 0) {
          const parent = { v6: fam, addr: prev.addr, bits: prev.bits - 1 };
          if (first(parent) === prev.addr && last(parent) === last(n)) {
            kept[kept.length - 1] = { ...parent, addr: first(parent) };
            changed = true;
            continue;
          }
        }
        kept.push(n);
      }
      list = kept;
    }
    out.push(...list);
  }
  return out;
}

export const netBuiltins: BuiltinTable = {
  'net.cidr_contains': { arity: 2, fn: (args) => {
    const a = parseNet('net.cidr_contains', str('net.cidr_contains', args, 0), false);
    const b = parseNet('net.cidr_contains', str('net.cidr_contains', args, 1), true);
    return contains(a, b);
  } },
  'net.cidr_intersects': { arity: 2, fn: (args) => {
    const a = parseNet('net.cidr_intersects', str('net.cidr_intersects', args, 0), false);
    const b = parseNet('net.cidr_intersects', str('net.cidr_intersects', args, 1), false);
    return a.v6 === b.v6 && first(a) <= last(b) && first(b) <= last(a);
  } },
  'net.cidr_overlap': { arity: 2, fn: (args) => {
    const a = parseNet('net.cidr_overlap', str('net.cidr_overlap', args, 0), false);
    const b = parseNet('net.cidr_overlap', str('net.cidr_overlap', args, 1), true);
    return contains(a, b);
  } },
  'net.cidr_is_valid': { arity: 1, fn: ([v]) => {
    if (typeof v !== 'string') return false;
    try {
      parseNet('net.cidr_is_valid', v, false);
      return true;
    } catch {
      return false;
    }
  } },
  'net.cidr_expand': { arity: 1, fn: (args) => {
    const n = parseNet('net.cidr_expand', str('net.cidr_expand', args, 0), false);
    const size = last(n) - first(n) + 1n;
    if (size > 65536n * 16n) throw fail('net.cidr_expand', 'CIDR too large to expand');
    const out = new RSet();
    for (let a = first(n); a <= last(n); a++) out.add(formatIP(n.v6, a));
    return out;
  } },
  'net.cidr_contains_matches': { arity: 2, fn: (args) => {
    const name = 'net.cidr_contains_matches';
    const cidrs = matchEntries(name, args[0], 1), targets = matchEntries(name, args[1], 2);
    const out = new RSet();
    for (const [k1, c] of cidrs) {
      const net = parseNet(name, c, false);
      for (const [k2, t] of targets) if (contains(net, parseNet(name, t, true))) out.add([k1, k2]);
    }
    return out;
  } },
  'net.cidr_merge': { arity: 1, fn: (args) => {
    const name = 'net.cidr_merge';
    const v = args[0];
    const items = Array.isArray(v) ? v : v instanceof RSet ? v.sorted() : undefined;
    if (!items) throw typeError(name, 0, 'one of {array, set}', v);
    const nets = items.map((x) => {
      if (typeof x !== 'string') throw fail(name, `element must be string but got ${typeName(x)}`);
      if (!x.includes('/')) {
        const ip = parseIP(x);
        if (!ip) throw fail(name, `invalid CIDR address: ${x}`);
        if (ip.v6) throw fail(name, 'IPv6 invalid: needs prefix length');
        // Like Go's IP.DefaultMask: the classful mask of the address.
        const a = Number(ip.addr >> 24n);
        return { ...ip, bits: a < 128 ? 8 : a < 192 ? 16 : a < 224 ? 24 : 32 };
      }
      return parseNet(name, x, false);
    });
    return new RSet(mergeNets(nets).map(formatNet));
  } },
};
