// The secret scan: picks the rule set (a team's .gitleaks.toml or paved's defaults), reads the
// working tree or the lines a change adds, and turns hits into redacted findings. Every secret found
// is registered with the redactor before anything is written, so no output can carry it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { secrets as redactor } from '../../platform/redact';
import { maskSecret, sha256, type Finding } from '../model';
import { addedLines, readScannable, VENDORED_DIRS, walkTree, type GitChange } from '../sources';
import { detectSecrets, type Fragment, type SecretHit } from './detect';
import { loadGitleaksConfig } from './gitleaks-config';
import { defaultRuleSet, type RuleSet } from './rules';

export interface SecretScanOptions {
  root: string;
  /** A gitleaks TOML; default: `<root>/.gitleaks.toml` when present, else paved's rules. */
  config?: string;
  change?: GitChange;
  exclude?: string[];
  maxFileBytes?: number;
}

export interface SecretScanResult {
  findings: Finding[];
  ruleSource: string;
  rules: number;
  rejectedRules: RuleSet['rejected'];
  filesScanned: number;
  bytesScanned: number;
  skipped: { binary: number; tooLarge: number; vendored: number };
}

export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

export function loadRuleSet(root: string, config?: string): RuleSet {
  if (config) return loadGitleaksConfig(config);
  const dir = fs.existsSync(root) && fs.statSync(root).isFile() ? path.dirname(root) : root;
  const local = path.join(dir, '.gitleaks.toml');
  return fs.existsSync(local) ? loadGitleaksConfig(local) : defaultRuleSet();
}

export async function scanSecrets(options: SecretScanOptions): Promise<SecretScanResult> {
  const ruleSet = loadRuleSet(options.root, options.config);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const hits: SecretHit[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;
  let skipped = { binary: 0, tooLarge: 0, vendored: 0 };
  if (options.change) {
    const fragments = await addedLines(options.root, options.change);
    for (const fragment of fragments) {
      if (fragment.path.split('/').some((part) => VENDORED_DIRS.has(part))) {
        skipped.vendored++;
        continue;
      }
      filesScanned++;
      bytesScanned += fragment.text.length;
      hits.push(...detectSecrets(ruleSet, fragment));
    }
  } else {
    const walk = walkTree(options.root, { exclude: options.exclude });
    const isFile = fs.statSync(options.root).isFile();
    skipped = walk.skipped;
    for (const rel of walk.files) {
      const abs = isFile ? options.root : path.join(options.root, rel);
      const read = readScannable(abs, maxBytes);
      if (!read.text) {
        skipped[read.reason!]++;
        continue;
      }
      filesScanned++;
      bytesScanned += read.text.length;
      const fragment: Fragment = { path: rel, text: read.text };
      hits.push(...detectSecrets(ruleSet, fragment));
    }
  }
  return {
    findings: dedupe(hits.map(toFinding)),
    ruleSource: ruleSet.source,
    rules: ruleSet.rules.length,
    rejectedRules: ruleSet.rejected,
    filesScanned,
    bytesScanned,
    skipped,
  };
}

export function toFinding(hit: SecretHit): Finding {
  redactor.add(hit.secret);
  const secretHash = sha256(hit.secret || hit.match);
  const where = hit.line === undefined ? hit.file : `${hit.file}:${hit.line}`;
  const masked = hit.secret ? maskSecret(hit.secret) : undefined;
  return {
    kind: 'secrets',
    rule: hit.rule.id,
    title: hit.rule.description,
    message: hit.secret ? `${hit.rule.description} in ${where} (${masked})` : `${hit.rule.description}: ${hit.file}`,
    severity: hit.rule.severity,
    file: hit.file,
    line: hit.line,
    endLine: hit.endLine,
    column: hit.column,
    endColumn: hit.endColumn,
    fingerprint: sha256(`${hit.rule.id}\0${hit.file}\0${secretHash}`),
    redacted: masked,
    secretHash,
    commit: hit.commit,
  };
}

/** In `log` mode the same secret can arrive in several commits; keep its first appearance. */
function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    if (f.commit === undefined) return true;
    if (seen.has(f.fingerprint)) return false;
    seen.add(f.fingerprint);
    return true;
  });
}
