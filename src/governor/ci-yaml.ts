// Reads CI configuration YAML the way GitHub and GitLab do: anchors and aliases resolved, `<<` merge
// keys applied, GitLab's `!reference` tag accepted, multi-document component files (`spec:` header,
// `---`, then the configuration) split, and every value traceable back to its line and column.

import * as YAML from 'yaml';

/** GitLab's `!reference [.job, key]`: kept as the list it names; the auditor never needs the target. */
const referenceTag: YAML.CollectionTag = {
  tag: '!reference',
  collection: 'seq',
  default: false,
  resolve: (value) => value,
};

export type YamlPath = Array<string | number>;

export interface CiDocument {
  /** The document as plain data (aliases and merge keys resolved). */
  value: unknown;
  /** Where the node at `path` starts (1-based); the nearest existing ancestor when the path came from a merge. */
  positionOf(path: YamlPath): { line: number; column: number } | undefined;
  /** The comment on the same line as the scalar at `path` (for `uses: x@<sha> # v1.2.3`). */
  commentOf(path: YamlPath): string | undefined;
}

export interface ParsedCiFile {
  documents: CiDocument[];
  /** Syntax errors with their position, for reporting instead of crashing. */
  errors: Array<{ message: string; line?: number; column?: number }>;
}

const CI_YAML_OPTIONS: YAML.ParseOptions & YAML.DocumentOptions & YAML.SchemaOptions = {
  customTags: [referenceTag],
  merge: true,
  uniqueKeys: false,
};

export function parseCiYaml(text: string): ParsedCiFile {
  const lineCounter = new YAML.LineCounter();
  const docs = YAML.parseAllDocuments(text, { ...CI_YAML_OPTIONS, lineCounter, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const errors: ParsedCiFile['errors'] = [];
  const documents: CiDocument[] = [];
  for (const doc of list) {
    for (const err of doc.errors) {
      const pos = err.pos ? lineCounter.linePos(err.pos[0]) : undefined;
      errors.push({ message: err.message.split('\n')[0], line: pos?.line, column: pos?.col });
    }
    if (doc.errors.length > 0) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 10000 });
    } catch (err) {
      errors.push({ message: (err as Error).message });
      continue;
    }
    const nodeAt = (path: YamlPath) => findNode(doc, path);
    documents.push({
      value,
      positionOf(path) {
        const node = nodeAt(path);
        const offset = node?.range?.[0];
        if (offset === undefined) return undefined;
        const pos = lineCounter.linePos(offset);
        return { line: pos.line, column: pos.col };
      },
      commentOf(path) {
        const node = nodeAt(path);
        return node && YAML.isScalar(node) && node.comment ? node.comment.trim() : undefined;
      },
    });
  }
  return { documents, errors };
}

/** The configuration document of a file: the last one, skipping a leading `spec:`-only header. */
export function configDocuments(parsed: ParsedCiFile): CiDocument[] {
  return parsed.documents.filter((doc, i) => {
    const v = doc.value;
    const isSpecHeader = isMap(v) && Object.keys(v).length === 1 && 'spec' in v && i < parsed.documents.length - 1;
    return v !== null && v !== undefined && !isSpecHeader;
  });
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type AnyNode = YAML.Node & { range?: [number, number, number] };

// Walks the syntax tree along `path`, following aliases and merge keys, and returns the deepest node
// reached (an alias value points at the line that uses it, a merged key at the anchor defining it).
function findNode(doc: YAML.Document, path: YamlPath): AnyNode | undefined {
  let node: unknown = doc.contents;
  let last: AnyNode | undefined = node as AnyNode;
  for (const key of path) {
    if (YAML.isAlias(node)) node = node.resolve(doc);
    if (YAML.isMap(node)) {
      const found = findPair(doc, node, String(key));
      if (!found) return last;
      node = found.value;
      last = (found.value as AnyNode | null) ?? (found.key as AnyNode);
      if (YAML.isAlias(found.value)) last = found.value as AnyNode;
    } else if (YAML.isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (!node) return last;
      last = node as AnyNode;
    } else return last;
  }
  return last;
}

function findPair(doc: YAML.Document, map: YAML.YAMLMap, key: string): YAML.Pair | undefined {
  for (const pair of map.items) {
    const k = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (k === key) return pair;
  }
  for (const pair of map.items) {
    const k = YAML.isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    if (k !== '<<') continue;
    const sources = YAML.isSeq(pair.value) ? pair.value.items : [pair.value];
    for (let src of sources) {
      if (YAML.isAlias(src)) src = src.resolve(doc);
      if (YAML.isMap(src)) {
        const found = findPair(doc, src, key);
        if (found) return found;
      }
    }
  }
  return undefined;
}
