// Regular-expression and glob built-ins. OPA uses Go's RE2; patterns are translated to an
// equivalent JS RegExp (named groups, POSIX classes, \Q..\E, \A \z, ASCII \s, leading flag groups),
// and constructs JS cannot express the RE2 way (or RE2 rejects, like backreferences and
// lookaround) are refused with an "error parsing regexp" error instead of silently differing.

import { RSet, type Value } from '../value';
import { fail, int, str, typeError, type BuiltinTable } from './types';

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));
const cache = new Map<string, RegExp | Error>();

export class RegexSyntaxError extends Error {}

/** Translates an RE2 pattern to a JS RegExp (flags `u`, plus any leading RE2 flags). */
export function re2(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit instanceof RegExp) return hit;
  if (hit) throw hit;
  try {
    const r = translate(pattern);
    cache.set(pattern, r);
    return r;
  } catch (e) {
    const err = new RegexSyntaxError(`error parsing regexp: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`);
    cache.set(pattern, err);
    throw err;
  }
}

function translate(p: string): RegExp {
  let flags = 'u';
  let i = 0;
  const lead = /^\(\?([imsU]+)\)/.exec(p);
  if (lead) {
    for (const f of lead[1]) {
      if (f === 'U') throw new Error(`ungreedy flag (?U) is not supported: \`${p}\``);
      if (!flags.includes(f)) flags += f;
    }
    i = lead[0].length;
  }
  let out = '';
  let inClass = false;
  let depth = 0;
  while (i < p.length) {
    const c = p[i];
    if (c === '\\') {
      const e = p[i + 1];
      if (e === undefined) throw new Error('trailing backslash at end of expression');
      if (e === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const lit = p.slice(i + 2, end < 0 ? p.length : end);
        out += [...lit].map((ch) => (JS_SYNTAX.has(ch) || ch === '-' ? '\\' + ch : ch)).join('');
        i = end < 0 ? p.length : end + 2;
        continue;
      }
      if (/[1-9]/.test(e)) throw new Error(`invalid escape sequence: \`\\${e}\``);
      if (e === 'A' && !inClass) out += '(?<![\\s\\S])';
      else if (e === 'z' && !inClass) out += '(?![\\s\\S])';
      else if (e === 's') out += inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      else if (e === 'S') out += inClass ? '\\x00-\\x08\\x0B\\x0E-\\x1F\\x21-\\u{10FFFF}' : '[^\\t\\n\\f\\r ]';
      else if (e === 'C') throw new Error('invalid escape sequence: `\\C`');
      else if (e === 'p' || e === 'P') {
        if (p[i + 2] === '{') {
          const end = p.indexOf('}', i);
          out += '\\' + e + p.slice(i + 2, end + 1);
          i = end + 1;
          continue;
        }
        out += '\\' + e + '{' + p[i + 2] + '}';
        i += 3;
        continue;
      } else if (/[dDwWbBtnrfv]/.test(e)) out += '\\' + e;
      else if (e === 'x') {
        if (p[i + 2] === '{') {
          const end = p.indexOf('}', i);
          out += '\\u{' + p.slice(i + 3, end) + '}';
          i = end + 1;
          continue;
        }
        out += p.slice(i, i + 4);
        i += 4;
        continue;
      } else if (/[0-7]/.test(e)) {
        const oct = /^[0-7]{1,3}/.exec(p.slice(i + 1))![0];
        out += '\\u{' + parseInt(oct, 8).toString(16) + '}';
        i += 1 + oct.length;
        continue;
      } else if (/[A-Za-z0-9]/.test(e)) throw new Error(`invalid escape sequence: \`\\${e}\``);
      else out += JS_SYNTAX.has(e) || (inClass && e === '-') ? '\\' + e : '\\u{' + e.codePointAt(0)!.toString(16) + '}';
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === '[' && p[i + 1] === ':') {
        const end = p.indexOf(':]', i);
        if (end > 0) {
          let name = p.slice(i + 2, end);
          const neg = name.startsWith('^');
          if (neg) name = name.slice(1);
          const cls = POSIX[name];
          if (!cls) throw new Error(`invalid character class range: \`[:${name}:]\``);
          if (neg) throw new Error(`negated POSIX classes are not supported: \`[:^${name}:]\``);
          out += cls;
          i = end + 2;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += '[';
      i++;
      if (p[i] === '^') {
        out += '^';
        i++;
      }
      if (p[i] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(') {
      depth++;
      if (p[i + 1] === '?') {
        const rest = p.slice(i + 2);
        if (rest.startsWith('P<')) {
          out += '(?<';
          i += 4;
          continue;
        }
        if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) {
          out += '(?<';
          i += 3;
          continue;
        }
        if (rest.startsWith(':')) {
          out += '(?:';
          i += 3;
          continue;
        }
        throw new Error(`invalid or unsupported Perl syntax: \`(?${rest.slice(0, 1)}\``);
      }
    }
    if (c === ')') {
      if (--depth < 0) throw new Error(`unexpected ): \`${p}\``);
    }
    if (c === '{') {
      // RE2 treats a brace that does not start a valid repetition as a literal.
      const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(i));
      if (!m) {
        out += '\\{';
        i++;
        continue;
      }
      if (Number(m[1]) > 1000 || (m[3] && Number(m[3]) > 1000)) throw new Error(`invalid repeat count: \`${m[0]}\``);
      out += m[0];
      i += m[0].length;
      continue;
    }
    if (c === '}') {
      out += '\\}';
      i++;
      continue;
    }
    out += c;
    i++;
  }
  if (inClass) throw new Error(`missing closing ]: \`${p}\``);
  if (depth > 0) throw new Error(`missing closing ): \`${p}\``);
  return new RegExp(out, flags + 'g');
}

function compile(name: string, pattern: string): RegExp {
  try {
    return re2(pattern);
  } catch (e) {
    throw fail(name, (e as Error).message);
  }
}

interface Match {
  start: number;
  end: number;
  groups: Array<string | undefined>;
  named?: Record<string, string | undefined>;
}

/** Go's FindAll loop: an empty match right after the previous match is skipped. */
function findAll(re: RegExp, s: string, n: number): Match[] {
  const out: Match[] = [];
  let pos = 0, prevEnd = -1;
  while (pos <= s.length && (n < 0 || out.length < n)) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index, end = start + m[0].length;
    if (start === end && start === prevEnd) {
      pos = start + (s.codePointAt(start)! > 0xffff ? 2 : 1);
      continue;
    }
    out.push({ start, end, groups: [...m].slice(1), named: m.groups });
    prevEnd = end;
    pos = end === start ? end + (end < s.length && s.codePointAt(end)! > 0xffff ? 2 : 1) : end;
  }
  return out;
}

