// time.* built-ins over int64 nanosecond timestamps (BigInt), IANA time zones through Intl, and
// Go reference-time layouts ("2006-01-02T15:04:05Z07:00") for parsing and formatting.

import { isInteger, isNum, normInt, toBig, type Value } from '../value';
import { fail, int, str, typeError, type BuiltinTable } from './types';

const NS = 1_000_000_000n;
const MIN_NS = -(2n ** 63n), MAX_NS = 2n ** 63n - 1n;
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const NAMED: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006', UnixDate: 'Mon Jan _2 15:04:05 MST 2006', RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST', RFC822Z: '02 Jan 06 15:04 -0700', RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST', RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700', RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00', Kitchen: '3:04PM', Stamp: 'Jan _2 15:04:05', StampMilli: 'Jan _2 15:04:05.000',
  StampMicro: 'Jan _2 15:04:05.000000', StampNano: 'Jan _2 15:04:05.000000000', DateTime: '2006-01-02 15:04:05', DateOnly: '2006-01-02', TimeOnly: '15:04:05',
};

/** Days since 1970-01-01 for a proleptic Gregorian date (month 1-12, any day offset). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const tzCache = new Map<string, Intl.DateTimeFormat>();

/** Offset from UTC in seconds of zone `tz` at the instant `sec`. */
function offsetAt(name: string, tz: string, sec: number): number {
  if (tz === '' || tz === 'UTC') return 0;
  let f = tzCache.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz === 'Local' ? undefined : tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
    } catch {
      throw fail(name, `unknown time zone ${tz}`);
    }
    tzCache.set(tz, f);
  }
  const ms = Math.max(-8.64e15, Math.min(8.64e15, sec * 1000));
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
  const local = daysFromCivil(year, Number(parts.month), Number(parts.day)) * 86400 + Number(parts.hour) * 3600 + Number(parts.minute) * 60 + Number(parts.second);
  return local - Math.floor(ms / 1000);
}

interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  min: number;
  sec: number;
  nsec: number;
  weekday: number;
  yday: number;
  offset: number;
  zone: string;
}

function civil(name: string, ns: bigint, tz: string): Civil {
  const secs = ns >= 0n ? ns / NS : -((-ns + NS - 1n) / NS);
  const nsec = Number(ns - secs * NS);
  const offset = offsetAt(name, tz, Number(secs));
  const local = Number(secs) + offset;
  const days = Math.floor(local / 86400);
  const rem = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year, month, day, hour: Math.floor(rem / 3600), min: Math.floor((rem % 3600) / 60), sec: rem % 60, nsec,
    weekday: (((days + 4) % 7) + 7) % 7, yday: days - daysFromCivil(year, 1, 1) + 1, offset, zone: tz === '' ? 'UTC' : tz,
  };
}

/** The nanosecond operand: a number, or [ns, zone] / [ns, zone, layout]. */
function timeArg(name: string, v: Value): { ns: bigint; tz: string; layout?: string } {
  if (isNum(v)) return { ns: toNs(name, v), tz: 'UTC' };
  if (Array.isArray(v) && v.length >= 1 && v.length <= 3 && isNum(v[0])) {
    const tz = v[1] ?? 'UTC';
    if (typeof tz !== 'string') throw typeError(name, 0, 'string time zone', tz);
    const layout = v[2];
    if (layout !== undefined && typeof layout !== 'string') throw typeError(name, 0, 'string layout', layout);
    return { ns: toNs(name, v[0]), tz, layout };
  }
  throw typeError(name, 0, 'either number (ns) or [number (ns), string (tz)]', v);
}

function toNs(name: string, v: Value): bigint {
  const n = v as number | bigint;
  const b = isInteger(n) ? toBig(n) : BigInt(Math.trunc(n as number));
  if (b < MIN_NS || b > MAX_NS) throw fail(name, 'timestamp too big');
  return b;
}

function checkRange(name: string, ns: bigint): Value {
  if (ns < MIN_NS || ns > MAX_NS) throw fail(name, 'time outside of valid range');
  return normInt(ns);
}

function fromCivil(y: number, mo: number, d: number, h: number, mi: number, s: number, nsec: number, offset: number): bigint {
  const days = daysFromCivil(y, 1, 1) + monthDays(y, mo) + (d - 1);
  return (BigInt(days) * 86400n + BigInt(h * 3600 + mi * 60 + s - offset)) * NS + BigInt(nsec);
}

