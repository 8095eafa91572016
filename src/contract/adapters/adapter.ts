// What every tool adapter shares: where converted changes go, and the pieces of the plan header an
// adapter fills in from its tool's document.

import { InputError } from '../../platform/errors';
import type { Diagnostic, OutputChange, PlanChange, ToolInfo } from '../types';
import type { SensitiveHasher } from '../values';

/** Receives changes one at a time, so a huge plan never has to sit in memory whole. */
export interface ChangeSink {
  change(change: PlanChange): void;
  drift(change: PlanChange): void;
}

export interface AdapterContext {
  file: string;
  hasher: SensitiveHasher;
  sink: ChangeSink;
}

/** The header fields an adapter knows; the converter adds source, summary and redaction. */
export interface AdapterResult {
  tool: ToolInfo;
  errored: boolean;
  applyable: boolean;
  complete: boolean;
  variables: Record<string, unknown>;
  outputs: Record<string, OutputChange>;
  diagnostics: Diagnostic[];
  toolReported?: Record<string, number>;
}

export function asRecord(value: unknown): Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, any>) : {};
}

export function asArray(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

export function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A required string field of a native element; names the element when it is missing. */
export function requireString(value: unknown, file: string, field: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new InputError(`missing or empty ${field.replace(/^.*\./, '')}`, { file, field, hint: 'the plan does not have the shape its tool writes; regenerate it' });
}

/** Parses a property path such as `ingress[0].cidrBlocks` or `tags["a.b"]` into steps. */
export function parsePropertyPath(path: string): Array<string | number> {
  const steps: Array<string | number> = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (let m; (m = re.exec(path)); ) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push(m[3].replace(/\\(.)/g, '$1'));
  }
  return steps;
}
