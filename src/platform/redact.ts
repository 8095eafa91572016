// One registry of secret values for the whole process. Every writer (logs, summaries, comments,
// artifacts) passes its text through `redact` so a value registered anywhere never leaves.

const MIN_SECRET_LENGTH = 4;
export const REDACTED = '***';

export class Redactor {
  private readonly values = new Set<string>();
  /** `values`, longest first, kept between calls: redact runs on every log line. */
  private longestFirst: string[] | undefined;
  private listeners: Array<(value: string) => void> = [];

  add(value: string | undefined | null): void {
    if (!value || value.length < MIN_SECRET_LENGTH || this.values.has(value)) return;
    this.values.add(value);
    this.longestFirst = undefined;
    // Multi-line secrets (PEM keys) also leak line by line.
    for (const line of value.split(/\r?\n/)) {
      if (line.trim().length >= MIN_SECRET_LENGTH && line !== value) this.values.add(line.trim());
    }
    for (const listener of this.listeners) listener(value);
  }

  /** Called for each new secret; the GitHub face uses it to emit `::add-mask::`. */
  onAdd(listener: (value: string) => void): void {
    this.listeners.push(listener);
  }

  redact(text: string): string {
    if (this.values.size === 0 || !text) return text;
    // Longest first so a secret containing another is replaced whole.
    this.longestFirst ??= [...this.values].sort((a, b) => b.length - a.length);
    let out = text;
    for (const value of this.longestFirst) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  }

  clear(): void {
    this.values.clear();
    this.longestFirst = undefined;
  }
}

export const secrets = new Redactor();

/** Redacts a JSON-serialisable value by redacting its serialised form. */
export function redactJson<T>(value: T, redactor: Redactor = secrets): T {
  const text = JSON.stringify(value);
  const redacted = redactor.redact(text);
  return redacted === text ? value : (JSON.parse(redacted) as T);
}
