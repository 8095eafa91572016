// Errors that carry their exit code, so every front-end maps failures the same way:
// 0 success, 1 a gate or policy failed, 2 bad usage or bad input.

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

export interface ErrorContext {
  /** The file the problem is in, as the user named it. */
  file?: string;
  /** The field, input or option at fault (for example `changes[3].action` or `--min-coverage`). */
  field?: string;
  /** What the user should do about it. */
  hint?: string;
}

export class PavedError extends Error {
  readonly exitCode: number;
  readonly context: ErrorContext;
  /** The bare reason, without the file/field prefix that `message` carries. */
  readonly reason: string;

  constructor(reason: string, exitCode: number, context: ErrorContext = {}) {
    const where = [context.file, context.field].filter(Boolean).join(': ');
    super(where ? `${where}: ${reason}` : reason);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.context = context;
    this.reason = reason;
  }

  /** The message (naming the file or field at fault) plus a hint line saying what to do. */
  describe(): string {
    return this.context.hint ? `${this.message}\n  hint: ${this.context.hint}` : this.message;
  }
}

/** The user gave something we cannot use: a malformed file, an unknown option, a missing token. */
export class InputError extends PavedError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, EXIT_BAD_INPUT, context);
  }
}

/** A gate, policy or health check decided "no". */
export class GateFailure extends PavedError {
  constructor(message: string, context: ErrorContext = {}) {
    super(message, EXIT_GATE_FAILED, context);
  }
}

export function exitCodeOf(err: unknown): number {
  return err instanceof PavedError ? err.exitCode : EXIT_BAD_INPUT;
}

export function describeError(err: unknown): string {
  if (err instanceof PavedError) return err.describe();
  if (err instanceof Error) return err.message;
  return String(err);
}
