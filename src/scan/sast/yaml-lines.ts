// YAML parsing that keeps line numbers, for checks that point at the offending line of a pipeline file,
// and the finding those checks report.

import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from 'yaml';
import { InputError } from '../../platform/errors';
import { sha256, type Finding, type Severity } from '../model';

export interface LocatedYaml {
  root: unknown;
  lineOf(node: unknown): number | undefined;
  lines: string[];
}

const gitlabTags = [{ tag: '!reference', collection: 'seq' as const, resolve: (value: unknown) => value }];

/**
 * Parses a YAML file keeping line numbers. GitLab CI components put a `spec:` header document before
 * the jobs (`spec: ... --- jobs`); the last document is the pipeline.
 */
export function parseLocated(text: string, file: string): LocatedYaml {
  const counter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: counter, customTags: gitlabTags, uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    if (doc.errors.length) throw new InputError(`not valid YAML: ${doc.errors[0].message.split('\n')[0]}`, { file });
  }
  return {
    root: list.length ? list[list.length - 1].contents : null,
    lines: text.split(/\r?\n/),
    lineOf(node: unknown) {
      const range = (node as Node | undefined)?.range;
      return range ? counter.linePos(range[0]).line : undefined;
    },
  };
}

/** A map's value node by key (the raw node, so its line is known). */
export function getNode(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  for (const pair of map.items) if (isScalar(pair.key) && String(pair.key.value) === key) return pair.value;
  return undefined;
}

export function keyNode(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  return map.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === key)?.key;
}

export function entries(map: unknown): Array<[string, unknown, unknown]> {
  if (!isMap(map)) return [];
  return map.items.filter((p) => isScalar(p.key)).map((p) => [String((p.key as { value: unknown }).value), p.value, p.key]);
}

export function scalar(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

export function items(node: unknown): unknown[] {
  return isSeq(node) ? node.items : [];
}

export { isMap, isSeq, isScalar };

/** The line (1-based) where `needle` first appears at or after `from`, for text inside block scalars. */
export function lineContaining(lines: string[], needle: string, from: number): number {
  for (let i = Math.max(0, from - 1); i < lines.length; i++) if (lines[i].includes(needle)) return i + 1;
  return from;
}

export interface PipelineRule {
  title: string;
  severity: Severity;
  help: string;
}

/** A built-in pipeline check's finding; the fingerprint follows rule, file and detail, never the line. */
export function pipelineFinding(rules: Record<string, PipelineRule>, rule: string, file: string, line: number | undefined, detail: string, severity?: Severity): Finding {
  const meta = rules[rule];
  return {
    kind: 'sast',
    rule,
    title: meta.title,
    message: `${meta.title}: ${detail}`,
    severity: severity ?? meta.severity,
    file,
    line,
    fingerprint: sha256(`${rule}\0${file}\0${detail}`),
    tool: 'paved',
    help: meta.help,
  };
}
