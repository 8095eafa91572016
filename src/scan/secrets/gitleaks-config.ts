// Reads gitleaks configuration as teams already have it (`.gitleaks.toml`): rules, `[extend]`
// (useDefault / path / disabledRules), global `[allowlist]` / `[[allowlists]]` (with targetRules),
// rule allowlists, entropy, keywords and secretGroup. Regexes are RE2 and go through the translator;
// a rule whose regex cannot be used is reported by id instead of failing the whole config.

import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { InputError } from '../../platform/errors';
import { readText } from '../../platform/files';
import { compileGoRegex, RegexTranslateError } from './regex';
import { defaultRuleSet, severityForRuleId, type Allowlist, type RegexTarget, type RuleSet, type SecretRule } from './rules';

type Table = Record<string, unknown>;

export function loadGitleaksConfig(file: string, seen: Set<string> = new Set()): RuleSet {
  const resolved = path.resolve(file);
  if (seen.has(resolved)) throw new InputError('[extend] path loops back to this file', { file, field: 'extend.path' });
  seen.add(resolved);
  let doc: Table;
  try {
    doc = parseToml(readText(file, 'gitleaks config')) as Table;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`not valid TOML: ${(err as Error).message.split('\n')[0]}`, { file, hint: 'check the file with a TOML linter' });
  }
  return parseGitleaksConfig(doc, file, seen);
}

export function parseGitleaksConfig(doc: Table, file: string, seen: Set<string> = new Set()): RuleSet {
  const rejected: RuleSet['rejected'] = [];
  let base: RuleSet | undefined;
  const extend = doc.extend as Table | undefined;
  if (extend) {
    if (extend.path) base = loadGitleaksConfig(path.resolve(path.dirname(file), String(extend.path)), seen);
    else if (extend.useDefault) base = defaultRuleSet();
    if (base) {
      const disabled = new Set(asStrings(extend.disabledRules, file, 'extend.disabledRules'));
      base = { ...base, rules: base.rules.filter((r) => !disabled.has(r.id)) };
      rejected.push(...base.rejected);
    }
  }

  const rules = new Map<string, SecretRule>((base?.rules ?? []).map((r) => [r.id, r]));
  const rawRules = (doc.rules ?? []) as Table[];
  if (!Array.isArray(rawRules)) throw new InputError('rules must be an array of tables ([[rules]])', { file, field: 'rules' });
  rawRules.forEach((raw, index) => {
    const field = `rules[${index}]`;
    const id = raw.id === undefined ? '' : String(raw.id);
    if (!id) throw new InputError('rule has no id', { file, field, hint: 'every [[rules]] entry needs id = "..."' });
    const previous = rules.get(id);
    const allowlists = ((raw.allowlists ?? []) as Table[]).map((a, i) => parseAllowlist(a, file, `${field}.allowlists[${i}]`, false));
    if (raw.allowlist) allowlists.push(parseAllowlist(raw.allowlist as Table, file, `${field}.allowlist`, false));
    if (previous && raw.regex === undefined && raw.path === undefined) {
      // Extending a base rule: keep it and add this config's allowlists.
      rules.set(id, { ...previous, allowlists: [...previous.allowlists, ...allowlists] });
      return;
    }
    if (raw.regex === undefined && raw.path === undefined) {
      throw new InputError(`rule "${id}" has neither regex nor path`, { file, field, hint: 'a rule needs a regex, a path, or both' });
    }
    try {
      const regex = raw.regex === undefined ? undefined : compileGoRegex(String(raw.regex), 'g');
      const secretGroup = raw.secretGroup === undefined ? undefined : Number(raw.secretGroup);
      if (regex && secretGroup !== undefined) {
        const groups = new RegExp(`${regex.source}|`, regex.flags).exec('')!.length - 1;
        if (!Number.isInteger(secretGroup) || secretGroup < 0 || secretGroup > groups) {
          throw new InputError(`rule "${id}": secretGroup ${secretGroup} but the regex has ${groups} group(s)`, { file, field: `${field}.secretGroup` });
        }
      }
      rules.set(id, {
        id,
        description: String(raw.description ?? id),
        regex,
        path: raw.path === undefined ? undefined : compileGoRegex(String(raw.path)),
        secretGroup,
        entropy: raw.entropy === undefined ? undefined : Number(raw.entropy),
        keywords: asStrings(raw.keywords, file, `${field}.keywords`).map((k) => k.toLowerCase()),
        tags: asStrings(raw.tags, file, `${field}.tags`),
        severity: severityForRuleId(id),
        allowlists: [...(previous?.allowlists ?? []), ...allowlists],
      });
    } catch (err) {
      if (err instanceof RegexTranslateError) rejected.push({ id, reason: err.message });
      else throw err;
    }
  });

  const allowlists = [...(base?.allowlists ?? [])];
  if (doc.allowlist) allowlists.push(parseAllowlist(doc.allowlist as Table, file, 'allowlist', true));
  ((doc.allowlists ?? []) as Table[]).forEach((a, i) => allowlists.push(parseAllowlist(a, file, `allowlists[${i}]`, true)));
  return { rules: [...rules.values()], allowlists, rejected, source: file };
}

function parseAllowlist(raw: Table, file: string, field: string, global: boolean): Allowlist {
  const regexTarget = String(raw.regexTarget ?? 'secret') as RegexTarget;
  if (!['secret', 'match', 'line'].includes(regexTarget)) {
    throw new InputError(`regexTarget "${regexTarget}" is not one of secret, match, line`, { file, field: `${field}.regexTarget` });
  }
  const condition = String(raw.condition ?? 'OR').toUpperCase();
  if (condition !== 'OR' && condition !== 'AND') throw new InputError(`condition "${condition}" is not OR or AND`, { file, field: `${field}.condition` });
  const compile = (list: string[], key: string) =>
    list.map((p, i) => {
      try {
        return compileGoRegex(p);
      } catch (err) {
        throw new InputError(`regex ${JSON.stringify(p)} cannot be used: ${(err as Error).message}`, { file, field: `${field}.${key}[${i}]` });
      }
    });
  const allowlist: Allowlist = {
    description: raw.description === undefined ? undefined : String(raw.description),
    condition,
    commits: asStrings(raw.commits, file, `${field}.commits`),
    paths: compile(asStrings(raw.paths, file, `${field}.paths`), 'paths'),
    regexes: compile(asStrings(raw.regexes, file, `${field}.regexes`), 'regexes'),
    regexTarget,
    stopwords: asStrings(raw.stopwords, file, `${field}.stopwords`).map((s) => s.toLowerCase()),
    targetRules: global ? asStrings(raw.targetRules, file, `${field}.targetRules`) : [],
  };
  if (!allowlist.commits.length && !allowlist.paths.length && !allowlist.regexes.length && !allowlist.stopwords.length) {
    throw new InputError('allowlist has no commits, paths, regexes or stopwords', { file, field, hint: 'remove the empty allowlist or give it at least one check' });
  }
  return allowlist;
}

function asStrings(value: unknown, file: string, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InputError('must be an array of strings', { file, field });
  return value.map(String);
}
