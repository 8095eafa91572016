// Rego tokenizer: identifiers, numbers, strings (quoted, raw and `$"..."` templates), operators,
// with each token's row/column and whether a newline precedes it (newlines end body expressions).

import { RegoError } from './errors';

export type TokenType = 'ident' | 'number' | 'string' | 'op' | 'template' | 'eof';

export interface Token {
  t: TokenType;
  v: string;
  row: number;
  col: number;
  /** A newline (or the start of input) separates this token from the previous one. */
  nl: boolean;
  /** Offset in the source. */
  pos: number;
  /** For strings: the decoded value. For templates: raw parts and expression sources. */
  str?: string;
  parts?: Array<{ lit: string } | { expr: string; row: number; col: number }>;
}

const OPS = [':=', '==', '!=', '<=', '>=', '<', '>', '=', '+', '-', '*', '/', '%', '&', '|', '[', ']', '{', '}', '(', ')', '.', ',', ';', ':'];

export function tokenize(src: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0, row = 1, lineStart = 0, nl = true;
  const fail = (msg: string, at = i): never => {
    throw RegoError.of('rego_parse_error', msg, { file, row, col: at - lineStart + 1 });
  };
  const push = (t: TokenType, v: string, start: number, extra: Partial<Token> = {}) => {
    tokens.push({ t, v, row: startRow, col: start - startLineStart + 1, nl, pos: start, ...extra });
    nl = false;
  };
  let startRow = 1, startLineStart = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      i++; row++; lineStart = i; nl = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    startRow = row; startLineStart = lineStart;
    const start = i;
    if (/[A-Za-z_]/.test(c)) {
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i])) i++;
      push('ident', src.slice(start, i), start);
      continue;
    }
    if (/[0-9]/.test(c)) {
      while (i < src.length && /[0-9]/.test(src[i])) i++;
      if (src[i] === '.' && /[0-9]/.test(src[i + 1] ?? '')) { i++; while (/[0-9]/.test(src[i] ?? '')) i++; }
      if ((src[i] === 'e' || src[i] === 'E') && /[-+0-9]/.test(src[i + 1] ?? '')) {
        i++;
        if (src[i] === '+' || src[i] === '-') i++;
        while (/[0-9]/.test(src[i] ?? '')) i++;
      }
      push('number', src.slice(start, i), start);
      continue;
    }
    if (c === '"') {
      const [s, end] = readQuoted(src, i, fail);
      i = end;
      push('string', src.slice(start, i), start, { str: s });
      continue;
    }
    if (c === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) fail('non-terminated raw string');
      const s = src.slice(i + 1, end);
      for (const ch of s) if (ch === '\n') { row++; }
      if (s.includes('\n')) lineStart = i + 1 + s.lastIndexOf('\n') + 1;
      i = end + 1;
      push('string', src.slice(start, i), start, { str: s });
      continue;
    }
    if (c === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) {
      const raw = src[i + 1] === '`';
      const parts: NonNullable<Token['parts']> = [];
      let lit = '';
      i += 2;
      for (;;) {
        if (i >= src.length) fail('non-terminated template string', start);
        const ch = src[i];
        if ((raw && ch === '`') || (!raw && ch === '"')) { i++; break; }
        if (ch === '\\' && src[i + 1] === '{') { lit += '{'; i += 2; continue; }
        if (!raw && ch === '\\') {
          const len = src[i + 1] === 'u' ? 6 : 2;
          lit += readQuoted('"' + src.slice(i, i + len) + '"', 0, fail)[0];
          i += len;
          continue;
        }
        if (ch === '{') {
          if (lit) parts.push({ lit });
          lit = '';
          const exprStart = i + 1;
          const eRow = row, eCol = exprStart - lineStart + 1;
          let depth = 1;
          i++;
          while (depth > 0) {
            if (i >= src.length) fail('non-terminated template expression', start);
            const e = src[i];
            if (e === '"') { i = readQuoted(src, i, fail)[1]; continue; }
            if (e === '`') { const end = src.indexOf('`', i + 1); i = end < 0 ? src.length : end + 1; continue; }
            if (e === '$' && (src[i + 1] === '"' || src[i + 1] === '`')) { i = skipTemplate(src, i); continue; }
            if (e === '\n') { row++; lineStart = i + 1; }
            if (e === '{') depth++;
            if (e === '}') depth--;
            i++;
          }
          parts.push({ expr: src.slice(exprStart, i - 1), row: eRow, col: eCol });
          continue;
        }
        if (ch === '\n') {
          if (!raw) fail('non-terminated template string', start);
          row++; lineStart = i + 1;
        }
        lit += ch;
        i++;
      }
      if (lit) parts.push({ lit });
      push('template', src.slice(start, i), start, { parts });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) fail(`illegal token '${c}'`);
    i += op!.length;
    push('op', op!, start);
  }
  startRow = row; startLineStart = lineStart;
  push('eof', '', i);
  return tokens;
}

function skipTemplate(src: string, i: number): number {
  const raw = src[i + 1] === '`';
  i += 2;
  let depth = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\' && !raw) { i += 2; continue; }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === '"' && depth > 0) { i = readQuoted(src, i, () => { throw new Error('bad'); })[1]; continue; }
    else if (depth === 0 && ((raw && c === '`') || (!raw && c === '"'))) return i + 1;
    i++;
  }
  return i;
}

/** Reads a double-quoted string starting at `i`; returns its value and the offset after it. */
function readQuoted(src: string, i: number, fail: (m: string, at?: number) => never): [string, number] {
  let j = i + 1;
  let out = '';
  while (j < src.length && src[j] !== '"') {
    const ch = src[j];
    if (ch === '\n') fail('non-terminated string', i);
    if (ch === '\\') {
      const e = src[j + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e in simple) { out += simple[e]; j += 2; continue; }
      if (e === 'u') {
        const hex = src.slice(j + 2, j + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid unicode escape in string', j);
        out += String.fromCharCode(parseInt(hex, 16));
        j += 6;
        continue;
      }
      fail(`invalid escape sequence \\${e ?? ''} in string`, j);
    }
    out += ch;
    j++;
  }
  if (j >= src.length) fail('non-terminated string', i);
  return [out, j + 1];
}
