// How detect-secrets reads a file before its line-based detectors run. Config values need not be
// quoted, but the high-entropy detectors only look at quoted strings; so YAML mapping values and
// INI option values are rewritten as `key: "value"` / `key = "value"` on their original line
// numbers (keeping YAML trailing comments, where a `pragma: allowlist secret` may sit). Files that
// are neither are read as they are; files of no known type get a second, "eager" reading as an INI
// file without a section header (.env style) when the first reading found nothing.

import * as path from 'node:path';
import { isPair, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { ScanLine } from './detect-secrets';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);
/** Extensions detect-secrets gives a file type; everything else is "other" and gets the eager reading. */
const TYPED_EXTENSIONS = new Set(['.py', '.js', '.ts', '.go', '.java', '.php', '.rb', '.swift', '.tf', '.cls', '.example', '.m', '.mm', '.eyaml', '.xml', '.ini', '.cfg', '.conf', '.properties', '.toml', ...YAML_EXTENSIONS]);

const NEXTLINE_COMMENT = /^[#;].*pragma: ?(?:allow|white)list[ -]nextline[ -]secret/;
const YAML_COMMENT = /\s+#[\S ]*/;

function quotedLine(key: string, separator: string, value: string): string {
  const bare = value.length > 1 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]) ? value.slice(1, -1) : value;
  return `${key}${separator}"${bare.replace(/"/g, '\\"')}"`;
}

/**
 * YAML mapping values that are strings (or !!binary, kept as base64), on their lines; sequence items
 * are not rewritten (detect-secrets tags mapping values only). Undefined if the text is not YAML.
 */
export function yamlLines(text: string): ScanLine[] | undefined {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'yaml-1.1', lineCounter, uniqueKeys: false });
  if (doc.errors.length) return undefined;
  const source = text.split(/\r?\n/);
  const out: ScanLine[] = [];
  visit(doc, {
    Pair(_key, pair) {
      if (!isPair(pair) || !isScalar(pair.key) || !isScalar(pair.value) || !pair.value.range) return;
      const raw = pair.value.value;
      const value = typeof raw === 'string' ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString('base64') : undefined;
      if (value === undefined) return;
      const line = lineCounter.linePos(pair.value.range[0]).line;
      const comment = (source[line - 1] ?? '').trim().match(YAML_COMMENT)?.[0] ?? '';
      out.push({ line, text: quotedLine(String(pair.key.value), ': ', value) + comment });
    },
  });
  return out.sort((a, b) => a.line - b.line);
}

/**
 * INI option values (configparser rules: `[section]` headers, `key = value` or `key: value`,
 * indented continuation lines, `#`/`;` comment lines, duplicates are errors), one line per value
 * line. Undefined when the text is not an INI file with at least one section.
 */
export function iniLines(text: string, addHeader = false): ScanLine[] | undefined {
  const lines = text.split(/\r?\n/);
  const out: ScanLine[] = [];
  const sections = new Set<string>();
  let section: string | undefined = addHeader ? 'global' : undefined;
  if (section) sections.add(section);
  let options = new Set<string>();
  let option: { key: string; indent: number } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const stripped = line.trim();
    if (!stripped || stripped[0] === '#' || stripped[0] === ';') {
      if (NEXTLINE_COMMENT.test(stripped)) out.push({ line: i + 1, text: stripped });
      continue; // blank and comment lines do not end a multi-line value
    }
    const indent = line.length - line.trimStart().length;
    if (option && indent > option.indent) {
      out.push({ line: i + 1, text: quotedLine(option.key, ' = ', stripped) });
      continue;
    }
    option = undefined;
    const header = /^\[(.+)\]/.exec(stripped);
    if (header) {
      if (sections.has(header[1])) return undefined;
      if (header[1] !== 'DEFAULT') sections.add(header[1]);
      section = header[1];
      options = new Set();
      continue;
    }
    const assignment = /^(.*?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!section || !assignment || !assignment[1] || options.has(assignment[1])) return undefined;
    options.add(assignment[1]);
    option = { key: assignment[1], indent };
    if (assignment[2]) out.push({ line: i + 1, text: quotedLine(assignment[1], ' = ', assignment[2]) });
  }
  return sections.size ? out : undefined;
}

function rawLines(text: string): ScanLine[] {
  return text.split(/\r?\n/).map((t, i) => ({ line: i + 1, text: t }));
}

/**
 * The readings of a file, in order: the first (YAML or INI transform, else the raw lines), then
 * for files of no known type the eager INI reading, used only if the first found nothing.
 */
export function readings(file: string, text: string): Array<() => ScanLine[] | undefined> {
  const ext = path.posix.extname(file).toLowerCase();
  const first = () => {
    const transformed = YAML_EXTENSIONS.has(ext) ? (yamlLines(text) ?? iniLines(text)) : iniLines(text);
    return transformed?.length ? transformed : rawLines(text);
  };
  return TYPED_EXTENSIONS.has(ext) ? [first] : [first, () => iniLines(text, true)];
}
