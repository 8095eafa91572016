// A light inventory of Rego sources: which packages define which conftest rules, with how many
// bodies (conftest counts one success per body) and the rule's `# METADATA` annotations (title,
// description, custom.severity) for the reports. The interpreter reports each rule once, and the opa
// CLI engine has no parser of its own, so both use this. Rule heads start a line, as `opa fmt` writes them.

import * as YAML from 'yaml';
import { isCheckRule } from '../conventions';
import type { PolicySource } from '../documents';

export interface RuleAnnotations {
  title?: string;
  description?: string;
  /** `custom.severity` (low, medium, high, critical), as policy libraries annotate it. */
  severity?: string;
}

export interface RuleInventory extends RuleAnnotations {
  bodies: number;
}

/** Package (dotted) -> check or exception rule name -> bodies and annotations. */
export function scanRules(sources: readonly PolicySource[]): Map<string, Map<string, RuleInventory>> {
  const packages = new Map<string, Map<string, RuleInventory>>();
  for (const source of sources) {
    let rules: Map<string, RuleInventory> | undefined;
    let metadata: string[] | undefined;
    let annotations: RuleAnnotations | undefined;
    for (const line of source.text.split(/\r?\n/)) {
      if (/^#\s*METADATA\s*$/.test(line)) {
        metadata = [];
        continue;
      }
      if (metadata && line.startsWith('#')) {
        metadata.push(line.replace(/^# ?/, ''));
        continue;
      }
      if (metadata) {
        annotations = parseAnnotations(metadata);
        metadata = undefined;
      }
      const pkg = /^package\s+([^\s#]+)/.exec(line);
      if (pkg) {
        const ns = pkg[1].replace(/\["([^"]+)"\]/g, '.$1');
        rules = packages.get(ns) ?? new Map();
        packages.set(ns, rules);
        annotations = undefined;
        continue;
      }
      const head = /^([A-Za-z_][A-Za-z0-9_]*)\s*(\[|\{|contains\b|if\b|:=|=)/.exec(line);
      if (rules && head && (isCheckRule(head[1]) || head[1] === 'exception')) {
        const seen = rules.get(head[1]) ?? { bodies: 0 };
        rules.set(head[1], { ...annotations, ...seen, bodies: seen.bodies + 1 });
      }
      if (head) annotations = undefined;
    }
  }
  return packages;
}

/** The YAML of a METADATA block; a block that does not parse carries no annotations (OPA would reject it at compile time). */
function parseAnnotations(lines: string[]): RuleAnnotations | undefined {
  let doc: unknown;
  try {
    doc = YAML.parse(lines.join('\n'));
  } catch {
    return undefined;
  }
  if (!doc || typeof doc !== 'object') return undefined;
  const d = doc as { title?: unknown; description?: unknown; custom?: { severity?: unknown } };
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const out: RuleAnnotations = {};
  if (text(d.title)) out.title = text(d.title);
  if (text(d.description)) out.description = text(d.description);
  if (text(d.custom?.severity)) out.severity = text(d.custom?.severity)?.toLowerCase();
  return out;
}
