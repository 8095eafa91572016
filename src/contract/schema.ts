// Validation against schemas/plan.schema.json. Changes are checked one at a time as they stream, and
// the rest of the document with its arrays empty, so even a huge plan is validated in bounded memory.

import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { InputError } from '../platform/errors';
import schema from '../../schemas/plan.schema.json';
import type { PlanChange, PlanHeader } from './types';

export const PLAN_SCHEMA_ID = schema.$id;

let compiled: { plan: ValidateFunction; change: ValidateFunction } | undefined;

function validators(): { plan: ValidateFunction; change: ValidateFunction } {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: false, strict: false });
    ajv.addSchema(schema);
    compiled = {
      plan: ajv.getSchema(PLAN_SCHEMA_ID)!,
      change: ajv.getSchema(`${PLAN_SCHEMA_ID}#/$defs/change`)!,
    };
  }
  return compiled;
}

function describe(errors: ErrorObject[] | null | undefined): { field: string; message: string } {
  const e = errors?.[0];
  if (!e) return { field: '', message: 'does not match the plan contract' };
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
  const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return { field, message: `${e.message ?? 'is invalid'}${extra}` };
}

/** Throws an InputError naming the field when `change` does not match the contract. */
export function checkChange(change: PlanChange | unknown, field: string, file: string): void {
  const { change: validate } = validators();
  if (validate(change)) return;
  const { field: inner, message } = describe(validate.errors);
  throw new InputError(`${message}; not a valid contract plan change`, { file, field: inner ? `${field}.${inner}` : field });
}

/** Checks the plan's header (every field but the two change arrays). */
export function checkHeader(header: PlanHeader | unknown, file: string): void {
  const { plan: validate } = validators();
  if (validate({ ...(header as object), changes: [], drift: [] })) return;
  const { field, message } = describe(validate.errors);
  throw new InputError(`${message}; not a valid contract plan`, { file, field: field || undefined });
}

/** Validates a whole contract plan held in memory. */
export function validatePlan(plan: unknown, file: string): void {
  const { changes, drift, ...header } = plan as Record<string, unknown>;
  checkHeader(header, file);
  for (const [key, list] of [['changes', changes], ['drift', drift]] as const) {
    if (!Array.isArray(list)) throw new InputError('must be an array', { file, field: key });
    list.forEach((c, i) => checkChange(c, `${key}[${i}]`, file));
  }
}
