// Reads a JSON document from a file in bounded memory. Plans reach hundreds of megabytes, mostly in
// `planned_values`, `prior_state` and `resource_changes`; the reader walks the document byte by byte,
// skips what the caller does not want without building it, and hands over one array element at a time
// (parsed with the native JSON.parse, which is fast), so memory stays at the size of the largest element.

import * as fs from 'node:fs';
import { InputError } from '../platform/errors';
import { fileError } from '../platform/files';

const CHUNK = 1 << 20;
const MAX_DEPTH = 10000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

export class JsonStreamReader {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK);
  private len = 0;
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  /** Start (in buf) of a value being captured for JSON.parse; -1 when none. */
  private capture = -1;
  private eof = false;
  private depth = 0;

  constructor(
    private readonly fd: number,
    private readonly file: string,
  ) {}

  static open<T>(file: string, fn: (reader: JsonStreamReader) => T): T {
    const fd = openForReading(file);
    try {
      return fn(new JsonStreamReader(fd, file));
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Byte offset of the next unread byte, for error messages. */
  get offset(): number {
    return this.base + this.pos;
  }

  error(message: string): InputError {
    return new InputError(`${message} at byte ${this.offset}`, { file: this.file, hint: 'the file is not valid JSON; regenerate it with the tool' });
  }

  private truncated(): InputError {
    return new InputError(`unexpected end of file at byte ${this.offset}: the JSON document is truncated`, {
      file: this.file,
      hint: 'the producing step may have been interrupted or run out of disk; regenerate the plan',
    });
  }

  private fill(): boolean {
    if (this.eof) return false;
    const keep = this.capture >= 0 ? this.capture : this.pos;
    if (keep > 0) {
      this.buf.copy(this.buf, 0, keep, this.len);
      this.len -= keep;
      this.pos -= keep;
      this.base += keep;
      if (this.capture >= 0) this.capture -= keep;
    }
    if (this.buf.length - this.len < CHUNK) {
      const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + CHUNK));
      this.buf.copy(bigger, 0, 0, this.len);
      this.buf = bigger;
    }
    const n = fs.readSync(this.fd, this.buf, this.len, this.buf.length - this.len, null);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.len += n;
    return true;
  }

  /** The next non-whitespace byte without consuming it; -1 at the end of the file. */
  peek(): number {
    for (;;) {
      const buf = this.buf;
      const len = this.len;
      let p = this.pos;
      while (p < len) {
        const c = buf[p];
        if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
          this.pos = p;
          return c;
        }
        p++;
      }
      this.pos = p;
      if (!this.fill()) return -1;
    }
  }

  private expect(byte: number, what: string): void {
    const c = this.peek();
    if (c === -1) throw this.truncated();
    if (c !== byte) throw this.error(`expected ${what}, found ${describeByte(c)}`);
    this.pos++;
  }

  /** Parses the next value into a JavaScript value. */
  value<T = unknown>(): T {
    if (this.peek() === -1) throw this.truncated();
    const outer = this.capture;
    const start = this.pos;
    if (outer < 0) this.capture = start;
    const startOffset = this.base + start;
    this.skip();
    // `fill` may have moved the captured bytes to the front of the buffer.
    const from = outer < 0 ? this.capture : startOffset - this.base;
    if (outer < 0) this.capture = -1;
    const text = this.buf.toString('utf8', from, this.pos);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new InputError(`invalid JSON value starting at byte ${startOffset}: ${(err as Error).message}`, { file: this.file });
    }
  }

  /** Skips the next value without building it, checking its structure on the way. */
  skip(): void {
    const c = this.peek();
    if (c === -1) throw this.truncated();
    if (c === QUOTE) return this.skipString();
    if (c === 0x7b || c === 0x5b) {
      if (++this.depth > MAX_DEPTH) throw this.error('nesting too deep');
      if (c === 0x7b) this.skipObject();
      else this.items(() => this.skip());
      this.depth--;
      return;
    }
    if (c === 0x74) return this.literal('true');
    if (c === 0x66) return this.literal('false');
    if (c === 0x6e) return this.literal('null');
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.skipNumber();
    throw this.error(`unexpected ${describeByte(c)}`);
  }

  /** Like `entries(() => this.skip())`, but keys are only stepped over, never decoded. */
  private skipObject(): void {
    this.pos++;
    if (this.closesAt(0x7d)) return;
    do {
      this.expectKey();
      this.skipString();
      this.expect(0x3a, '":"');
      this.skip();
    } while (this.nextMember(0x7d));
  }

  /** Consumes `close` when the container is empty. */
  private closesAt(close: number): boolean {
    if (this.peek() !== close) return false;
    this.pos++;
    return true;
  }

  private expectKey(): void {
    const k = this.peek();
    if (k === QUOTE) return;
    if (k === -1) throw this.truncated();
    throw this.error(`expected a key string, found ${describeByte(k)}`);
  }

  /** After a member: true (and the comma consumed) when another follows, false once `close` is consumed. */
  private nextMember(close: number): boolean {
    const c = this.peek();
    if (c === 0x2c || c === close) {
      this.pos++;
      return c === 0x2c;
    }
    if (c === -1) throw this.truncated();
    throw this.error(`expected "," or "${String.fromCharCode(close)}", found ${describeByte(c)}`);
  }

  private skipString(): void {
    this.pos++;
    for (;;) {
      const buf = this.buf;
      const len = this.len;
      let p = this.pos;
      while (p < len) {
        const c = buf[p];
        if (c === QUOTE) {
          this.pos = p + 1;
          return;
        }
        if (c === BACKSLASH) {
          if (p + 1 >= len) break;
          p += 2;
          continue;
        }
        if (c < 0x20) {
          this.pos = p;
          throw this.error('control character inside a string');
        }
        p++;
      }
      this.pos = p;
      if (!this.fill()) throw this.truncated();
    }
  }

  private skipNumber(): void {
    for (;;) {
      const buf = this.buf;
      const len = this.len;
      let p = this.pos;
      while (p < len) {
        const c = buf[p];
        const numeric = (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
        if (!numeric) {
          this.pos = p;
          return;
        }
        p++;
      }
      this.pos = p;
      // A number may end the document only when it is the whole document.
      if (!this.fill()) return;
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.pos >= this.len && !this.fill()) throw this.truncated();
      if (this.buf[this.pos] !== word.charCodeAt(i)) throw this.error(`invalid literal (expected ${word})`);
      this.pos++;
    }
  }

  /**
   * Walks an object: `onKey` is called with each key and must consume its value (with `value`, `skip`,
   * `entries` or `items`). A `null` in place of the object is taken as an empty one.
   */
  entries(onKey: (key: string) => void, what = 'an object'): void {
    if (this.nullInstead()) return;
    this.expect(0x7b, what);
    if (this.closesAt(0x7d)) return;
    do {
      this.expectKey();
      const key = this.value<string>();
      this.expect(0x3a, '":"');
      onKey(key);
    } while (this.nextMember(0x7d));
  }

  /** Walks an array: `onItem` must consume each element. A `null` in place of the array is taken as empty. */
  items(onItem: (index: number) => void, what = 'an array'): void {
    if (this.nullInstead()) return;
    this.expect(0x5b, what);
    if (this.closesAt(0x5d)) return;
    let index = 0;
    do onItem(index++);
    while (this.nextMember(0x5d));
  }

  private nullInstead(): boolean {
    if (this.peek() !== 0x6e) return false;
    this.literal('null');
    return true;
  }

  /** A UTF-8 byte order mark is skipped; UTF-16 (PowerShell 5's `>` redirection) is refused with the fix. */
  private skipByteOrderMark(): void {
    while (this.len - this.pos < 3 && this.fill());
    const b = this.buf;
    if (this.len - this.pos >= 3 && b[this.pos] === 0xef && b[this.pos + 1] === 0xbb && b[this.pos + 2] === 0xbf) this.pos += 3;
    else if (this.len - this.pos >= 2 && ((b[this.pos] === 0xff && b[this.pos + 1] === 0xfe) || (b[this.pos] === 0xfe && b[this.pos + 1] === 0xff))) {
      throw new InputError('the file is UTF-16 encoded; plans must be UTF-8 JSON', {
        file: this.file,
        hint: "PowerShell's > writes UTF-16: use `terraform show -json tfplan | Out-File -Encoding utf8 plan.json`, or write the file from bash",
      });
    }
  }

  /** Reads the whole document as an object, one key at a time, and checks nothing follows it. */
  document(onKey: (key: string) => void): void {
    this.skipByteOrderMark();
    const first = this.peek();
    if (first === -1) {
      throw new InputError('plan file is empty', { file: this.file, hint: 'check that the producing step wrote its output' });
    }
    if (first !== 0x7b) {
      throw new InputError(`not a plan: the file does not hold a JSON object (it starts with ${describeByte(first)})`, {
        file: this.file,
        hint: 'give the JSON from `terraform show -json`, `tofu show -json`, `pulumi preview --json` or `aws cloudformation describe-change-set`',
      });
    }
    this.entries(onKey);
    const rest = this.peek();
    if (rest === 0x7b) {
      throw new InputError(`a second JSON object follows the first at byte ${this.offset}: this is a JSON-lines event stream, not one plan document`, {
        file: this.file,
        hint: 'give `terraform show -json PLANFILE` (not `terraform plan -json`) or `pulumi preview --json` without PULUMI_ENABLE_STREAMING_JSON_PREVIEW',
      });
    }
    if (rest !== -1) throw this.error(`unexpected ${describeByte(rest)} after the end of the JSON document`);
  }
}

function openForReading(file: string): number {
  try {
    const fd = fs.openSync(file, 'r');
    if (fs.fstatSync(fd).isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    return fd;
  } catch (err) {
    throw fileError(err, file, 'plan file');
  }
}

/** Calls `fn` with each chunk of a file, in order, without holding more than one chunk. */
export function forEachChunk(file: string, fn: (chunk: Buffer) => void): void {
  const fd = openForReading(file);
  try {
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (let n; (n = fs.readSync(fd, chunk, 0, chunk.length, null)) > 0; ) fn(chunk.subarray(0, n));
  } finally {
    fs.closeSync(fd);
  }
}

function describeByte(c: number): string {
  if (c === -1) return 'the end of the file';
  if (c >= 0x20 && c < 0x7f) return `"${String.fromCharCode(c)}"`;
  return `byte 0x${c.toString(16).padStart(2, '0')}`;
}
