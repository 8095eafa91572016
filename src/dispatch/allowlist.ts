// The provider's allow-list: which customer repositories may ask for which environments, and which
// variables they may set to which values. Customer values are judged only against it; anything it
// does not name is forbidden.

import YAML from 'yaml';
import { InputError } from '../platform/errors';
import type { Scalar, VariableValue } from './variables';

export interface VariableRule {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array';
  enum?: Scalar[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  max_length?: number;
  max_items?: number;
  required?: boolean;
  default?: VariableValue;
  /** Narrower rules per environment (for example a higher minimum in production). */
  environments?: Record<string, Omit<VariableRule, 'environments'>>;
}

export interface Customer {
  /** `owner/name` on GitHub, `group/project` on GitLab. */
  repository: string;
  environments: string[];
}

export interface AllowList {
  customers: Customer[];
  variables: Record<string, VariableRule>;
}

const RULE_KEYS = new Set(['type', 'enum', 'pattern', 'minimum', 'maximum', 'max_length', 'max_items', 'required', 'default', 'environments']);

export function parseAllowList(text: string, file: string): AllowList {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (err) {
    throw new InputError(`not valid YAML: ${(err as Error).message.split('\n')[0]}`, { file });
  }
  const list = doc as Partial<AllowList> | null;
  if (!list || !Array.isArray(list.customers) || typeof list.variables !== 'object' || list.variables === null) {
    throw new InputError('needs a customers list and a variables map', { file, hint: 'see docs/managed-infra.md for the format' });
  }
  list.customers.forEach((c, i) => {
    if (typeof c?.repository !== 'string' || !/^[\w.-]+(\/[\w.-]+)+$/.test(c.repository)) throw new InputError('repository must be owner/name', { file, field: `customers[${i}].repository` });
    if (!Array.isArray(c.environments) || c.environments.length === 0) throw new InputError('environments must list at least one environment', { file, field: `customers[${i}].environments` });
  });
  for (const [name, rule] of Object.entries(list.variables)) {
    for (const key of Object.keys(rule ?? {})) {
      if (!RULE_KEYS.has(key)) throw new InputError(`unknown rule "${key}"`, { file, field: `variables.${name}`, hint: `rules are ${[...RULE_KEYS].join(', ')}` });
    }
    if (rule?.pattern) {
      try {
        new RegExp(rule.pattern);
      } catch {
        throw new InputError(`pattern is not a valid regular expression`, { file, field: `variables.${name}.pattern` });
      }
    }
  }
  return list as AllowList;
}

export function findCustomer(list: AllowList, repository: string): Customer | undefined {
  return list.customers.find((c) => c.repository.toLowerCase() === repository.toLowerCase());
}

function typeMatches(type: VariableRule['type'], value: VariableValue): boolean {
  switch (type) {
    case undefined:
      return !Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'array':
      return Array.isArray(value);
    default:
      return typeof value === type;
  }
}

function checkScalar(name: string, rule: VariableRule, value: Scalar, problems: string[]): void {
  const shown = JSON.stringify(value);
  if (rule.enum && !rule.enum.includes(value)) problems.push(`\`${name}\`: ${shown} is not allowed (allowed: ${rule.enum.join(', ')})`);
  if (rule.pattern && typeof value === 'string' && !new RegExp(rule.pattern).test(value)) problems.push(`\`${name}\`: ${shown} does not match ${rule.pattern}`);
  if (rule.max_length !== undefined && typeof value === 'string' && value.length > rule.max_length) problems.push(`\`${name}\`: longer than ${rule.max_length} characters`);
  if (rule.minimum !== undefined && typeof value === 'number' && value < rule.minimum) problems.push(`\`${name}\`: ${shown} is below the minimum ${rule.minimum}`);
  if (rule.maximum !== undefined && typeof value === 'number' && value > rule.maximum) problems.push(`\`${name}\`: ${shown} is above the maximum ${rule.maximum}`);
}

/**
 * Judges the customer's values for one environment. Returns the accepted values (defaults filled
 * in) or every problem, each naming the variable; nothing is accepted unless all of it is.
 */
export function applyAllowList(list: AllowList, environment: string, values: Record<string, VariableValue>): { values: Record<string, VariableValue>; problems: string[] } {
  const problems: string[] = [];
  const accepted: Record<string, VariableValue> = {};
  for (const name of Object.keys(values)) {
    if (!(name in list.variables)) problems.push(`\`${name}\`: forbidden variable (the provider does not accept it)`);
  }
  for (const [name, base] of Object.entries(list.variables)) {
    const rule: VariableRule = { ...base, ...(base.environments?.[environment] ?? {}) };
    const value = name in values ? values[name] : rule.default;
    if (value === undefined) {
      if (rule.required) problems.push(`\`${name}\`: required for ${environment}`);
      continue;
    }
    if (!typeMatches(rule.type, value)) {
      problems.push(`\`${name}\`: must be ${rule.type === 'integer' ? 'an integer' : `a${rule.type === 'array' ? 'n' : ''} ${rule.type ?? 'single value'}`}`);
      continue;
    }
    if (Array.isArray(value)) {
      if (rule.max_items !== undefined && value.length > rule.max_items) problems.push(`\`${name}\`: more than ${rule.max_items} items`);
      value.forEach((item) => checkScalar(name, rule, item, problems));
    } else checkScalar(name, rule, value, problems);
    accepted[name] = value;
  }
  return problems.length ? { values: {}, problems } : { values: accepted, problems };
}
