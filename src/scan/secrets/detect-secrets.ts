// detect-secrets compatibility: the detectors (high-entropy base64/hex strings, AWS keys, private
// key markers) and the
// filters of Yelp's detect-secrets, configured the way a `.secrets.baseline` configures them
// (`plugins_used` with limits, `filters_used` with their parameters), applied line by line.
// Written from detect-secrets' documented behaviour; knows nothing of files on disk or of git.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { shannonEntropy } from './detect';

/** One `plugins_used` entry, as a baseline writes it. */
export interface PluginSetting {
  name: string;
  limit?: number;
}

/** One `filters_used` entry: the filter's Python import path and its parameters. */
export interface FilterSetting {
  path: string;
  pattern?: string[];
  filename?: string;
  min_level?: number;
  limit?: number;
}

export interface DetectSecretsSettings {
  plugins: PluginSetting[];
  filters: FilterSetting[];
}

/** What a detector reports: its secret type (the baseline's `type`) and the secret itself. */
export interface DetectorHit {
  detector: Detector;
  secret: string;
}

export interface Detector {
  /** The plugin's class name, e.g. `Base64HighEntropyString`. */
  name: string;
  /** The secret type a baseline records, e.g. `Base64 High Entropy String`. */
  type: string;
  /** Regex detectors are exempt from the id-string heuristic, as in detect-secrets. */
  regexBased: boolean;
  find(line: string): string[];
}

const BASE64_CHARSET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/\\-_=';
const HEX_CHARSET = '0123456789abcdefABCDEF';

/** Quoted strings made only of the charset, scored by Shannon entropy against the limit (strictly above). */
function highEntropyDetector(name: string, type: string, charset: string, limit: number, adjust: (s: string, e: number) => number): Detector {
  if (!(limit >= 0 && limit <= 8)) throw new InputError(`entropy limit ${limit} is outside 0.0-8.0`, { field: `plugins_used.${name}.limit` });
  const quoted = new RegExp(`(['"])([${charset.replace(/[\]\\^-]/g, '\\$&')}]+)\\1`, 'g');
  return {
    name,
    type,
    regexBased: false,
    find(line) {
      const out: string[] = [];
      // A string of n characters has at most log2(n) bits of entropy: shorter ones cannot pass.
      for (const m of line.matchAll(quoted)) if (Math.log2(m[2].length) > limit && adjust(m[2], shannonEntropy(m[2])) > limit) out.push(m[2]);
      return out;
    },
  };
}

/**
 * All-digit hex strings are mostly ids and numbers: detect-secrets lowers their entropy by
 * 1.2 / log2(length), so short numbers fall under the default limit and long ones still count.
 */
export function hexEntropy(secret: string): number {
  const entropy = shannonEntropy(secret);
  return secret.length > 1 && /^\d+$/.test(secret) ? entropy - 1.2 / Math.log2(secret.length) : entropy;
}

