// Text renderings OPA uses: a value as a Rego term (`[1, "a"]`, `{"k": 1}`, `set()`), and Go's
// fmt verbs for `sprintf` (%v %s %d %f %e %g %x %X %o %b %q %t %c %U %%, width, precision, flags).

import { isInteger, isNum, RObject, RSet, type Num, type Value } from './value';

export function numberString(n: Num): string {
  if (typeof n === 'bigint') return n.toString();
  if (Number.isInteger(n) && Math.abs(n) >= 1e21) return BigInt(n).toString();
  return String(n);
}

/** A value as OPA prints a term (used by `%v`, `print`, template strings). */
export function termString(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (isNum(v)) return numberString(v);
  if (Array.isArray(v)) return '[' + v.map(termString).join(', ') + ']';
  if (v instanceof RSet) return v.size ? '{' + v.sorted().map(termString).join(', ') + '}' : 'set()';
  return '{' + (v as RObject).sortedEntries().map(([k, x]) => termString(k) + ': ' + termString(x)).join(', ') + '}';
}

/** Go's `%v`/`%g` with the shortest precision: exponent form when exp < -4 or exp >= 6 (strconv's rule). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mant, expStr] = n.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) return mant + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return String(n);
}

function goExp(n: number, prec: number, upper: boolean): string {
  const s = n.toExponential(prec);
  const [m, e] = s.split('e');
  const exp = Number(e);
  const out = m + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return upper ? out.toUpperCase() : out;
}

function pad(s: string, width: number | undefined, minus: boolean, zero: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (minus) return s + ' '.repeat(width - s.length);
  if (zero) {
    const sign = s[0] === '-' || s[0] === '+' ? s[0] : '';
    return sign + '0'.repeat(width - s.length) + s.slice(sign.length);
  }
  return ' '.repeat(width - s.length) + s;
}

function quote(s: string): string {
  // Go %q: double-quoted with Go escapes; printable Unicode kept.
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

function hexOf(v: Value, upper: boolean): string {
  let s: string;
  if (typeof v === 'string') s = Buffer.from(v, 'utf8').toString('hex');
  else if (isNum(v) && isInteger(v)) {
    const b = BigInt(v);
    s = (b < 0n ? '-' : '') + (b < 0n ? -b : b).toString(16);
  } else if (typeof v === 'number') s = v.toString(16);
  else return `%!x(${termString(v)})`;
  return upper ? s.toUpperCase() : s;
}

/** Go `fmt.Sprintf` over Rego values, as OPA's `sprintf` does. */
export function sprintf(format: string, args: Value[]): string {
  let out = '';
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    i++;
    let minus = false, plus = false, zero = false, space = false, sharp = false;
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') minus = true;
      else if (f === '+') plus = true;
      else if (f === '0') zero = true;
      else if (f === ' ') space = true;
      else if (f === '#') sharp = true;
      else break;
    }
    let width: number | undefined, prec: number | undefined;
    const w = /^\d+/.exec(format.slice(i));
    if (w) {
      width = Number(w[0]);
      i += w[0].length;
    }
    if (format[i] === '.') {
      i++;
      const p = /^\d*/.exec(format.slice(i))![0];
      prec = p ? Number(p) : 0;
      i += p.length;
    }
    const verb = format[i];
    if (verb === undefined) {
      out += '%!(NOVERB)';
      break;
    }
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    const v = args[argi++];
    let s: string;
    switch (verb) {
      case 'v':
      case 's':
        if (typeof v === 'string') s = v;
        else if (typeof v === 'number' && !Number.isInteger(v)) s = goFloat(v);
        else s = termString(v);
        if (prec !== undefined && verb === 's') s = [...s].slice(0, prec).join('');
        break;
      case 'd':
        if (isNum(v) && isInteger(v)) {
          const b = BigInt(v);
          s = b.toString();
          if (plus && b >= 0n) s = '+' + s;
          else if (space && b >= 0n) s = ' ' + s;
        } else s = `%!d(${badArg(v)})`;
        break;
      case 'f':
      case 'F':
      case 'e':
      case 'E':
      case 'g':
      case 'G': {
        if (!isNum(v)) {
          s = `%!${verb}(${badArg(v)})`;
          break;
        }
        const n = Number(v);
        if (verb === 'f' || verb === 'F') s = n.toFixed(prec ?? 6);
        else if (verb === 'e' || verb === 'E') s = goExp(n, prec ?? 6, verb === 'E');
        else s = prec === undefined ? goFloat(n) : trimG(n, prec, verb === 'G');
        if (plus && n >= 0) s = '+' + s;
        break;
      }
      case 't':
        s = typeof v === 'boolean' ? String(v) : `%!t(${badArg(v)})`;
        break;
      case 'q':
        s = typeof v === 'string' ? quote(v) : isNum(v) && isInteger(v) ? quote(String.fromCodePoint(Number(v))) : `%!q(${badArg(v)})`;
        break;
      case 'x':
      case 'X':
        s = hexOf(v, verb === 'X');
        if (sharp && isNum(v)) s = (verb === 'X' ? '0X' : '0x') + s;
        break;
      case 'o':
        s = isNum(v) && isInteger(v) ? BigInt(v).toString(8) : `%!o(${badArg(v)})`;
        break;
      case 'b':
        s = isNum(v) && isInteger(v) ? BigInt(v).toString(2) : `%!b(${badArg(v)})`;
        break;
      case 'c':
        s = isNum(v) && isInteger(v) ? String.fromCodePoint(Number(v)) : `%!c(${badArg(v)})`;
        break;
      case 'U':
        s = isNum(v) && isInteger(v) ? 'U+' + Number(v).toString(16).toUpperCase().padStart(4, '0') : `%!U(${badArg(v)})`;
        break;
      case 'T':
        s = typeof v === 'string' ? 'string' : isNum(v) ? (isInteger(v) ? '*big.Int' : 'float64') : typeof v === 'boolean' ? 'bool' : 'ast.Value';
        break;
      default:
        s = `%!${verb}(${badArg(v)})`;
    }
    out += pad(s, width, minus, zero && !minus && verb !== 's' && verb !== 'v');
  }
  if (argi < args.length) out += '%!(EXTRA ' + args.slice(argi).map((a) => `${goType(a)}=${typeof a === 'string' ? a : termString(a)}`).join(', ') + ')';
  return out;
}

function trimG(n: number, prec: number, upper: boolean): string {
  const p = prec === 0 ? 1 : prec;
  const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
  if (exp < -4 || exp >= p) {
    const s = goExp(n, p - 1, upper);
    return s.replace(/\.?0+e/, 'e').replace(/\.?0+E/, 'E');
  }
  return String(Number(n.toPrecision(p)));
}

function goType(v: Value): string {
  if (typeof v === 'string') return 'string';
  if (isNum(v)) return isInteger(v) ? '*big.Int' : 'float64';
  if (typeof v === 'boolean') return 'bool';
  return 'ast.Value';
}

function badArg(v: Value): string {
  return `${goType(v)}=${typeof v === 'string' ? v : termString(v)}`;
}
