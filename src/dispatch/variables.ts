// The customer's `infra/variables.yml` is attacker-controlled input: any pull-request author writes
// it. It is read defensively (size, one document, no anchors, aliases or tags), checked against the
// schema and then against the provider's allow-list, and only then turned into a JSON variables
// file for the IaC tool, never into HCL or shell text.

import Ajv2020 from 'ajv/dist/2020';
import YAML, { isAlias, isNode, visit } from 'yaml';
import { InputError } from '../platform/errors';
import schema from '../../schemas/infra-variables.schema.json';

export const MAX_VARIABLES_BYTES = 64 * 1024;

export type Scalar = string | number | boolean;
export type VariableValue = Scalar | Scalar[];

export interface VariablesFile {
  version: 1;
  variables: Record<string, VariableValue>;
  environments?: Record<string, Record<string, VariableValue>>;
}

/** Only the tags plain data needs: no !!binary, !!set, !!timestamp or application tags. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'seq', 'map'].map((t) => `tag:yaml.org,2002:${t}`));

const validateSchema = new Ajv2020({ allErrors: true, strict: false }).compile<VariablesFile>(schema);

/** Parses and schema-checks the file; every problem names the file and, where it can, the line. */
export function parseVariables(text: string, file: string): VariablesFile {
  if (Buffer.byteLength(text) > MAX_VARIABLES_BYTES) {
    throw new InputError(`is larger than ${MAX_VARIABLES_BYTES / 1024} KiB`, { file, hint: 'variables.yml holds a few values, not data' });
  }
  const lineCounter = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (docs.length !== 1) throw new InputError(`must hold exactly one YAML document (found ${docs.length})`, { file });
  const doc = docs[0];
  if (doc.errors.length) {
    const e = doc.errors[0];
    const at = lineCounter.linePos(e.pos[0]);
    throw new InputError(`not valid YAML at line ${at.line}: ${e.message.split('\n')[0]}`, { file });
  }
  visit(doc, (_key, node) => {
    if (isAlias(node) || (isNode(node) && (node as { anchor?: string }).anchor)) {
      throw new InputError('YAML anchors and aliases are not allowed', { file, hint: 'write each value out in full' });
    }
    if (isNode(node) && node.tag && !PLAIN_TAGS.has(node.tag)) {
      throw new InputError(`YAML tag ${node.tag} is not allowed`, { file });
    }
  });
  const value = doc.toJS();
  if (!validateSchema(value)) {
    // A value of the wrong shape fails every branch of a oneOf: say what a value may be instead.
    const errors = validateSchema.errors!;
    const oneOf = errors.find((err) => err.keyword === 'oneOf');
    const e = oneOf ? { ...oneOf, message: 'must be a string, number, boolean or a list of them' } : errors[0];
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
    const extra = e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : '';
    throw new InputError(`${e.message}${extra}`, { file, field: where, hint: 'see schemas/infra-variables.schema.json' });
  }
  return value;
}

/** The values for one environment: the shared ones with the environment's merged over them. */
export function valuesFor(file: VariablesFile, environment: string): Record<string, VariableValue> {
  return { ...file.variables, ...(file.environments?.[environment] ?? {}) };
}