/** Days from Jan 1 to the first of month `mo` (any integer month, normalised like Go). */
function monthDays(y: number, mo: number): number {
  const yy = y + Math.floor((mo - 1) / 12);
  const mm = ((((mo - 1) % 12) + 12) % 12) + 1;
  return daysFromCivil(yy, mm, 1) - daysFromCivil(y, 1, 1);
}

const pad = (n: number, w: number) => String(Math.abs(n)).padStart(w, '0');
const LAYOUT_TOKENS = ['January', 'Monday', '2006', '-07:00:00', '-0700', '-07:00', 'Z07:00:00', 'Z07:00', 'Z0700', 'Z07', '-07', 'Jan', 'Mon', 'MST', '002', '__2', '_2', '01', '02', '03', '04', '05', '06', '15', 'PM', 'pm', '1', '2', '3', '4', '5'];

function tokenizeLayout(layout: string): Array<{ tok?: string; lit?: string }> {
  const out: Array<{ tok?: string; lit?: string }> = [];
  let i = 0;
  while (i < layout.length) {
    const frac = /^[.,](0+|9+)(?!\d)/.exec(layout.slice(i));
    if (frac && (i === 0 || true)) {
      out.push({ tok: frac[0] });
      i += frac[0].length;
      continue;
    }
    const t = LAYOUT_TOKENS.find((x) => layout.startsWith(x, i));
    if (t) {
      out.push({ tok: t });
      i += t.length;
    } else {
      out.push({ lit: layout[i] });
      i++;
    }
  }
  return out;
}

function formatOffset(off: number, tok: string): string {
  if (tok.startsWith('Z') && off === 0) return 'Z';
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  const h = pad(Math.floor(a / 3600), 2), m = pad(Math.floor((a % 3600) / 60), 2), s = pad(a % 60, 2);
  const core = tok.replace(/^Z/, '-');
  if (core === '-07') return sign + h;
  if (core === '-0700') return sign + h + m;
  if (core === '-07:00') return sign + h + ':' + m;
  return sign + h + ':' + m + ':' + s;
}

function formatTime(c: Civil, layout: string): string {
  return tokenizeLayout(layout).map(({ tok, lit }) => {
    if (lit !== undefined) return lit;
    switch (tok!) {
      case '2006': return pad(c.year, 4);
      case '06': return pad(c.year % 100, 2);
      case 'January': return MONTHS[c.month - 1];
      case 'Jan': return MONTHS[c.month - 1].slice(0, 3);
      case '01': return pad(c.month, 2);
      case '1': return String(c.month);
      case 'Monday': return DAYS[c.weekday];
      case 'Mon': return DAYS[c.weekday].slice(0, 3);
      case '02': return pad(c.day, 2);
      case '_2': return String(c.day).padStart(2, ' ');
      case '2': return String(c.day);
      case '002': return pad(c.yday, 3);
      case '__2': return String(c.yday).padStart(3, ' ');
      case '15': return pad(c.hour, 2);
      case '03': return pad(c.hour % 12 || 12, 2);
      case '3': return String(c.hour % 12 || 12);
      case '04': return pad(c.min, 2);
      case '4': return String(c.min);
      case '05': return pad(c.sec, 2);
      case '5': return String(c.sec);
      case 'PM': return c.hour >= 12 ? 'PM' : 'AM';
      case 'pm': return c.hour >= 12 ? 'pm' : 'am';
      case 'MST': return c.offset === 0 ? 'UTC' : formatOffset(c.offset, '-07');
      default:
        if (/^[.,]/.test(tok!)) {
          const digits = tok!.length - 1;
          const frac = pad(c.nsec, 9).slice(0, digits);
          if (tok![1] === '9') {
            const trimmed = frac.replace(/0+$/, '');
            return trimmed ? tok![0] + trimmed : '';
          }
          return tok![0] + frac;
        }
        return formatOffset(c.offset, tok!);
    }
  }).join('');
}

