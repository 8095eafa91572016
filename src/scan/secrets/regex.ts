// Translates Go RE2 regular expressions (the syntax of gitleaks rules) into JavaScript RegExp with
// the same meaning: inline flags anywhere (`(?i)` mid-pattern, `(?-i:...)`, `(?s)`, `(?m)`, `(?U)`),
// `\A`/`\z`, `(?P<name>`, POSIX classes, `\Q...\E`, `\x{...}`, octal escapes, Go's ASCII `\s`, and
// lone braces. JavaScript (Node 20) has no scoped flags, so case-insensitive parts are expanded into
// explicit character classes unless the whole pattern is case-insensitive (then the `i` flag is used).

export class RegexTranslateError extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

type Range = [number, number];

const MAX_CP = 0x10ffff;
const DIGIT: Range[] = [[0x30, 0x39]];
const WORD: Range[] = [[0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]];
const SPACE: Range[] = [[0x09, 0x0a], [0x0c, 0x0d], [0x20, 0x20]];
const POSIX: Record<string, Range[]> = {
  alnum: [[0x30, 0x39], [0x41, 0x5a], [0x61, 0x7a]],
  alpha: [[0x41, 0x5a], [0x61, 0x7a]],
  ascii: [[0x00, 0x7f]],
  blank: [[0x09, 0x09], [0x20, 0x20]],
  cntrl: [[0x00, 0x1f], [0x7f, 0x7f]],
  digit: DIGIT,
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [[0x21, 0x2f], [0x3a, 0x40], [0x5b, 0x60], [0x7b, 0x7e]],
  space: [[0x09, 0x0d], [0x20, 0x20]],
  upper: [[0x41, 0x5a]],
  word: WORD,
  xdigit: [[0x30, 0x39], [0x41, 0x46], [0x61, 0x66]],
};
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
const SYNTAX_OUTSIDE = new Set('^$\\.*+?()[]{}|/');
const SYNTAX_INSIDE = new Set('\\]^-[/');

export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** Translates and compiles; throws RegexTranslateError naming what is not supported. */
export function compileGoRegex(pattern: string, extraFlags = ''): RegExp {
  const t = translateGoRegex(pattern);
  try {
    return new RegExp(t.source, t.flags + extraFlags);
  } catch (err) {
    throw new RegexTranslateError(`does not compile after translation: ${(err as Error).message}`);
  }
}

export function translateGoRegex(pattern: string): TranslatedRegex {
  const first = new Translator(pattern, false);
  const source = first.run();
  if (!first.sawSensitiveLetter && first.sawInsensitive) {
    return { source: new Translator(pattern, true).run(), flags: 'iu' };
  }
  return { source, flags: 'u' };
}

class Translator {
  sawSensitiveLetter = false;
  sawInsensitive = false;
  private pos = 0;
  private out = '';

  constructor(
    private readonly pattern: string,
    /** Emit plain atoms and rely on the `i` flag (only valid when every cased atom is case-insensitive). */
    private readonly iFlag: boolean,
  ) {}

