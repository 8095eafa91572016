// Errors raised by the Rego engine, carrying OPA's error codes (rego_parse_error, rego_compile_error,
// eval_conflict_error, ...) and the file:row:col they refer to, so callers can print OPA-style errors.

export interface Location {
  file: string;
  row: number;
  col: number;
}

export interface RegoErrorDetail {
  code: string;
  message: string;
  location?: Location;
}

export class RegoError extends Error {
  readonly code: string;
  readonly errors: RegoErrorDetail[];

  constructor(errors: RegoErrorDetail[]) {
    super(errors.map(formatDetail).join('\n'));
    this.name = 'RegoError';
    this.code = errors[0]?.code ?? 'rego_error';
    this.errors = errors;
  }

  static of(code: string, message: string, location?: Location): RegoError {
    return new RegoError([{ code, message, location }]);
  }
}

/** `file:row: code: message`, as OPA prints an error. */
export function formatDetail(e: RegoErrorDetail): string {
  const where = e.location ? `${e.location.file}:${e.location.row}: ` : '';
  return `${where}${e.code}: ${e.message}`;
}

/** A built-in failed (bad operand, divide by zero...). Undefined unless strict built-in errors are on. */
export class BuiltinError extends Error {
  constructor(
    message: string,
    readonly code: 'eval_builtin_error' | 'eval_type_error' = 'eval_builtin_error',
  ) {
    super(message);
  }
}