function parseTime(name: string, layout: string, value: string): bigint {
  const toks = tokenizeLayout(NAMED[layout] ?? layout);
  let i = 0;
  let year = 1, month = 1, day = 1, hour = 0, min = 0, sec = 0, nsec = 0, offset = 0, pm: boolean | undefined;
  const bad = (): never => {
    throw fail(name, `parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse ${JSON.stringify(value.slice(i))}`);
  };
  const num = (min: number, max: number): number => {
    const m = new RegExp(`^\\d{${min},${max}}`).exec(value.slice(i));
    if (!m) bad();
    i += m![0].length;
    return Number(m![0]);
  };
  const word = (list: string[], short: boolean): number => {
    const idx = list.findIndex((w) => value.slice(i).toLowerCase().startsWith((short ? w.slice(0, 3) : w).toLowerCase()));
    if (idx < 0) bad();
    i += short ? 3 : list[idx].length;
    return idx;
  };
  for (let t = 0; t < toks.length; t++) {
    const { tok, lit } = toks[t];
    if (lit !== undefined) {
      if (value[i] !== lit) bad();
      i++;
      continue;
    }
    switch (tok!) {
      case '2006': {
        const neg = value[i] === '-';
        if (neg) i++;
        year = num(4, 4) * (neg ? -1 : 1);
        break;
      }
      case '06': year = num(2, 2); year += year >= 69 ? 1900 : 2000; break;
      case 'January': month = word(MONTHS, false) + 1; break;
      case 'Jan': month = word(MONTHS, true) + 1; break;
      case '01': month = num(2, 2); break;
      case '1': month = num(1, 2); break;
      case 'Monday': word(DAYS, false); break;
      case 'Mon': word(DAYS, true); break;
      case '02': day = num(2, 2); break;
      case '_2': if (value[i] === ' ') i++; day = num(1, 2); break;
      case '2': day = num(1, 2); break;
      case '002': case '__2': num(3, 3); break;
      case '15': hour = num(1, 2); break;
      case '03': case '3': hour = num(tok === '03' ? 2 : 1, 2); break;
      case '04': case '4': min = num(tok === '04' ? 2 : 1, 2); break;
      case '05': case '5': {
        sec = num(tok === '05' ? 2 : 1, 2);
        // Go accepts fractional seconds after seconds even when the layout has none.
        const next = toks[t + 1];
        if ((value[i] === '.' || value[i] === ',') && !(next?.tok && /^[.,]/.test(next.tok))) {
          const m = /^[.,](\d+)/.exec(value.slice(i));
          if (m) {
            nsec = Number(m[1].slice(0, 9).padEnd(9, '0'));
            i += m[0].length;
          }
        }
        break;
      }
      case 'PM': case 'pm': {
        const s = value.slice(i, i + 2).toUpperCase();
        if (s !== 'AM' && s !== 'PM') bad();
        pm = s === 'PM';
        i += 2;
        break;
      }
      case 'MST': {
        const m = /^[A-Z]{3,5}|^[+-]\d+/.exec(value.slice(i));
        if (!m) bad();
        i += m![0].length;
        break;
      }
      default:
        if (/^[.,]/.test(tok!)) {
          const m = /^[.,](\d+)/.exec(value.slice(i));
          if (!m) {
            if (tok![1] === '9') break;
            bad();
          }
          nsec = Number(m![1].slice(0, 9).padEnd(9, '0'));
          i += m![0].length;
          break;
        }
        if (tok!.startsWith('Z') && value[i] === 'Z') {
          i++;
          offset = 0;
          break;
        }
        {
          const m = /^([+-])(\d\d)(?::?(\d\d))?(?::?(\d\d))?/.exec(value.slice(i));
          if (!m) bad();
          offset = (m![1] === '-' ? -1 : 1) * (Number(m![2]) * 3600 + Number(m![3] ?? 0) * 60 + Number(m![4] ?? 0));
          i += m![0].length;
        }
    }
  }
  if (i !== value.length) throw fail(name, `parsing time ${JSON.stringify(value)}: extra text: ${JSON.stringify(value.slice(i))}`);
  if (pm !== undefined) {
    if (hour > 12) bad();
    if (pm && hour < 12) hour += 12;
    if (!pm && hour === 12) hour = 0;
  }
  if (month < 1 || month > 12) throw fail(name, `parsing time ${JSON.stringify(value)}: month out of range`);
  const dim = daysFromCivil(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - daysFromCivil(year, month, 1);
  if (day < 1 || day > dim) throw fail(name, `parsing time ${JSON.stringify(value)}: day out of range`);
  if (hour > 23 || min > 59 || sec > 59) throw fail(name, `parsing time ${JSON.stringify(value)}: hour out of range`);
  const ns = fromCivil(year, month, day, hour, min, sec, nsec, offset);
  if (ns < MIN_NS || ns > MAX_NS) throw fail(name, `time outside of valid range`);
  return ns;
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

function parseDuration(name: string, s: string): bigint {
  const m = /^([-+]?)((?:\d*\.?\d+(?:ns|us|µs|μs|ms|s|m|h))+|0)$/.exec(s);
  if (!m) throw fail(name, `time: invalid duration ${JSON.stringify(s)}`);
  let total = 0n;
  for (const [, numText, unit] of m[2].matchAll(/(\d*\.?\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    const [ip, fp = ''] = numText.split('.');
    const u = BigInt(UNITS[unit]);
    total += BigInt(ip || '0') * u + (fp ? (BigInt(fp) * u) / 10n ** BigInt(fp.length) : 0n);
  }
  return m[1] === '-' ? -total : total;
}

function diff(name: string, a: ReturnType<typeof timeArg>, b: ReturnType<typeof timeArg>): Value[] {
  let x = a.ns, y = b.ns;
  if (x > y) [x, y] = [y, x];
  const c1 = civil(name, x, a.tz), c2 = civil(name, y, a.tz);
  let year = c2.year - c1.year, month = c2.month - c1.month, day = c2.day - c1.day;
  let hour = c2.hour - c1.hour, min = c2.min - c1.min, sec = c2.sec - c1.sec;
  if (sec < 0) (sec += 60), min--;
  if (min < 0) (min += 60), hour--;
  if (hour < 0) (hour += 24), day--;
  if (day < 0) {
    // Days in c1's month: Go normalises day 32 of that month.
    const [, , d32] = civilFromDays(daysFromCivil(c1.year, c1.month, 1) + 31);
    day += 32 - d32;
    month--;
  }
  if (month < 0) (month += 12), year--;
  return [year, month, day, hour, min, sec];
}

export const timeBuiltins: BuiltinTable = {
  'time.now_ns': { arity: 0, fn: (_args, ctx) => normInt(ctx.nowNs) },
  'time.parse_ns': { arity: 2, fn: (args) => normInt(parseTime('time.parse_ns', str('time.parse_ns', args, 0), str('time.parse_ns', args, 1))) },
  'time.parse_rfc3339_ns': { arity: 1, fn: (args) => normInt(parseTime('time.parse_rfc3339_ns', NAMED.RFC3339, str('time.parse_rfc3339_ns', args, 0))) },
  'time.parse_duration_ns': { arity: 1, fn: (args) => normInt(parseDuration('time.parse_duration_ns', str('time.parse_duration_ns', args, 0))) },
  'time.date': { arity: 1, fn: (args) => {
    const t = timeArg('time.date', args[0]);
    const c = civil('time.date', t.ns, t.tz);
    return [c.year, c.month, c.day];
  } },
  'time.clock': { arity: 1, fn: (args) => {
    const t = timeArg('time.clock', args[0]);
    const c = civil('time.clock', t.ns, t.tz);
    return [c.hour, c.min, c.sec];
  } },
  'time.weekday': { arity: 1, fn: (args) => {
    const t = timeArg('time.weekday', args[0]);
    return DAYS[civil('time.weekday', t.ns, t.tz).weekday];
  } },
  'time.add_date': { arity: 4, fn: (args) => {
    const name = 'time.add_date';
    const ns = toNs(name, args[0] as Value);
    const y = int(name, args, 1), m = int(name, args, 2), d = int(name, args, 3);
    const c = civil(name, ns, 'UTC');
    const days = daysFromCivil(c.year + y, 1, 1) + monthDays(c.year + y, c.month + m) + (c.day + d - 1);
    const out = (BigInt(days) * 86400n + BigInt(c.hour * 3600 + c.min * 60 + c.sec)) * NS + BigInt(c.nsec);
    return checkRange(name, out);
  } },
  'time.diff': { arity: 2, fn: (args) => diff('time.diff', timeArg('time.diff', args[0]), timeArg('time.diff', args[1])) },
  'time.format': { arity: 1, fn: (args) => {
    const t = timeArg('time.format', args[0]);
    const layout = t.layout === undefined ? NAMED.RFC3339Nano : NAMED[t.layout] ?? t.layout;
    return formatTime(civil('time.format', t.ns, t.tz), layout);
  } },
};