  run(): string {
    const p = this.pattern;
    let flags: Flags = { i: false, m: false, s: false, U: false };
    const stack: Flags[] = [];
    let atomEnd = -1; // out length after the last atom, to reject quantifiers on nothing
    while (this.pos < p.length) {
      const c = p[this.pos];
      if (c === '\\') {
        this.escape(flags);
        atomEnd = this.out.length;
      } else if (c === '[') {
        this.out += this.charClass(flags);
        atomEnd = this.out.length;
      } else if (c === '(') {
        const saved = { ...flags };
        if (p[this.pos + 1] === '?') {
          const rest = p.slice(this.pos + 2);
          const named = /^P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
          const flagGroup = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
          if (named) {
            stack.push(saved);
            this.out += `(?<${named[1]}>`;
            this.pos += 2 + named[0].length;
          } else if (flagGroup && (flagGroup[1] || flagGroup[2] !== undefined)) {
            const next = { ...flags };
            for (const f of flagGroup[1]) next[f as keyof Flags] = true;
            for (const f of flagGroup[2] ?? '') next[f as keyof Flags] = false;
            this.pos += 2 + flagGroup[0].length;
            if (flagGroup[3] === ')') flags = next; // applies to the rest of the enclosing group
            else {
              stack.push(saved);
              flags = next;
              this.out += '(?:';
            }
            continue;
          } else if (rest.startsWith(':')) {
            stack.push(saved);
            this.out += '(?:';
            this.pos += 3;
          } else {
            throw new RegexTranslateError(`unsupported group syntax "(?${rest.slice(0, 3)}" (RE2 has no look-around or back-references)`);
          }
        } else {
          stack.push(saved);
          this.out += '(';
          this.pos++;
        }
        continue;
      } else if (c === ')') {
        const restored = stack.pop();
        if (!restored) throw new RegexTranslateError(`unexpected ) at offset ${this.pos}`);
        flags = restored;
        this.out += ')';
        this.pos++;
        atomEnd = this.out.length;
      } else if (c === '|') {
        this.out += '|';
        this.pos++;
      } else if (c === '^') {
        this.out += flags.m ? '(?<![^\\n])' : '^';
        this.pos++;
      } else if (c === '$') {
        this.out += flags.m ? '(?![^\\n])' : '$'; // no `m` flag is ever set, so JS `$` is end of input like RE2's
        this.pos++;
      } else if (c === '.') {
        this.out += flags.s ? '[\\s\\S]' : '[^\\n]';
        this.pos++;
        atomEnd = this.out.length;
      } else if (c === '*' || c === '+' || c === '?') {
        if (atomEnd !== this.out.length) throw new RegexTranslateError(`missing argument to repetition operator ${c} at offset ${this.pos}`);
        this.pos++;
        this.quantifier(c, flags);
      } else if (c === '{') {
        const q = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(this.pos));
        if (q) {
          if (atomEnd !== this.out.length) throw new RegexTranslateError(`missing argument to repetition operator ${q[0]}`);
          if (Number(q[1]) > 1000 || Number(q[3] || 0) > 1000) throw new RegexTranslateError(`invalid repeat count ${q[0]}`);
          this.pos += q[0].length;
          this.quantifier(q[0], flags);
        } else {
          this.literal(c.codePointAt(0)!, flags);
          this.pos++;
          atomEnd = this.out.length;
        }
      } else {
        const cp = p.codePointAt(this.pos)!;
        this.literal(cp, flags);
        this.pos += cp > 0xffff ? 2 : 1;
        atomEnd = this.out.length;
      }
    }
    if (stack.length) throw new RegexTranslateError('missing closing )');
    return this.out;
  }

  private quantifier(q: string, flags: Flags): void {
    let lazy = false;
    if (this.pattern[this.pos] === '?') {
      lazy = true;
      this.pos++;
    }
    if (flags.U) lazy = !lazy;
    if (/^[*+?]/.test(this.pattern[this.pos] ?? '')) throw new RegexTranslateError(`invalid nested repetition operator at offset ${this.pos}`);
    this.out += q + (lazy ? '?' : '');
  }

  private literal(cp: number, flags: Flags): void {
    const variants = caseVariants(cp);
    if (variants.length === 0) {
      this.out += emitOutside(cp);
      return;
    }
    if (!flags.i) {
      this.sawSensitiveLetter = true;
      this.out += emitOutside(cp);
      return;
    }
    this.sawInsensitive = true;
    if (this.iFlag) this.out += emitOutside(cp);
    else this.out += `[${[cp, ...variants].map(emitInside).join('')}]`;
  }

  private escape(flags: Flags): void {
    const p = this.pattern;
    const e = p[this.pos + 1];
    if (e === undefined) throw new RegexTranslateError('trailing backslash');
    this.pos += 2;
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 'b':
      case 'B':
        this.out += `\\${e}`;
        return;
      case 's':
        this.out += '[\\t\\n\\f\\r ]';
        return;
      case 'S':
        this.out += '[^\\t\\n\\f\\r ]';
        return;
      case 'A':
        this.out += '(?<![\\s\\S])';
        return;
      case 'z':
        this.out += '(?![\\s\\S])';
        return;
      case 'Q': {
        const end = p.indexOf('\\E', this.pos);
        const text = p.slice(this.pos, end === -1 ? p.length : end);
        this.pos = end === -1 ? p.length : end + 2;
        for (const ch of text) this.literal(ch.codePointAt(0)!, flags);
        return;
      }
      case 'E':
        return; // a stray \E is ignored by RE2
      case 'p':
      case 'P':
        this.out += this.unicodeProperty(e);
        return;
    }
    this.pos -= 2;
    const cp = this.singleEscape();
    this.literal(cp, flags);
  }

  /** Escapes that stand for one character; advances past them. */
  private singleEscape(): number {
    const p = this.pattern;
    const e = p[this.pos + 1];
    if (e in SIMPLE_ESCAPES) {
      this.pos += 2;
      return SIMPLE_ESCAPES[e];
    }
    if (e === 'x') {
      const braced = /^\\x\{([0-9A-Fa-f]{1,6})\}/.exec(p.slice(this.pos));
      const short = /^\\x([0-9A-Fa-f]{2})/.exec(p.slice(this.pos));
      const m = braced ?? short;
      if (!m) throw new RegexTranslateError(`invalid escape ${p.slice(this.pos, this.pos + 4)}`);
      this.pos += m[0].length;
      const cp = parseInt(m[1], 16);
      if (cp > MAX_CP) throw new RegexTranslateError(`escape out of range ${m[0]}`);
      return cp;
    }
    const octal = /^\\([0-7]{1,3})/.exec(p.slice(this.pos));
    if (octal && octal[1].length === 1 && octal[1] !== '0') throw new RegexTranslateError(`back-reference \\${octal[1]} (RE2 has none)`);
    if (octal) {
      this.pos += octal[0].length;
      return parseInt(octal[1], 8);
    }
    if (e !== undefined && /[!-\/:-@\[-`{-~]/.test(e)) {
      this.pos += 2;
      return e.codePointAt(0)!;
    }
    throw new RegexTranslateError(`unsupported escape \\${e ?? ''}`);
  }

  private unicodeProperty(kind: string): string {
    const p = this.pattern;
    let name: string;
    const braced = /^\{(\^?)([A-Za-z_]+)\}/.exec(p.slice(this.pos));
    let negate = kind === 'P';
    if (braced) {
      if (braced[1]) negate = !negate;
      name = braced[2];
      this.pos += braced[0].length;
    } else {
      name = p[this.pos] ?? '';
      if (!/[A-Za-z]/.test(name)) throw new RegexTranslateError(`invalid Unicode class \\${kind}${name}`);
      this.pos++;
    }
    const prop = name === 'Any' ? null : /^[A-Z][a-z]?$/.test(name) ? name : `Script=${name}`;
    if (prop === null) return negate ? '[^\\s\\S]' : '[\\s\\S]';
    try {
      new RegExp(`\\p{${prop}}`, 'u');
    } catch {
      throw new RegexTranslateError(`unknown Unicode class ${name}`);
    }
    return `\\${negate ? 'P' : 'p'}{${prop}}`;
  }

  private charClass(flags: Flags): string {
    const p = this.pattern;
    this.pos++;
    let negate = false;
    if (p[this.pos] === '^') {
      negate = true;
      this.pos++;
    }
    let ranges: Range[] = [];
    const raws: string[] = [];
    let first = true;
    while (this.pos < p.length && (p[this.pos] !== ']' || first)) {
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.pos));
      if (posix) {
        const set = POSIX[posix[2]];
        if (!set) throw new RegexTranslateError(`unknown POSIX class [:${posix[2]}:]`);
        ranges.push(...(posix[1] ? complement(set) : set));
        this.pos += posix[0].length;
        continue;
      }
      if (p[this.pos] === '\\') {
        const e = p[this.pos + 1];
        const named: Record<string, Range[]> = { d: DIGIT, w: WORD, s: SPACE };
        if (e && e.toLowerCase() in named) {
          const set = named[e.toLowerCase()];
          ranges.push(...(e === e.toUpperCase() ? complement(set) : set));
          this.pos += 2;
          continue;
        }
        if (e === 'p' || e === 'P') {
          this.pos += 2;
          raws.push(this.unicodeProperty(e));
          continue;
        }
      }
      const lo = this.classChar();
      if (p[this.pos] === '-' && p[this.pos + 1] !== ']' && this.pos + 1 < p.length) {
        this.pos++;
        const hi = this.classChar();
        if (hi < lo) throw new RegexTranslateError(`invalid character class range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`);
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    if (p[this.pos] !== ']') throw new RegexTranslateError('missing closing ]');
    this.pos++;
    ranges = merge(ranges);
    const cased = ranges.some(([lo, hi]) => rangeHasCase(lo, hi)) || raws.length > 0;
    if (cased && flags.i) {
      this.sawInsensitive = true;
      if (!this.iFlag) ranges = merge([...ranges, ...foldRanges(ranges)]);
    } else if (cased && ranges.some(([lo, hi]) => rangeHasCase(lo, hi))) this.sawSensitiveLetter = true;
    const body = ranges.map(([lo, hi]) => (lo === hi ? emitInside(lo) : `${emitInside(lo)}-${emitInside(hi)}`)).join('') + raws.join('');
    return `[${negate ? '^' : ''}${body}]`;
  }

  private classChar(): number {
    const p = this.pattern;
    if (p[this.pos] === '\\') return this.singleEscape();
    const cp = p.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const set = new Set<number>();
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) {
    if ([...v].length === 1 && v.codePointAt(0) !== cp) set.add(v.codePointAt(0)!);
  }
  // RE2 folds these too (Unicode simple case folding orbits).
  if (cp === 0x6b || cp === 0x4b) set.add(0x212a);
  if (cp === 0x73 || cp === 0x53) set.add(0x17f);
  return [...set];
}

function rangeHasCase(lo: number, hi: number): boolean {
  if (lo <= 0x7a && hi >= 0x41 && !(lo > 0x5a && hi < 0x61)) return true;
  if (hi < 0x80) return false;
  const top = Math.min(hi, lo + 2000);
  for (let cp = Math.max(lo, 0x80); cp <= top; cp++) if (caseVariants(cp).length) return true;
  return false;
}

function foldRanges(ranges: Range[]): Range[] {
  const extra: Range[] = [];
  for (const [lo, hi] of ranges) {
    const overlap = (a: number, b: number, shift: number) => {
      const l = Math.max(lo, a);
      const h = Math.min(hi, b);
      if (l <= h) extra.push([l + shift, h + shift]);
    };
    overlap(0x41, 0x5a, 0x20);
    overlap(0x61, 0x7a, -0x20);
    if (lo <= 0x6b && hi >= 0x4b && ((lo <= 0x4b && hi >= 0x4b) || (lo <= 0x6b && hi >= 0x6b))) extra.push([0x212a, 0x212a]);
    if ((lo <= 0x53 && hi >= 0x53) || (lo <= 0x73 && hi >= 0x73)) extra.push([0x17f, 0x17f]);
    if (hi >= 0x80 && hi - lo < 2000) {
      for (let cp = Math.max(lo, 0x80); cp <= hi; cp++) for (const v of caseVariants(cp)) extra.push([v, v]);
    }
  }
  return extra;
}

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

function complement(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of merge(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function emitOutside(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX_OUTSIDE.has(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp > 0x7e) return hex(cp);
  return ch;
}

function emitInside(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX_INSIDE.has(ch)) return `\\${ch}`;
  if (cp < 0x20 || cp > 0x7e) return hex(cp);
  return ch;
}

export interface SearchPlan {
  /** What to scan with (global): the regex, or the regex without its lazy leading prefix. */
  search: RegExp;
  /** The same pattern, sticky with match indices, run once per hit to locate capture groups. */
  indices: RegExp;
  /** The stripped prefix `C{0,max}?`, re-applied backwards to rebuild the full match text. */
  prefix?: { char: RegExp; max: number };
}

/**
 * Most gitleaks rules start with a lazy optional run such as `[\w.-]{0,50}?`. It never changes which
 * secret a match captures (the lazy run stops at the first place the rest matches), but it makes the
 * engine try up to 50 characters at every position. Searching without it finds the same secrets an
 * order of magnitude faster; the full match text is rebuilt by extending backwards over the prefix.
 */
export function searchPlan(regex: RegExp): SearchPlan {
  const flags = regex.flags.replace(/[gdy]/g, '');
  const m = /^(\[(?:\\.|[^\]\\])*\]|\\[wdsWDS])\{0,(\d+)\}\?/.exec(regex.source);
  const rest = m ? regex.source.slice(m[0].length) : '';
  if (m && rest && !hasTopLevelAlternation(rest)) {
    return {
      search: new RegExp(rest, `${flags}g`),
      indices: new RegExp(rest, `${flags}dy`),
      prefix: { char: new RegExp(`^${m[1]}$`, flags), max: Number(m[2]) },
    };
  }
  return { search: new RegExp(regex.source, `${flags}g`), indices: new RegExp(regex.source, `${flags}dy`) };
}

function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') {
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
