// Validates a YAML file against one of paved's JSON Schemas and reports each problem at the
// file:line:col of the offending YAML node, so a registry or manifest error points at the line to fix.

import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import * as YAML from 'yaml';
import { InputError } from '../platform/errors';

export interface SchemaProblem {
  /** `projects[0].deployment_targets[1].type` */
  field: string;
  message: string;
  line?: number;
  column?: number;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schema: { $id?: string }): ValidateFunction {
  const key = schema.$id ?? JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.getSchema(key) ?? ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

/** Parses `text` as one YAML document; syntax errors become an InputError at their position. */
export function parseYamlDocument(text: string, file: string, what: string): { doc: YAML.Document; value: unknown; lineCounter: YAML.LineCounter } {
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.pos ? lineCounter.linePos(err.pos[0]) : undefined;
    throw new InputError(`${what} is not valid YAML: ${err.message.split('\n')[0]}`, {
      file: pos ? `${file}:${pos.line}:${pos.col}` : file,
      hint: 'fix the YAML syntax at that position',
    });
  }
  return { doc, value: doc.toJS(), lineCounter };
}

/** Schema problems of `value`, each located in the YAML document it came from. */
export function schemaProblems(schema: object, value: unknown, doc: YAML.Document, lineCounter: YAML.LineCounter): SchemaProblem[] {
  const validate = validatorFor(schema as { $id?: string });
  if (validate(value)) return [];
  const errors = pruneOneOf(validate.errors ?? []);
  const seen = new Set<string>();
  const out: SchemaProblem[] = [];
  for (const err of errors) {
    const segments = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let path: Array<string | number> = segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    let message = err.message ?? 'is not valid';
    if (err.keyword === 'additionalProperties') {
      const extra = String((err.params as { additionalProperty: string }).additionalProperty);
      path = [...path, extra];
      message = `unknown field "${extra}"`;
    } else if (err.keyword === 'required') {
      message = `missing required field "${(err.params as { missingProperty: string }).missingProperty}"`;
    } else if (err.keyword === 'enum') {
      message = `must be one of: ${((err.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    }
    if (err.keyword === 'type' && (err.params as { type?: string }).type === 'string') {
      const node = doc.getIn(path, true);
      if (YAML.isScalar(node) && typeof node.value === 'number') message = `must be a string: YAML read the unquoted ${node.source ?? node.value} as a number, so put it in quotes`;
    }
    const pos = locate(doc, path, lineCounter, err.keyword === 'additionalProperties');
    const field = fieldName(path);
    const key = `${field}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ field: field || '(top level)', message, line: pos?.line, column: pos?.col });
  }
  return out;
}

/** Throws one InputError listing every problem as file:line:col. */
export function throwProblems(problems: SchemaProblem[], file: string, what: string, hint: string): never {
  const lines = problems.map((p) => `  ${file}${p.line ? `:${p.line}:${p.column}` : ''}: ${p.field}: ${p.message}`);
  throw new InputError(`${what} is not valid (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, { file, hint });
}

export function fieldName(path: Array<string | number>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

// For `oneOf` alternatives Ajv reports every branch's failure; keep the branch that got furthest
// (the deepest instance path) so "environments[0].tier must be one of ..." is not buried.
function pruneOneOf(errors: ErrorObject[]): ErrorObject[] {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const kept = errors.filter((e) => {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') return !errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== 'oneOf');
    if (e.keyword === 'type' && errors.some((o) => o.keyword !== 'type' && depth(o) >= depth(e) && o.instancePath.startsWith(e.instancePath) && o !== e)) return false;
    return true;
  });
  return kept.length > 0 ? kept : errors;
}

function locate(doc: YAML.Document, path: Array<string | number>, lineCounter: YAML.LineCounter, atKey: boolean): { line: number; col: number } | undefined {
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as YAML.Node | null)?.range?.[0];
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (YAML.isMap(node)) {
      const pair = node.items.find((p) => (YAML.isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(key));
      if (!pair) break;
      const last = i === path.length - 1;
      const keyNode = pair.key as YAML.Node;
      node = pair.value;
      offset = (last && atKey) || !pair.value ? keyNode?.range?.[0] : ((pair.value as YAML.Node).range?.[0] ?? keyNode?.range?.[0]);
    } else if (YAML.isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      offset = (node as YAML.Node | undefined)?.range?.[0] ?? offset;
      if (!node) break;
    } else break;
  }
  return offset === undefined ? undefined : lineCounter.linePos(offset);
}
