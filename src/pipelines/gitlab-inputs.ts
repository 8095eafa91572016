// GitLab's `spec:inputs` contract, checked the way GitLab checks it when a project includes a
// template: unknown arguments, missing required values, types, options and regex, with GitLab's own
// messages; then `$[[ inputs.name ]]` interpolation. gitlab-ci-local enforces most of this but lets
// unknown inputs through; `paved template check` catches those before a pipeline is created.

import YAML from 'yaml';
import { InputError } from '../platform/errors';

export type InputType = 'string' | 'number' | 'boolean' | 'array';

export interface InputSpec {
  type?: InputType;
  default?: unknown;
  description?: string;
  options?: unknown[];
  regex?: string;
}

export interface Template {
  file: string;
  inputs: Record<string, InputSpec>;
  /** The configuration document after the `---` that ends the header. */
  body: string;
}

/** GitLab's `!reference [job, key]` tag, kept as data so templates using it parse. */
export const referenceTag = { tag: '!reference', collection: 'seq' as const, resolve: (value: unknown) => value };

export function parseTemplate(file: string, text: string): Template {
  const docs = YAML.parseAllDocuments(text, { customTags: [referenceTag] });
  const first = docs[0];
  if (!first || first.errors.length) {
    throw new InputError(`not valid YAML: ${first?.errors[0]?.message ?? 'empty file'}`, { file });
  }
  const header = first.toJS() as { spec?: { inputs?: Record<string, InputSpec | null> } } | null;
  if (!header?.spec || docs.length < 2) {
    return { file, inputs: {}, body: text };
  }
  const separator = /^---[ \t]*$/m.exec(text);
  const bodyStart = separator ? separator.index + separator[0].length + 1 : text.length;
  const inputs: Record<string, InputSpec> = {};
  for (const [name, spec] of Object.entries(header.spec.inputs ?? {})) inputs[name] = spec ?? {};
  return { file, inputs, body: text.slice(bodyStart) };
}

function typeOf(value: unknown): InputType | 'other' {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'string') return 'string';
  return 'other';
}

/** GitLab's checks, in GitLab's words. Returns every error (GitLab shows the first three). */
export function validateInputs(template: Template, given: Record<string, unknown>): { values: Record<string, unknown>; errors: string[] } {
  const errors: string[] = [];
  const unknown = Object.keys(given).filter((name) => !(name in template.inputs));
  if (unknown.length) errors.push(`unknown input arguments: ${unknown.join(', ')}`);
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(template.inputs)) {
    const provided = name in given;
    const value = provided ? given[name] : spec.default;
    if (value === undefined) {
      errors.push(`\`${name}\` input: required value has not been provided`);
      continue;
    }
    const wanted = spec.type ?? 'string';
    if (typeOf(value) !== wanted) {
      errors.push(`\`${name}\` input: provided value is not a${wanted === 'array' ? 'n' : ''} ${wanted}`);
      continue;
    }
    if (spec.options && !spec.options.includes(value)) {
      errors.push(`\`${name}\` input: \`${String(value)}\` cannot be used because it is not in the list of allowed options`);
      continue;
    }
    if (spec.regex && typeof value === 'string' && !new RegExp(spec.regex.replace(/^\/(.*)\/$/, '$1')).test(value)) {
      errors.push(`\`${name}\` input: provided value does not match required RegEx pattern`);
      continue;
    }
    values[name] = value;
  }
  return { values, errors };
}

const INTERPOLATION = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;

/**
 * Replaces `$[[ inputs.name ]]`. A value that is the whole YAML scalar keeps its type (as GitLab
 * does); inside a longer string it is inserted as text. Strings are inserted as YAML-quoted scalars.
 */
export function interpolate(template: Template, values: Record<string, unknown>): string {
  const unknownKeys = new Set<string>();
  const out = template.body.replace(INTERPOLATION, (whole, name: string, offset: number, body: string) => {
    if (!(name in values)) {
      unknownKeys.add(name);
      return whole;
    }
    const value = values[name];
    const lineStart = body.lastIndexOf('\n', offset) + 1;
    const lineEnd = body.indexOf('\n', offset);
    const line = body.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    const before = line.slice(0, offset - lineStart);
    const after = line.slice(offset - lineStart + whole.length);
    const wholeScalar = /(^|:\s+|-\s+)$/.test(before) && after.trim() === '';
    if (wholeScalar) return typeof value === 'string' ? (value.includes('\n') ? JSON.stringify(value) : YAML.stringify(value).trimEnd()) : JSON.stringify(value);
    return String(value);
  });
  if (unknownKeys.size) throw new InputError(`unknown interpolation key: \`${[...unknownKeys][0]}\``, { file: template.file });
  return out;
}

/** Parses a command-line `NAME=VALUE` the way an `include: inputs:` value is read: as a YAML scalar. */
export function parseInputArgument(argument: string): [string, unknown] {
  const eq = argument.indexOf('=');
  if (eq <= 0) throw new InputError(`expected NAME=VALUE, got "${argument}"`, { field: '--input' });
  const raw = argument.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = YAML.parse(raw);
  } catch {
    value = raw;
  }
  return [argument.slice(0, eq), value ?? ''];
}
