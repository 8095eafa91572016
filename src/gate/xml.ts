// A small, strict XML reader for test and coverage reports. It builds a light element tree in one
// indexOf-driven pass, reports malformed input with a line number, and is safe by construction:
// DOCTYPE declarations are skipped (no external DTD is ever fetched, no custom entity is expanded),
// only the five predefined entities and numeric character references are decoded.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data (text and CDATA) directly inside this element. */
  text: string;
  /** Offset of the opening tag in the source, for messages (see `lineAt`). */
  offset: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`${message} (line ${line})`);
  }
}

const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  let amp = text.indexOf('&');
  if (amp === -1) return text;
  let out = '';
  let from = 0;
  while (amp !== -1) {
    const semi = text.indexOf(';', amp + 1);
    if (semi === -1 || semi - amp > 12) {
      amp = text.indexOf('&', amp + 1);
      continue;
    }
    const decoded = decodeReference(text.slice(amp + 1, semi));
    if (decoded !== undefined) {
      out += text.slice(from, amp) + decoded;
      from = semi + 1;
    }
    amp = text.indexOf('&', decoded !== undefined ? semi + 1 : amp + 1);
  }
  return out + text.slice(from);
}

/** `lt`, `#65`, `#x42` → the character; anything else (custom entities included) stays as written. */
function decodeReference(ref: string): string | undefined {
  if (ref[0] !== '#') return Object.hasOwn(PREDEFINED, ref) ? PREDEFINED[ref] : undefined;
  const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
  return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

export function parseXml(source: string): XmlElement {
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  // Line numbers are only needed in errors, so they are counted only then.
  const lineOf = (index: number) => lineAt(text, index);

  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let pos = 0;
  const fail = (message: string, index: number): never => {
    throw new XmlSyntaxError(message, lineOf(index));
  };

  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunkEnd = lt === -1 ? text.length : lt;
    if (chunkEnd > pos) {
      // Whitespace between elements carries nothing a report needs; skipping it keeps big trees small.
      if (!isBlank(text, pos, chunkEnd)) {
        const parent = stack[stack.length - 1];
        if (parent) parent.text += decodeEntities(text.slice(pos, chunkEnd));
        else fail('text outside the root element', pos);
      }
    }
    if (lt === -1) break;

    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) fail('unterminated comment', lt);
      pos = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end === -1) fail('unterminated CDATA section', lt);
      const parent = stack[stack.length - 1];
      if (!parent) fail('CDATA outside the root element', lt);
      parent!.text += text.slice(lt + 9, end);
      pos = end + 3;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) fail('unterminated processing instruction', lt);
      pos = end + 2;
    } else if (text.startsWith('<!', lt)) {
      pos = skipDeclaration(text, lt, fail);
    } else if (text[lt + 1] === '/') {
      const end = text.indexOf('>', lt + 2);
      if (end === -1) fail('unterminated closing tag', lt);
      const name = text.slice(lt + 2, end).trim();
      const open = stack.pop();
      if (!open) fail(`closing tag </${name}> without an opening tag`, lt);
      if (open!.name !== name) fail(`expected </${open!.name}> (opened at line ${lineOf(open!.offset)}) but found </${name}>`, lt);
      pos = end + 1;
    } else {
      const tag = readStartTag(text, lt);
      if (!tag) fail('unterminated or malformed tag', lt);
      const element: XmlElement = { name: tag!.name, attrs: tag!.attrs, children: [], text: '', offset: lt };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail(`a second root element <${element.name}>`, lt);
      else root = element;
      if (!tag!.selfClosing) stack.push(element);
      pos = tag!.end + 1;
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1];
    throw new XmlSyntaxError(`document ends inside <${open.name}> opened at line ${lineOf(open.offset)}`, lineOf(text.length));
  }
  if (!root) throw new XmlSyntaxError('no root element (the file holds no XML)', 1);
  return root;
}

/** 1-based line number of `index` in `text`. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

/** Skips `<!DOCTYPE ...>` including an internal subset in brackets; its entities are deliberately ignored. */
function skipDeclaration(text: string, from: number, fail: (message: string, index: number) => never): number {
  let depth = 0;
  for (let i = from + 2; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '>' && depth <= 0) return i + 1;
  }
  return fail('unterminated <! declaration', from);
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function validName(name: string): boolean {
  if (!name) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (isSpace(c) || c === 60 || c === 62) return false; // < >
  }
  return true;
}

/** Reads `<name attr="v" ...>` starting at `lt` in one pass; undefined when it is not a well-formed start tag. */
function readStartTag(text: string, lt: number): { name: string; attrs: Record<string, string>; selfClosing: boolean; end: number } | undefined {
  let i = lt + 1;
  while (i < text.length && !isSpace(text.charCodeAt(i)) && text[i] !== '>' && text[i] !== '/') i++;
  const name = text.slice(lt + 1, i);
  if (!validName(name)) return undefined;
  const attrs: Record<string, string> = {};
  for (;;) {
    while (i < text.length && isSpace(text.charCodeAt(i))) i++;
    const c = text[i];
    if (c === '>') return { name, attrs, selfClosing: false, end: i };
    if (c === '/' && text[i + 1] === '>') return { name, attrs, selfClosing: true, end: i + 1 };
    if (c === undefined || c === '<') return undefined;
    const eq = text.indexOf('=', i);
    if (eq === -1) return undefined;
    const attr = text.slice(i, eq).trim();
    let q = eq + 1;
    while (q < text.length && isSpace(text.charCodeAt(q))) q++;
    const quote = text[q];
    if ((quote !== '"' && quote !== "'") || !validName(attr)) return undefined;
    const close = text.indexOf(quote, q + 1);
    if (close === -1) return undefined;
    const value = text.slice(q + 1, close);
    attrs[attr] = value.includes('&') ? decodeEntities(value) : value;
    i = close + 1;
  }
}

/** Direct children named `name` (local name: a namespace prefix is ignored). */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => localName(c.name) === name);
}

export function firstChild(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => localName(c.name) === name);
}

export function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** Every descendant named `name`, in document order. */
export function descendantsNamed(element: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const child of element.children) {
    if (localName(child.name) === name) out.push(child);
    descendantsNamed(child, name, out);
  }
  return out;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry at all (test output sometimes holds ANSI escapes).
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