/** Go's Regexp.Expand template: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, s: string, m: Match, re: RegExp): string {
  const names = groupNames(re);
  return template.replace(/\$(\$|\{([A-Za-z0-9_]*)\}|([A-Za-z0-9_]+))/g, (all, _x, braced, bare) => {
    if (all === '$$') return '$';
    const name: string = braced ?? bare;
    if (/^\d+$/.test(name)) {
      const i = Number(name);
      if (i === 0) return s.slice(m.start, m.end);
      return m.groups[i - 1] ?? '';
    }
    const idx = names.indexOf(name);
    return idx >= 0 ? m.groups[idx] ?? '' : '';
  });
}

function groupNames(re: RegExp): string[] {
  const names: string[] = [];
  const src = re.source;
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '\\') {
      i++;
      continue;
    }
    if (src[i] === '(' && src[i + 1] !== '?') names.push('');
    else if (src[i] === '(' && src.startsWith('?<', i + 1) && src[i + 3] !== '=' && src[i + 3] !== '!') names.push(src.slice(i + 3, src.indexOf('>', i)));
  }
  return names;
}

/** Translates a glob (gobwas/glob syntax, as OPA uses) to a RegExp. */
function globToRegExp(pattern: string, delimiters: string[]): RegExp {
  const notDelim = delimiters.length ? `[^${delimiters.map(escapeClass).join('')}]` : '[\\s\\S]';
  let out = '';
  let i = 0;
  let braces = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      out += escapeRe(pattern[i + 1] ?? '\\');
      i += 2;
      continue;
    }
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        out += '[\\s\\S]*';
        i += 2;
      } else {
        out += notDelim + '*';
        i++;
      }
      continue;
    }
    if (c === '?') out += notDelim;
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new Error('unexpected end of input');
      let body = pattern.slice(i + 1, end);
      let neg = false;
      if (body.startsWith('!')) {
        neg = true;
        body = body.slice(1);
      }
      out += '[' + (neg ? '^' : '') + body.replace(/[\\\]^]/g, (x) => '\\' + x) + ']';
      i = end + 1;
      continue;
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += escapeRe(c);
    i++;
  }
  if (braces) throw new Error('unexpected end of input');
  return new RegExp('^(?:' + out + ')$', 'u');
}

const escapeRe = (c: string) => c.replace(/[\\^$.*+?()[\]{}|/-]/g, (x) => '\\' + x);
const escapeClass = (c: string) => c.replace(/[\\\]^-]/g, (x) => '\\' + x);
const globCache = new Map<string, RegExp>();

