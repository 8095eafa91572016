// The secret scan in detect-secrets mode: a team's `.secrets.baseline` chooses the detectors and
// filters (`plugins_used`, `filters_used`), and its `results` are accepted findings, matched on
// detect-secrets' identity (file, sha1 of the secret, type), never on the line. Hits become the
// same redacted findings as the gitleaks-style scan (`toFinding` registers every secret with the
// redactor), so reports, gates and suppressions work unchanged.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { readText } from '../../platform/files';
import { sha256, toPosix, type Finding } from '../model';
import { addedLines, readScannable, VENDORED_DIRS, walkTree, type GitChange } from '../sources';
import type { BaselineEntry } from '../suppress';
import { shannonEntropy, type Fragment } from './detect';
import {
  analyzeLines,
  compileSettings,
  DEFAULT_FILTERS,
  isFileFiltered,
  SUPPORTED_PLUGINS,
  type CompiledSettings,
  type DetectSecretsHit,
  type DetectSecretsSettings,
  type Detector,
  type FilterSetting,
  type PluginSetting,
} from './detect-secrets';
import { readings } from './detect-secrets-transform';
import type { SecretRule } from './rules';
import { DEFAULT_MAX_FILE_BYTES, toFinding, type SecretScanResult } from './scan';

export const BASELINE_NAME = '.secrets.baseline';

export interface DetectSecretsBaseline {
  file: string;
  version?: string;
  settings: DetectSecretsSettings;
  /** Accepted secrets, keyed `filename \0 hashed_secret \0 type`. */
  results: Set<string>;
}

function resultKey(file: string, hashedSecret: string, type: string): string {
  return `${file}\0${hashedSecret}\0${type}`;
}