const AWS_KEY_ID = /(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}/g;
const AWS_SECRET_KEY = /aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?['"]([0-9a-zA-Z/+]{40})['"]/gi;

/** The key-file markers themselves are the secret detect-secrets records (so baselines hash them). */
const PRIVATE_KEY_MARKERS = new RegExp(
  ['BEGIN DSA', 'BEGIN EC', 'BEGIN OPENSSH', 'BEGIN PGP', 'BEGIN', 'BEGIN RSA', 'BEGIN SSH2 ENCRYPTED']
    .map((k) => `${k} PRIVATE KEY${k === 'BEGIN PGP' ? ' BLOCK' : ''}`)
    .concat('PuTTY-User-Key-File-2')
    .join('|'),
  'g',
);

const DETECTORS: Record<string, (limit?: number) => Detector> = {
  Base64HighEntropyString: (limit = 4.5) => highEntropyDetector('Base64HighEntropyString', 'Base64 High Entropy String', BASE64_CHARSET, limit, (_s, e) => e),
  HexHighEntropyString: (limit = 3.0) => highEntropyDetector('HexHighEntropyString', 'Hex High Entropy String', HEX_CHARSET, limit, (s) => hexEntropy(s)),
  AWSKeyDetector: () => ({
    name: 'AWSKeyDetector',
    type: 'AWS Access Key',
    regexBased: true,
    find: (line) => [...[...line.matchAll(AWS_KEY_ID)].map((m) => m[0]), ...(/aws/i.test(line) ? [...line.matchAll(AWS_SECRET_KEY)].map((m) => m[1]) : [])],
  }),
  PrivateKeyDetector: () => ({ name: 'PrivateKeyDetector', type: 'Private Key', regexBased: true, find: (line) => [...line.matchAll(PRIVATE_KEY_MARKERS)].map((m) => m[0]) }),
};

/** The plugins paved implements, with detect-secrets' default limits. */
export const SUPPORTED_PLUGINS = Object.keys(DETECTORS);

/** The filters detect-secrets applies when a configuration names none (its own defaults). */
export const DEFAULT_FILTERS: FilterSetting[] = [
  'allowlist.is_line_allowlisted',
  'heuristic.is_sequential_string',
  'heuristic.is_potential_uuid',
  'heuristic.is_likely_id_string',
  'heuristic.is_templated_secret',
  'heuristic.is_prefixed_with_dollar_sign',
  'heuristic.is_indirect_reference',
  'heuristic.is_lock_file',
  'heuristic.is_not_alphanumeric_string',
  'heuristic.is_swagger_file',
].map((p) => ({ path: `detect_secrets.filters.${p}` }));

// ---------------------------------------------------------------------------------------------
// Filters. Each kind sees what detect-secrets gives it: the file name, the line, or the secret.

const PRAGMA = /(?:#|\/\/|\/\*|--|<!--|;|')[ \t]*pragma: ?(?:allow|white)list[ -]secret\b/;
const PRAGMA_NEXTLINE = /(?:#|\/\/|\/\*|--|<!--|;|')[ \t]*pragma: ?(?:allow|white)list[ -]nextline[ -]secret\b/;

const SEQUENCES = (() => {
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const digits = '0123456789';
  const hex = '0123456789ABCDEF';
  return [upper + upper + digits + '+/', digits + upper + upper + '+/', (digits + upper).repeat(2), digits.repeat(2), hex + hex, upper + '=/'];
})();

export function isSequentialString(secret: string): boolean {
  const upper = secret.toUpperCase();
  return SEQUENCES.some((s) => s.includes(upper));
}

const UUID = /^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$/i;
/** `id`, `myid`, `userid` at the start of the line, or `_id`, optionally plural, then a non-alphanumeric. */
const ID_BEFORE = /(?:^(?:id|myid|userid)|_id)s?[^a-z0-9]/i;
const INDIRECT_REFERENCE = /([^\v=!:]*)\s*(:=?|[!=]{1,3})\s*([\w.-]+[[(][^\v]*[\])])/;
const LOCK_FILES = new Set(['Brewfile.lock.json', 'Cartfile.resolved', 'composer.lock', 'Gemfile.lock', 'Package.resolved', 'package-lock.json', 'Podfile.lock', 'yarn.lock', 'Pipfile.lock', 'poetry.lock', 'Cargo.lock', 'packages.lock.json']);
const NON_TEXT_EXTENSIONS = new Set(
  '.7z .bin .bmp .bz2 .class .css .dmg .doc .eot .exe .gif .gz .ico .iml .ipr .iws .jar .jpg .jpeg .lock .map .mo .pdf .png .prefs .psd .rar .realm .s7z .sum .svg .tar .tif .tiff .ttf .webp .woff .xls .xlsx .zip'.split(' '),
);

export interface Filters {
  file: Array<(file: string) => boolean>;
  line: Array<(line: string, previous: string | undefined) => boolean>;
  secret: Array<(secret: string, line: string, detector: Detector) => boolean>;
  /** Filters named by the configuration that paved does not apply, with the reason. */
  unsupported: Array<{ id: string; reason: string }>;
}

/** A `pattern` list as one test (any pattern searching the text); Python's leading `(?i)`-style flags become JS flags. */
function patternList(f: FilterSetting, field: string): { test(text: string): boolean } {
  const patterns = Array.isArray(f.pattern) ? f.pattern : typeof f.pattern === 'string' ? [f.pattern] : [];
  if (!patterns.length) throw new InputError(`${f.path} needs a "pattern" list`, { field });
  const regexes = patterns.map((pattern, i) => {
    const inline = /^\(\?([imsx]+)\)/.exec(pattern);
    const flags = inline ? [...new Set(inline[1].replace('x', ''))].join('') : '';
    try {
      return new RegExp(inline ? pattern.slice(inline[0].length) : pattern, flags);
    } catch (err) {
      throw new InputError(`${f.path} pattern is not a valid regular expression: ${(err as Error).message}`, { field: `${field}.pattern[${i}]`, hint: 'use the regex syntax Python and JavaScript share' });
    }
  });
  return { test: (text) => regexes.some((r) => r.test(text)) };
}

export function compileFilters(settings: FilterSetting[], where = 'filters_used'): Filters {
  const out: Filters = { file: [], line: [], secret: [], unsupported: [] };
  settings.forEach((f, i) => {
    const field = `${where}[${i}]`;
    if (typeof f?.path !== 'string') throw new InputError('filter entry has no "path"', { field });
    const name = f.path.replace(/^detect_secrets\.filters\./, '');
    switch (name) {
      case 'allowlist.is_line_allowlisted':
        out.line.push((line, previous) => PRAGMA.test(line) || (previous !== undefined && PRAGMA_NEXTLINE.test(previous)));
        break;
      case 'regex.should_exclude_line': {
        const re = patternList(f, field);
        out.line.push((line) => re.test(line));
        break;
      }
      case 'heuristic.is_indirect_reference':
        out.line.push((line) => line.length <= 1000 && INDIRECT_REFERENCE.test(line));
        break;
      case 'regex.should_exclude_file': {
        const re = patternList(f, field);
        out.file.push((file) => re.test(file));
        break;
      }
      case 'common.is_baseline_file':
        if (f.filename) out.file.push((file) => file === f.filename);
        break;
      case 'heuristic.is_lock_file':
        out.file.push((file) => LOCK_FILES.has(path.posix.basename(file)));
        break;
      case 'heuristic.is_swagger_file':
        out.file.push((file) => file.includes('swagger'));
        break;
      case 'heuristic.is_non_text_file':
        out.file.push((file) => NON_TEXT_EXTENSIONS.has(path.posix.extname(file)));
        break;
      case 'regex.should_exclude_secret': {
        const re = patternList(f, field);
        out.secret.push((secret) => re.test(secret));
        break;
      }
      case 'heuristic.is_sequential_string':
        out.secret.push(isSequentialString);
        break;
      case 'heuristic.is_potential_uuid':
        out.secret.push((secret) => UUID.test(secret));
        break;
      case 'heuristic.is_likely_id_string':
        out.secret.push((secret, line, detector) => {
          const at = line.indexOf(secret);
          return at >= 0 && !detector.regexBased && ID_BEFORE.test(line.slice(0, at));
        });
        break;
      case 'heuristic.is_templated_secret':
        out.secret.push((s) => s.length < 2 || (s[0] === '{' && s.endsWith('}')) || (s[0] === '<' && s.endsWith('>')) || (s.startsWith('${') && s.endsWith('}')));
        break;
      case 'heuristic.is_prefixed_with_dollar_sign':
        out.secret.push((s) => s.startsWith('$'));
        break;
      case 'heuristic.is_not_alphanumeric_string':
        out.secret.push((s) => !/[A-Za-z]/.test(s));
        break;
      // Scanned paths are always regular files, and paved never calls a provider to verify a
      // secret, so every secret is "unverified": the default policy (min_level 2) keeps them all.
      case 'common.is_invalid_file':
        break;
      case 'common.is_ignored_due_to_verification_policies':
        if ((f.min_level ?? 2) > 2) out.unsupported.push({ id: f.path, reason: 'paved does not verify secrets with their providers, so "verified only" cannot apply; every secret is reported' });
        break;
      case 'gibberish.should_exclude_secret':
        out.unsupported.push({ id: f.path, reason: 'needs the gibberish-detector model, which paved does not ship; secrets it would drop are reported' });
        break;
      default:
        out.unsupported.push({ id: f.path, reason: 'not a filter paved knows; not applied' });
    }
  });
  return out;
}

export interface CompiledSettings {
  detectors: Detector[];
  filters: Filters;
  /** Plugins named by the configuration that paved does not implement. */
  unsupportedPlugins: Array<{ id: string; reason: string }>;
}

export function compileSettings(settings: DetectSecretsSettings, where = 'settings'): CompiledSettings {
  const detectors: Detector[] = [];
  const unsupportedPlugins: CompiledSettings['unsupportedPlugins'] = [];
  settings.plugins.forEach((p, i) => {
    if (typeof p?.name !== 'string') throw new InputError('plugin entry has no "name"', { field: `${where}.plugins_used[${i}]` });
    if (p.limit !== undefined && typeof p.limit !== 'number') throw new InputError(`"limit" of ${p.name} must be a number`, { field: `${where}.plugins_used[${i}].limit` });
    const make = DETECTORS[p.name];
    if (make) detectors.push(make(p.limit));
    else unsupportedPlugins.push({ id: p.name, reason: `detect-secrets plugin without a paved equivalent (paved implements ${SUPPORTED_PLUGINS.join(', ')})` });
  });
  return { detectors, filters: compileFilters(settings.filters, `${where}.filters_used`), unsupportedPlugins };
}

// ---------------------------------------------------------------------------------------------
// Line-based analysis.

/** One line as the detectors see it: its number in the file, and its (possibly transformed) text. */
export interface ScanLine {
  line: number;
  text: string;
}

export interface DetectSecretsHit {
  detector: Detector;
  secret: string;
  /** sha1 of the secret, detect-secrets' `hashed_secret`. */
  hashedSecret: string;
  line: number;
}

export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function isFileFiltered(settings: CompiledSettings, file: string): boolean {
  return settings.filters.file.some((f) => f(file));
}

/**
 * Runs every detector on every line that no line filter drops, then the secret filters. A secret
 * counts once per file and type (detect-secrets' identity is file + type + hash), at its first line.
 * Line filters are pure, so they run only on lines where a detector found something: the same
 * result as filtering first, without paying for the costlier line regexes on every line.
 */
export function analyzeLines(settings: CompiledSettings, lines: ScanLine[]): DetectSecretsHit[] {
  const hits: DetectSecretsHit[] = [];
  const seen = new Set<string>();
  lines.forEach(({ line, text: raw }, i) => {
    const text = raw.trimEnd();
    if (!text) return;
    let lineDropped: boolean | undefined;
    for (const detector of settings.detectors) {
      for (const secret of detector.find(text)) {
        lineDropped ??= settings.filters.line.some((f) => f(text, i > 0 ? lines[i - 1].text : undefined));
        if (lineDropped) return;
        if (!secret || settings.filters.secret.some((f) => f(secret, text, detector))) continue;
        const key = `${detector.type}\0${secret}`;
        if (seen.has(key)) continue;
        seen.add(key);
        hits.push({ detector, secret, hashedSecret: sha1(secret), line });
      }
    }
  });
  return hits;
}
