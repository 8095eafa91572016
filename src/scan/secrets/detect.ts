// Finds secrets in one fragment of text (a file, or the lines a change adds to a file): keyword
// prefilter, regex, secret group, entropy, inline `gitleaks:allow` / `paved:allow`, then rule and
// global allowlists. Knows nothing of files on disk or git.

import { KeywordIndex } from './keywords';
import { searchPlan, type SearchPlan } from './regex';
import type { Allowlist, RuleSet, SecretRule } from './rules';

export interface Fragment {
  /** Path relative to the scanned root, forward slashes. */
  path: string;
  text: string;
  commit?: string;
  /** When the text is a selection of lines: fragment line index (0-based) → line number in the file. */
  lineMap?: number[];
}

export interface SecretHit {
  rule: SecretRule;
  file: string;
  line?: number;
  endLine?: number;
  column?: number;
  endColumn?: number;
  secret: string;
  match: string;
  commit?: string;
  entropy: number;
}

const INLINE_ALLOW = /\b(?:gitleaks|paved):allow\b/;

export function shannonEntropy(text: string): number {
  if (!text) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...text].length;
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** Whether the global allowlists remove this whole file before any rule runs. */
export function pathAllowed(ruleSet: RuleSet, file: string, commit?: string): boolean {
  return ruleSet.allowlists.some(
    (a) =>
      a.condition === 'OR' &&
      a.targetRules.length === 0 &&
      (a.paths.some((r) => r.test(file)) || (commit !== undefined && a.commits.includes(commit))),
  );
}

export function detectSecrets(ruleSet: RuleSet, fragment: Fragment): SecretHit[] {
  if (pathAllowed(ruleSet, fragment.path, fragment.commit)) return [];
  const text = fragment.text;
  const keywords = keywordsOf(ruleSet);
  const present = keywords.index.present(text.toLowerCase());
  let lineIndex: LineIndex | undefined; // built only when a file has a hit
  const hits: SecretHit[] = [];
  for (const rule of ruleSet.rules) {
    if (rule.path && !rule.path.test(fragment.path)) continue;
    if (!rule.regex) {
      hits.push({ rule, file: fragment.path, secret: '', match: fragment.path, commit: fragment.commit, entropy: 0 });
      continue;
    }
    if (rule.keywords.length && !keywords.byRule.get(rule)!.some((k) => present.has(k))) continue;
    const globals = ruleSet.allowlists.filter((a) => a.targetRules.length === 0 || a.targetRules.includes(rule.id));
    const plan = planFor(rule.regex);
    const regex = plan.search;
    regex.lastIndex = 0;
    let previousEnd = 0;
    for (let m = regex.exec(text); m; m = regex.exec(text)) {
      if (m[0] === '') {
        regex.lastIndex++;
        continue;
      }
      const group = secretGroupOf(rule, m);
      let start = m.index;
      if (group !== 0) {
        plan.indices.lastIndex = m.index;
        start = plan.indices.exec(text)!.indices![group][0];
      }
      const secret = group === 0 ? m[0] : m[group];
      const end = start + secret.length;
      const matchStart = plan.prefix ? extendBackwards(text, m.index, plan.prefix, previousEnd) : m.index;
      const matchText = text.slice(matchStart, m.index + m[0].length);
      previousEnd = m.index + m[0].length;
      const entropy = shannonEntropy(secret);
      if (rule.entropy !== undefined && rule.entropy > 0 && entropy <= rule.entropy) continue;
      const lines = (lineIndex ??= new LineIndex(text));
      const startPos = lines.position(start);
      const endPos = lines.position(Math.max(start, end - 1));
      const lineText = text.slice(lines.lineStart(startPos.index), lines.lineEnd(endPos.index));
      if (INLINE_ALLOW.test(lineText)) continue;
      const context = { secret, match: matchText, line: lineText, path: fragment.path, commit: fragment.commit };
      if ([...rule.allowlists, ...globals].some((a) => allowlistMatches(a, context))) continue;
      hits.push({
        rule,
        file: fragment.path,
        line: fragment.lineMap ? fragment.lineMap[startPos.index] : startPos.index + 1,
        endLine: fragment.lineMap ? fragment.lineMap[endPos.index] : endPos.index + 1,
        column: startPos.column,
        endColumn: endPos.column,
        secret,
        match: matchText,
        commit: fragment.commit,
        entropy,
      });
    }
  }
  return dropGenericOverlaps(hits);
}

