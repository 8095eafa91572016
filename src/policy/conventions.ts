// conftest's conventions, so existing conftest policies run unchanged: which rules are failures or
// warnings, how rule values become messages, how `exception` rules waive a rule, and how `--namespace`
// globs select packages.

import { InputError } from '../platform/errors';
import type { Finding } from './types';

const FAILURE_RULE = /^(deny|violation)(_[a-zA-Z0-9]+)*$/;
const WARNING_RULE = /^warn(_[a-zA-Z0-9]+)*$/;

export function isFailureRule(name: string): boolean {
  return FAILURE_RULE.test(name);
}

export function isWarningRule(name: string): boolean {
  return WARNING_RULE.test(name);
}

export function isCheckRule(name: string): boolean {
  return isFailureRule(name) || isWarningRule(name);
}

/** The name an `exception` rule uses to waive a rule: `deny_foo` -> `foo`; bare `deny`/`warn` have none. */
export function exceptionName(rule: string): string {
  if (rule === 'deny' || rule === 'violation' || rule === 'warn') return '';
  return rule.replace(/^(violation|deny|warn)_/, '');
}

/** Whether the value of `data.<ns>.exception` (a set of arrays of rule names) waives `rule`. */
export function isExcepted(exceptionValue: unknown, rule: string): boolean {
  if (!Array.isArray(exceptionValue)) return false;
  const name = exceptionName(rule);
  return exceptionValue.some((entry) => Array.isArray(entry) && entry.some((r) => r === name));
}

/** Matches a namespace against `--namespace` values, which may use `*` globs (`k8s.*`). */
export function namespaceMatcher(patterns: readonly string[]): (ns: string) => boolean {
  const regexes = patterns.map((p) => new RegExp(`^${p.split('*').map(escapeRegex).join('.*')}$`));
  return (ns) => regexes.some((r) => r.test(ns));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Turns a rule's value into findings the way conftest does: a set (array) of strings or of
 * `{msg, ...metadata}` objects; `_loc: {file, line}` becomes the location. A lone string or object
 * counts as one result, `false`/empty as none. A boolean `true` (written `deny if {...}`) carries no
 * message, which conftest rejects too.
 */
export function findingsFromValue(value: unknown, rule: string, namespace: string, where: string): Finding[] {
  if (value === undefined || value === null || value === false) return [];
  if (value === true) {
    throw new InputError(`rule data.${namespace}.${rule} is a boolean; it must produce messages`, {
      file: where,
      hint: `write it as \`${rule} contains msg if { ... }\` (v1) or \`${rule}[msg] { ... }\` (v0)`,
    });
  }
  const items = Array.isArray(value) ? value : [value];
  const query = `data.${namespace}.${rule}`;
  return items.map((item) => {
    if (typeof item === 'string') return { msg: item, metadata: { query }, rule, namespace };
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      const { msg, _loc, ...rest } = item as Record<string, unknown>;
      if (typeof msg !== 'string') {
        throw new InputError(`rule ${query} returned an object without a string "msg" field: ${JSON.stringify(item).slice(0, 200)}`, {
          file: where,
          hint: 'structured results need a msg, e.g. {"msg": "...", "severity": "high"}',
        });
      }
      const finding: Finding = { msg, metadata: { ...rest, query }, rule, namespace };
      const loc = _loc as { file?: unknown; line?: unknown } | undefined;
      if (loc && typeof loc.file === 'string') finding.loc = { file: loc.file, line: typeof loc.line === 'number' ? loc.line : undefined };
      return finding;
    }
    return { msg: JSON.stringify(item), metadata: { query }, rule, namespace };
  });
}