function strings(name: string, v: Value, i: number): string[] {
  if (v === null) return [];
  const items = Array.isArray(v) ? v : v instanceof RSet ? v.sorted() : undefined;
  if (!items) throw typeError(name, i, 'array', v);
  return items.map((x) => {
    if (typeof x !== 'string') throw typeError(name, i, 'array of strings', v);
    return x;
  });
}

export const regexBuiltins: BuiltinTable = {
  'regex.match': { arity: 2, fn: (args) => {
    const re = compile('regex.match', str('regex.match', args, 0));
    re.lastIndex = 0;
    return re.test(str('regex.match', args, 1));
  } },
  re_match: { arity: 2, fn: (args) => {
    const re = compile('re_match', str('re_match', args, 0));
    re.lastIndex = 0;
    return re.test(str('re_match', args, 1));
  } },
  'regex.is_valid': { arity: 1, fn: ([p]) => {
    if (typeof p !== 'string') return false;
    try {
      re2(p);
      return true;
    } catch {
      return false;
    }
  } },
  'regex.split': { arity: 2, fn: (args) => {
    const re = compile('regex.split', str('regex.split', args, 0));
    const s = str('regex.split', args, 1);
    if (s === '') return [''];
    const out: Value[] = [];
    let beg = 0, end = 0;
    for (const m of findAll(re, s, -1)) {
      end = m.start;
      if (m.end !== 0) out.push(s.slice(beg, end));
      beg = m.end;
    }
    if (end !== s.length) out.push(s.slice(beg));
    return out;
  } },
  'regex.find_n': { arity: 3, fn: (args) => {
    const re = compile('regex.find_n', str('regex.find_n', args, 0));
    const s = str('regex.find_n', args, 1);
    return findAll(re, s, int('regex.find_n', args, 2)).map((m) => s.slice(m.start, m.end));
  } },
  'regex.find_all_string_submatch_n': { arity: 3, fn: (args) => {
    const name = 'regex.find_all_string_submatch_n';
    const re = compile(name, str(name, args, 0));
    const s = str(name, args, 1);
    return findAll(re, s, int(name, args, 2)).map((m) => [s.slice(m.start, m.end), ...m.groups.map((g) => g ?? '')]);
  } },
  'regex.replace': { arity: 3, fn: (args) => {
    const s = str('regex.replace', args, 0);
    const re = compile('regex.replace', str('regex.replace', args, 1));
    const repl = str('regex.replace', args, 2);
    let out = '', last = 0;
    for (const m of findAll(re, s, -1)) {
      out += s.slice(last, m.start) + expand(repl, s, m, re);
      last = m.end;
    }
    return out + s.slice(last);
  } },
  'regex.template_match': { arity: 4, fn: (args) => {
    const name = 'regex.template_match';
    const tpl = str(name, args, 0), s = str(name, args, 1), open = str(name, args, 2), close = str(name, args, 3);
    // Literal text outside delimiters; regular expressions inside them.
    let src = '^';
    let i = 0;
    while (i < tpl.length) {
      const o = tpl.indexOf(open, i);
      if (o < 0) {
        src += escapeRe(tpl.slice(i)).replace(/[\s\S]/gu, (c) => c);
        break;
      }
      src += [...tpl.slice(i, o)].map(escapeRe).join('');
      let depth = 1, j = o + open.length;
      for (; j < tpl.length && depth > 0; j++) {
        if (tpl.startsWith(open, j) && open !== close) depth++;
        else if (tpl.startsWith(close, j)) depth--;
        if (depth === 0) break;
      }
      if (depth !== 0) throw fail(name, `unbalanced braces in template ${tpl}`);
      const inner = compile(name, tpl.slice(o + open.length, j));
      src += '(?:' + inner.source + ')';
      i = j + close.length;
    }
    const re = new RegExp(src + '$', 'u');
    return re.test(s);
  } },
  'glob.match': { arity: 3, fn: (args) => {
    const pattern = str('glob.match', args, 0);
    const d = args[1];
    let delims: string[];
    if (d === null) delims = [];
    else {
      delims = strings('glob.match', d, 1);
      if (!delims.length) delims = ['.'];
    }
    const key = pattern + '\u0000' + delims.join('\u0000');
    let re = globCache.get(key);
    if (!re) {
      try {
        re = globToRegExp(pattern, delims);
      } catch (e) {
        throw fail('glob.match', (e as Error).message);
      }
      globCache.set(key, re);
    }
    return re.test(str('glob.match', args, 2));
  } },
  'glob.quote_meta': { arity: 1, fn: (args) => str('glob.quote_meta', args, 0).replace(/[*?\\[\]{}]/g, (c) => '\\' + c) },
};