const keywordIndexes = new WeakMap<RuleSet, { index: KeywordIndex; byRule: Map<SecretRule, number[]> }>();

function keywordsOf(ruleSet: RuleSet): { index: KeywordIndex; byRule: Map<SecretRule, number[]> } {
  let entry = keywordIndexes.get(ruleSet);
  if (!entry) {
    const all = [...new Set(ruleSet.rules.flatMap((r) => r.keywords))];
    const position = new Map(all.map((k, i) => [k, i]));
    entry = { index: new KeywordIndex(all), byRule: new Map(ruleSet.rules.map((r) => [r, r.keywords.map((k) => position.get(k)!)])) };
    keywordIndexes.set(ruleSet, entry);
  }
  return entry;
}

const plans = new WeakMap<RegExp, SearchPlan>();

function planFor(regex: RegExp): SearchPlan {
  let plan = plans.get(regex);
  if (!plan) {
    plan = searchPlan(regex);
    plans.set(regex, plan);
  }
  return plan;
}

/** Where the full match would have started: back over the lazy prefix's characters, never into the previous match. */
function extendBackwards(text: string, from: number, prefix: NonNullable<SearchPlan['prefix']>, floor: number): number {
  let start = from;
  while (start > floor && from - start < prefix.max && prefix.char.test(text[start - 1])) start--;
  return start;
}

/** The configured group, else the first group that matched something, else the whole match. */
function secretGroupOf(rule: SecretRule, m: RegExpExecArray): number {
  if (rule.secretGroup !== undefined && rule.secretGroup > 0 && m[rule.secretGroup] !== undefined) return rule.secretGroup;
  for (let i = 1; i < m.length; i++) if (m[i]) return i;
  return 0;
}

function allowlistMatches(a: Allowlist, c: { secret: string; match: string; line: string; path: string; commit?: string }): boolean {
  const checks: boolean[] = [];
  if (a.commits.length) checks.push(c.commit !== undefined && a.commits.includes(c.commit));
  if (a.paths.length) checks.push(a.paths.some((r) => r.test(c.path)));
  if (a.regexes.length) {
    const target = a.regexTarget === 'match' ? c.match : a.regexTarget === 'line' ? c.line : c.secret;
    checks.push(a.regexes.some((r) => r.test(target)));
  }
  if (a.stopwords.length) {
    const secret = c.secret.toLowerCase();
    checks.push(a.stopwords.some((w) => secret.includes(w)));
  }
  return a.condition === 'AND' ? checks.length > 0 && checks.every(Boolean) : checks.some(Boolean);
}

/** A generic rule that hits the same secret as a specific rule adds nothing: keep the specific one. */
function dropGenericOverlaps(hits: SecretHit[]): SecretHit[] {
  const isGeneric = (h: SecretHit) => h.rule.tags.includes('generic') || h.rule.id.startsWith('generic');
  const specific = hits.filter((h) => !isGeneric(h));
  if (!specific.length) return hits;
  return hits.filter(
    (h) => !isGeneric(h) || !specific.some((s) => s.line === h.line && (s.secret.includes(h.secret) || h.secret.includes(s.secret))),
  );
}

class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** 0-based line index and 1-based column of an offset. */
  position(offset: number): { index: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { index: lo, column: offset - this.starts[lo] + 1 };
  }
  lineStart(index: number): number {
    return this.starts[index];
  }
  lineEnd(index: number): number {
    const next = this.starts[index + 1];
    return next === undefined ? this.text.length : next - 1;
  }
}