export function loadDetectSecretsBaseline(file: string): DetectSecretsBaseline {
  const text = readText(file, 'detect-secrets baseline');
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError(`detect-secrets baseline is not valid JSON: ${(err as Error).message}`, { file, hint: 'create it with `detect-secrets scan > .secrets.baseline`' });
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new InputError('detect-secrets baseline must be a JSON object', { file });
  if (!Array.isArray(doc.plugins_used)) {
    throw new InputError('detect-secrets baseline has no "plugins_used" list', { file, field: 'plugins_used', hint: `list the detectors, e.g. [{"name": "Base64HighEntropyString", "limit": 4.5}]; paved implements ${SUPPORTED_PLUGINS.join(', ')}` });
  }
  if (doc.filters_used !== undefined && !Array.isArray(doc.filters_used)) throw new InputError('"filters_used" must be a list', { file, field: 'filters_used' });
  const results = new Set<string>();
  const raw = doc.results ?? {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new InputError('"results" must map file names to lists of secrets', { file, field: 'results' });
  for (const [name, entries] of Object.entries(raw as Record<string, unknown>)) {
    if (!Array.isArray(entries)) throw new InputError('must be a list of secrets', { file, field: `results.${name}` });
    entries.forEach((e: Record<string, unknown>, i: number) => {
      const field = `results.${name}[${i}]`;
      if (typeof e?.hashed_secret !== 'string' || !/^[0-9a-f]{40}$/i.test(e.hashed_secret)) throw new InputError('"hashed_secret" must be a sha1 hex digest', { file, field });
      if (typeof e.type !== 'string') throw new InputError('missing "type"', { file, field });
      results.add(resultKey(typeof e.filename === 'string' ? e.filename : name, e.hashed_secret.toLowerCase(), e.type));
    });
  }
  const settings = {
    plugins: doc.plugins_used as PluginSetting[],
    filters: (doc.filters_used as FilterSetting[] | undefined) ?? DEFAULT_FILTERS,
  };
  compileSettings(settings, file); // validate now, so a bad baseline fails before any scanning
  return { file, version: typeof doc.version === 'string' ? doc.version : undefined, settings, results };
}

/**
 * The baseline that selects detect-secrets mode: the one given, else `<root>/.secrets.baseline`
 * when present and the team has not configured gitleaks (`config` or `<root>/.gitleaks.toml`).
 */
export function findDetectSecretsBaseline(root: string, explicit?: string, gitleaksConfig?: string): string | undefined {
  if (explicit && gitleaksConfig) throw new InputError('give a gitleaks config or a detect-secrets baseline, not both', { field: 'detect-secrets-baseline', hint: 'each selects its own detectors' });
  if (explicit || gitleaksConfig) return explicit;
  const dir = fs.existsSync(root) && fs.statSync(root).isFile() ? path.dirname(root) : root;
  const local = path.join(dir, BASELINE_NAME);
  return fs.existsSync(local) && !fs.existsSync(path.join(dir, '.gitleaks.toml')) ? local : undefined;
}

/**
 * detect-secrets' per-file scan: the first reading of the file (transformed or raw), and only if
 * that found nothing, the eager reading.
 */
export function scanFileText(settings: CompiledSettings, file: string, text: string): DetectSecretsHit[] {
  if (isFileFiltered(settings, file)) return [];
  for (const read of readings(file, text)) {
    const lines = read();
    const hits = lines ? analyzeLines(settings, lines) : [];
    if (hits.length) return hits;
  }
  return [];
}

export interface DetectSecretsScanOptions {
  root: string;
  baseline?: DetectSecretsBaseline;
  /** Without a baseline: these settings (default: every detector paved implements, default filters). */
  settings?: DetectSecretsSettings;
  change?: GitChange;
  exclude?: string[];
  maxFileBytes?: number;
}

export interface DetectSecretsScan {
  result: SecretScanResult;
  /** Findings the baseline's `results` accept, as entries for the shared suppression step. */
  accepted: BaselineEntry[];
}

export async function scanWithDetectSecrets(options: DetectSecretsScanOptions): Promise<DetectSecretsScan> {
  const settings = options.baseline?.settings ?? options.settings ?? { plugins: SUPPORTED_PLUGINS.map((name) => ({ name })), filters: DEFAULT_FILTERS };
  const compiled = compileSettings(settings, options.baseline?.file);
  const isFile = fs.statSync(options.root).isFile();
  const baseDir = isFile ? path.dirname(options.root) : options.root;
  const baselineRel = options.baseline ? toPosix(path.relative(baseDir, path.resolve(options.baseline.file))) : undefined;
  if (baselineRel) compiled.filters.file.push((file) => file === baselineRel); // never scan the baseline itself
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const findings: Finding[] = [];
  const accepted: BaselineEntry[] = [];
  let filesScanned = 0;
  let bytesScanned = 0;
  let skipped = { binary: 0, tooLarge: 0, vendored: 0 };
  const collect = (hits: DetectSecretsHit[], fragment: Fragment, sourceLines: string[] | undefined) => {
    for (const hit of hits) {
      const at = sourceLines?.[hit.line - 1]?.indexOf(hit.secret) ?? -1;
      const finding = toFinding({
        rule: ruleFor(hit.detector),
        file: fragment.path,
        line: hit.line,
        endLine: hit.line,
        column: at >= 0 ? at + 1 : undefined,
        endColumn: at >= 0 ? at + hit.secret.length : undefined,
        secret: hit.secret,
        match: hit.secret,
        commit: fragment.commit,
        entropy: shannonEntropy(hit.secret),
      });
      findings.push(finding);
      if (options.baseline?.results.has(resultKey(fragment.path, hit.hashedSecret, hit.detector.type))) {
        accepted.push({ rule: finding.rule, path: finding.file, hash: sha256(hit.secret), reason: `accepted in ${path.basename(options.baseline.file)}` });
      }
    }
  };
  if (options.change) {
    // Like `detect-secrets scan --diff`: the added lines as they are, no file transforms.
    const seen = new Set<string>();
    for (const fragment of await addedLines(options.root, options.change)) {
      if (fragment.path.split('/').some((part) => VENDORED_DIRS.has(part))) {
        skipped.vendored++;
        continue;
      }
      if (isFileFiltered(compiled, fragment.path)) continue;
      filesScanned++;
      bytesScanned += fragment.text.length;
      const lines = fragment.text.split('\n').map((text, i) => ({ line: fragment.lineMap ? fragment.lineMap[i] : i + 1, text }));
      const hits = analyzeLines(compiled, lines).filter((h) => {
        const key = `${fragment.path}\0${h.detector.type}\0${h.hashedSecret}`;
        return !seen.has(key) && !!seen.add(key);
      });
      collect(hits, fragment, undefined);
    }
  } else {
    const walk = walkTree(options.root, { exclude: options.exclude });
    skipped = walk.skipped;
    for (const rel of walk.files) {
      const read = readScannable(isFile ? options.root : path.join(options.root, rel), maxBytes);
      if (!read.text) {
        skipped[read.reason!]++;
        continue;
      }
      filesScanned++;
      bytesScanned += read.text.length;
      collect(scanFileText(compiled, rel, read.text), { path: rel, text: read.text }, read.text.split(/\r?\n/));
    }
  }
  return {
    result: {
      findings,
      ruleSource: options.baseline ? `detect-secrets baseline ${path.basename(options.baseline.file)}${options.baseline.version ? ` (format ${options.baseline.version})` : ''}` : 'detect-secrets defaults',
      rules: compiled.detectors.length,
      rejectedRules: [...compiled.unsupportedPlugins, ...compiled.filters.unsupported],
      filesScanned,
      bytesScanned,
      skipped,
    },
    accepted,
  };
}

const rules = new WeakMap<Detector, SecretRule>();

/** The detector as the finding model's rule: its class name as id, its secret type as title. */
function ruleFor(detector: Detector): SecretRule {
  let rule = rules.get(detector);
  if (!rule) {
    rule = { id: detector.name, description: detector.type, keywords: [], tags: ['detect-secrets'], severity: 'high', allowlists: [] };
    rules.set(detector, rule);
  }
  return rule;
}
