import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { secrets as redactor } from '../../src/platform/redact';
import { compileFilters, compileSettings, DEFAULT_FILTERS, hexEntropy, isSequentialString, type DetectSecretsSettings } from '../../src/scan/secrets/detect-secrets';
import { loadDetectSecretsBaseline, scanFileText, scanWithDetectSecrets } from '../../src/scan/secrets/detect-secrets-scan';
import { iniLines, yamlLines } from '../../src/scan/secrets/detect-secrets-transform';
import { describeShared, sharedPath } from '../helpers/shared';
import { cli, fake, randomChars, tempDir, writeTree } from './helpers';

const D = (...p: string[]) => sharedPath('fixtures/secrets/detect-secrets', ...p);
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64Secret = (seed = 31) => randomChars(40, B64, seed);
const hexSecret = (seed = 32) => randomChars(40, '0123456789abcdef', seed);

/** detect-secrets' test suite configures AWSKeyDetector + Base64HighEntropyString(4.5) for every test. */
const suitePlugins = [{ name: 'AWSKeyDetector' }, { name: 'Base64HighEntropyString', limit: 4.5 }];

function scan(settings: DetectSecretsSettings, file: string, text: string) {
  return scanFileText(compileSettings(settings), file, text);
}

afterEach(() => redactor.clear());

describeShared('detect-secrets test_data (expected results from SOURCES.md)', () => {
  const read = (rel: string) => fs.readFileSync(D('test_data', rel), 'utf8');

  it('config.ini with Base64HighEntropyString at 3.0: lines 2, 10, 21, 22, 32 (26 is pragma-allowlisted)', () => {
    const hits = scan({ plugins: [suitePlugins[0], { name: 'Base64HighEntropyString', limit: 3.0 }], filters: DEFAULT_FILTERS }, 'config.ini', read('config.ini'));
    expect(hits.map((h) => h.line)).toEqual([2, 10, 21, 22, 32]);
    expect(new Set(hits.map((h) => h.detector.type))).toEqual(new Set(['Base64 High Entropy String']));
  });

  it('config.yaml with HexHighEntropyString at 3.0: lines 3, 5, 13 and nothing else', () => {
    const hits = scan({ plugins: [...suitePlugins, { name: 'HexHighEntropyString', limit: 3.0 }], filters: DEFAULT_FILTERS }, 'config.yaml', read('config.yaml'));
    expect(hits.map((h) => `${h.line} ${h.detector.name}`)).toEqual(['3 HexHighEntropyString', '5 AWSKeyDetector', '13 Base64HighEntropyString']);
  });

  it('each_secret.py under test_line_based_success: exactly the base64 secret on line 4', () => {
    const filters = [{ path: 'detect_secrets.filters.heuristic.is_likely_id_string' }, { path: 'detect_secrets.filters.regex.should_exclude_line', pattern: ['EXAMPLE'] }];
    const hits = scan({ plugins: suitePlugins, filters }, 'each_secret.py', read('each_secret.py.txt'));
    expect(hits).toHaveLength(1);
    expect(hits[0].secret.startsWith('c2VjcmV0IG1lc')).toBe(true);
    expect(hits[0].line).toBe(4);
  });

  it('files/file_with_secrets.py: one finding in a baseline scan; line 4 is pragma-allowlisted', async () => {
    const dir = tempDir();
    fs.copyFileSync(D('test_data/files/file_with_secrets.py.txt'), path.join(dir, 'file_with_secrets.py'));
    const { result } = await scanWithDetectSecrets({ root: dir });
    expect(result.findings.map((f) => `${f.rule} ${f.file}:${f.line}`)).toEqual(['Base64HighEntropyString file_with_secrets.py:3']);
  });

  it('only_comments.yaml: no findings', () => {
    expect(scan({ plugins: [...suitePlugins, { name: 'HexHighEntropyString' }], filters: DEFAULT_FILTERS }, 'only_comments.yaml', read('only_comments.yaml'))).toEqual([]);
  });

  it("reads detect-secrets' own .secrets.baseline: plugins with limits, filters, results by (file, sha1, type)", () => {
    const baseline = loadDetectSecretsBaseline(D('dot-secrets.baseline'));
    expect(baseline.version).toBe('1.5.0');
    const compiled = compileSettings(baseline.settings);
    expect(compiled.detectors.map((d) => d.name).sort()).toEqual(['AWSKeyDetector', 'Base64HighEntropyString', 'HexHighEntropyString', 'PrivateKeyDetector']);
    expect(compiled.unsupportedPlugins.map((p) => p.id)).toContain('KeywordDetector');
    expect(compiled.filters.unsupported.map((f) => f.id)).toEqual(['detect_secrets.filters.gibberish.should_exclude_secret']);
    expect(baseline.results.has(['docs/design.md', '513e0a36963ae1e8431c041b744679ee578b7c44', 'Base64 High Entropy String'].join('\0'))).toBe(true);
    expect(baseline.results.size).toBe(16);
  });

  it("its eight Private Key results (sha1 of each key-file marker) are all accepted, on any line", async () => {
    const markers = ['DSA ', 'EC ', 'OPENSSH ', 'PGP ', '', 'RSA ', 'SSH2 ENCRYPTED '].map((k) => `BEGIN ${k}PRIVATE ${k === 'PGP ' ? 'KEY BLOCK' : 'KEY'}`);
    markers.push(['PuTTY', 'User', 'Key', 'File', '2'].join('-'));
    const dir = writeTree(tempDir(), { 'detect_secrets/plugins/private_key.py': markers.map((m) => `    '${m}',`).join('\n') + '\n' });
    const r = await cli(['scan', 'secrets', dir, '--detect-secrets-baseline', D('dot-secrets.baseline'), '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings).toEqual([]);
    expect(data.suppressed.map((s: { rule: string; line: number; by: string }) => `${s.rule}:${s.line} ${s.by}`)).toEqual(markers.map((_m, i) => `PrivateKeyDetector:${i + 1} baseline`));
    expect(r.exitCode).toBe(0);
  });
});

describe('detectors', () => {
  const settings = { plugins: [{ name: 'Base64HighEntropyString' }, { name: 'HexHighEntropyString' }, { name: 'AWSKeyDetector' }], filters: DEFAULT_FILTERS };

  it('finds quoted high-entropy base64 and hex strings, not unquoted ones in code', () => {
    const b = b64Secret();
    const h = hexSecret();
    const text = `token = "${b}"\nchecksum = '${h}'\nplain = ${b64Secret(33)}\n`;
    const hits = scan(settings, 'app.py', text);
    expect(hits.map((x) => `${x.line} ${x.detector.type} ${x.secret === b || x.secret === h}`)).toEqual(['1 Base64 High Entropy String true', '2 Hex High Entropy String true']);
    expect(hits[0].hashedSecret).toBe(sha1(b));
  });

  it('applies limits strictly and the all-digit hex adjustment', () => {
    expect(hexEntropy('0123456789')).toBeCloseTo(Math.log2(10) - 1.2 / Math.log2(10), 10);
    expect(hexEntropy('12ab')).toBe(2);
    const digits = '4096158273'; // every digit once: 3.32 bits, adjusted to 2.96, under the default 3.0
    expect(scan({ plugins: [{ name: 'HexHighEntropyString' }], filters: [] }, 'a.py', `n = "${digits}"`)).toEqual([]);
    expect(scan({ plugins: [{ name: 'HexHighEntropyString', limit: 2.5 }], filters: [] }, 'a.py', `n = "${digits}"`)).toHaveLength(1);
    const eight = 'abcd0123'; // exactly 3.0 bits: not above the limit
    expect(scan({ plugins: [{ name: 'HexHighEntropyString', limit: 3 }], filters: [] }, 'a.py', `x = "${eight}"`)).toEqual([]);
  });

  it('finds AWS key ids and secret keys next to an aws keyword', () => {
    const id = fake.awsKeyId();
    const secret = fake.awsSecret();
    const hits = scan({ plugins: [{ name: 'AWSKeyDetector' }], filters: [] }, 'c.sh', `export KEY=${id}\naws_secret_access_key = "${secret}"\n`);
    expect(hits.map((h) => [h.line, h.secret === id || h.secret === secret])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('counts a secret once per file and type, at its first line', () => {
    const b = b64Secret();
    const hits = scan(settings, 'a.py', `a = "${b}"\nb = "${b}"\n`);
    expect(hits.map((h) => h.line)).toEqual([1]);
  });
});

describe('filters', () => {
  const plugins = [{ name: 'Base64HighEntropyString', limit: 3 }];
  const only = (p: string, extra: object = {}) => ({ plugins, filters: [{ path: `detect_secrets.filters.${p}`, ...extra }] });

  it('pragma: allowlist secret on the line, and allowlist nextline secret on the line before', () => {
    const b = b64Secret();
    const text = `a = "${b}"  # pragma: allowlist secret\n// pragma: allowlist nextline secret\nb = "${b64Secret(34)}"\nc = "${b64Secret(35)}"\n`;
    expect(scan(only('allowlist.is_line_allowlisted'), 'a.js', text).map((h) => h.line)).toEqual([4]);
  });

  it('heuristics: sequential, UUID, id names, digits only, indirect references, templates, $-prefixed', () => {
    const cases: Array<[string, string]> = [
      ['heuristic.is_sequential_string', 'x = "ABCDEFGHIJKLMNOP"'],
      ['heuristic.is_potential_uuid', 'x = "3f2b8c1e-7d4a-4e9b-8c2d-1a5f6e7d8c9b"'],
      ['heuristic.is_likely_id_string', `user_id = "${b64Secret()}"`],
      ['heuristic.is_not_alphanumeric_string', 'x = "8273649105"'],
      ['heuristic.is_indirect_reference', `x = get_secret("${b64Secret()}")`],
    ];
    for (const [filter, line] of cases) {
      const withoutFilter = scan({ plugins: [{ name: 'Base64HighEntropyString', limit: 2 }], filters: [] }, 'a.py', line);
      const withFilter = scan({ plugins: [{ name: 'Base64HighEntropyString', limit: 2 }], filters: [{ path: `detect_secrets.filters.${filter}` }] }, 'a.py', line);
      expect([filter, withoutFilter.length > 0, withFilter.length]).toEqual([filter, true, 0]);
    }
    // Neither charset holds `{}<>$`, so these two only ever see secrets from other detectors.
    const detector = compileSettings({ plugins: [{ name: 'AWSKeyDetector' }], filters: [] }).detectors[0];
    const [templated] = compileFilters([{ path: 'detect_secrets.filters.heuristic.is_templated_secret' }]).secret;
    const [dollar] = compileFilters([{ path: 'detect_secrets.filters.heuristic.is_prefixed_with_dollar_sign' }]).secret;
    expect(['{value}', '<value>', '${value}', 'x', 'value'].map((s) => templated(s, '', detector))).toEqual([true, true, true, true, false]);
    expect(['$VALUE', 'VA$LUE'].map((s) => dollar(s, '', detector))).toEqual([true, false]);
    expect(isSequentialString('0123456789')).toBe(true);
    expect(isSequentialString('0123456789a1')).toBe(false);
  });

  it('regex filters on lines, files and secrets; lock and swagger files', () => {
    const line = `x = "${b64Secret()}"`;
    expect(scan(only('regex.should_exclude_line', { pattern: ['^x ='] }), 'a.py', line)).toEqual([]);
    expect(scan(only('regex.should_exclude_line', { pattern: ['^nomatch', '(?i)^X ='] }), 'a.py', line)).toEqual([]);
    expect(scan(only('regex.should_exclude_line', { pattern: ['^X ='] }), 'a.py', line)).toHaveLength(1);
    expect(scan(only('regex.should_exclude_file', { pattern: ['^tests/'] }), 'tests/a.py', line)).toEqual([]);
    expect(scan(only('regex.should_exclude_file', { pattern: ['^tests/'] }), 'src/a.py', line)).toHaveLength(1);
    expect(scan(only('regex.should_exclude_secret', { pattern: ['^[A-Za-z0-9+/]{40}$'] }), 'a.py', line)).toEqual([]);
    expect(scan(only('heuristic.is_lock_file'), 'web/yarn.lock', line)).toEqual([]);
    expect(scan(only('heuristic.is_swagger_file'), 'api/swagger.json', line)).toEqual([]);
  });

  it('rejects unusable settings with the field to fix', () => {
    expect(() => compileSettings({ plugins: [{ name: 'HexHighEntropyString', limit: 9 }], filters: [] })).toThrow(/outside 0.0-8.0/);
    expect(() => compileSettings({ plugins, filters: [{ path: 'detect_secrets.filters.regex.should_exclude_line', pattern: ['('] }] })).toThrow(/not a valid regular expression/);
    expect(() => compileSettings({ plugins, filters: [{ path: 'detect_secrets.filters.regex.should_exclude_line' }] })).toThrow(/needs a "pattern" list/);
    expect(compileSettings({ plugins: [{ name: 'SlackDetector' }], filters: [{ path: 'x.y' }] })).toMatchObject({ unsupportedPlugins: [{ id: 'SlackDetector' }], filters: { unsupported: [{ id: 'x.y' }] } });
  });
});

describe('file readings', () => {
  it('INI values, continuation lines and comments keep their line numbers', () => {
    const lines = iniLines('[a]\nkey = one\nmulti =\n    two\n    # note\n    three\n; c\nq = "quoted"\n');
    expect(lines).toEqual([
      { line: 2, text: 'key = "one"' },
      { line: 4, text: 'multi = "two"' },
      { line: 6, text: 'multi = "three"' },
      { line: 8, text: 'q = "quoted"' },
    ]);
    expect(iniLines('key = value\n')).toBeUndefined(); // no section header
    expect(iniLines('[a]\nx = 1\n[a]\n')).toBeUndefined(); // duplicate section
  });

  it('YAML mapping values become quoted lines with their comments; sequence items do not', () => {
    const lines = yamlLines('a:\n  b: plain # keep\nlist:\n  - item\nn: 12\nbin: !!binary aGVsbG8=\n');
    expect(lines).toEqual([
      { line: 2, text: 'b: "plain" # keep' },
      { line: 6, text: 'bin: "aGVsbG8="' },
    ]);
    expect(yamlLines('a: [unclosed\n')).toBeUndefined();
  });

  it('a .env file gets the eager INI reading when the raw lines find nothing', () => {
    const b = b64Secret();
    const hits = scan({ plugins: [{ name: 'Base64HighEntropyString' }], filters: DEFAULT_FILTERS }, '.env', `# settings\nAPI_TOKEN=${b}\n`);
    expect(hits.map((h) => [h.line, h.secret === b])).toEqual([[2, true]]);
  });
});

describe('paved scan secrets in detect-secrets mode', () => {
  const baselineDoc = (results: Record<string, Array<{ type: string; hashed_secret: string; line_number: number }>>, plugins: object[] = [{ name: 'Base64HighEntropyString', limit: 4.5 }, { name: 'HexHighEntropyString', limit: 3 }]) =>
    JSON.stringify({ version: '1.5.0', plugins_used: plugins, filters_used: DEFAULT_FILTERS, results: Object.fromEntries(Object.entries(results).map(([f, list]) => [f, list.map((r) => ({ ...r, filename: f, is_verified: false }))])) }, null, 2);

  it('accepts baseline results by (file, sha1, type) whatever the line; new secrets fail the gate; no secret in any output', async () => {
    const accepted = b64Secret(41);
    const fresh = hexSecret(42);
    const dir = writeTree(tempDir(), {
      'src/settings.py': `\n\n\nOLD = "${accepted}"\nNEW = "${fresh}"\n`,
      '.secrets.baseline': baselineDoc({ 'src/settings.py': [{ type: 'Base64 High Entropy String', hashed_secret: sha1(accepted), line_number: 1 }] }),
    });
    const r = await cli(['scan', 'secrets', dir, '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings.map((f: { rule: string; file: string; line: number }) => `${f.rule} ${f.file}:${f.line}`)).toEqual(['HexHighEntropyString src/settings.py:5']);
    expect(data.suppressed).toEqual([{ rule: 'Base64HighEntropyString', file: 'src/settings.py', line: 4, by: 'baseline', reason: 'accepted in .secrets.baseline' }]);
    expect(data.secrets.ruleSource).toBe('detect-secrets baseline .secrets.baseline (format 1.5.0)');
    expect(r.exitCode).toBe(1);
    for (const s of [accepted, fresh]) expect(r.stdout + r.stderr).not.toContain(s);
  });

  it('a baseline entry of another type or file does not accept the finding', async () => {
    const secret = b64Secret(43);
    const dir = writeTree(tempDir(), {
      'a.py': `k = "${secret}"\n`,
      'ds.json': baselineDoc({ 'a.py': [{ type: 'Hex High Entropy String', hashed_secret: sha1(secret), line_number: 1 }], 'b.py': [{ type: 'Base64 High Entropy String', hashed_secret: sha1(secret), line_number: 1 }] }),
    });
    const r = await cli(['scan', 'secrets', path.join(dir, 'a.py'), '--detect-secrets-baseline', path.join(dir, 'ds.json'), '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings.map((f: { rule: string; line: number }) => `${f.rule}:${f.line}`)).toEqual(['Base64HighEntropyString:1']);
    expect(data.suppressed).toEqual([]);
    expect(r.exitCode).toBe(1);
  });

  it('plugins the baseline names without a paved equivalent are reported, and make the verdict a warning', async () => {
    const dir = writeTree(tempDir(), { 'readme.md': 'nothing here\n', '.secrets.baseline': baselineDoc({}, [{ name: 'KeywordDetector', keyword_exclude: '' }, { name: 'HexHighEntropyString', limit: 3 }]) });
    const r = await cli(['scan', 'secrets', dir, '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.verdict).toBe('warn');
    expect(data.notes.join('\n')).toMatch(/KeywordDetector was not loaded: detect-secrets plugin without a paved equivalent/);
    expect(r.exitCode).toBe(0);
  });

  it('a .gitleaks.toml or --config keeps the gitleaks-style scan; both options together are a usage error', async () => {
    const secret = b64Secret(44);
    const dir = writeTree(tempDir(), { 'a.py': `k = "${secret}"\n`, '.secrets.baseline': baselineDoc({}), '.gitleaks.toml': '[[rules]]\nid = "none"\nregex = \'\'\'zzzz-never\'\'\'\n' });
    const gitleaks = JSON.parse((await cli(['scan', 'secrets', dir, '--format', 'json'])).stdout);
    expect(gitleaks.secrets.ruleSource).not.toMatch(/detect-secrets/);
    const both = await cli(['scan', 'secrets', dir, '--config', path.join(dir, '.gitleaks.toml'), '--detect-secrets-baseline', path.join(dir, '.secrets.baseline')]);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/not both/);
  });

  it('--diff reads only the added lines, raw, and still honours the baseline and pragmas', async () => {
    const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
    const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' }).trim();
    const old = b64Secret(51);
    const moved = b64Secret(52);
    const added = b64Secret(53);
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    writeTree(dir, { 'app.py': `OLD = "${old}"\n` });
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeTree(dir, {
      'app.py': `OLD = "${old}"\nMOVED = "${moved}"\nOK = "${b64Secret(54)}"  # pragma: allowlist secret\nNEW = "${added}"\n`,
      '.secrets.baseline': baselineDoc({ 'app.py': [{ type: 'Base64 High Entropy String', hashed_secret: sha1(moved), line_number: 40 }] }),
    });
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'feature');
    const data = JSON.parse((await cli(['scan', 'secrets', dir, '--diff', 'main', '--format', 'json'])).stdout);
    expect(data.findings.map((f: { file: string; line: number }) => `${f.file}:${f.line}`)).toEqual(['app.py:4']);
    expect(data.suppressed.map((f: { file: string; line: number; by: string }) => `${f.file}:${f.line} ${f.by}`)).toEqual(['app.py:2 baseline']);
  });

  it('a broken baseline is an input error naming the file and field', async () => {
    const dir = writeTree(tempDir(), {
      'bad.json': '{"plugins_used": [',
      'noplugins.json': '{"results": {}}',
      'badhash.json': JSON.stringify({ plugins_used: [], results: { 'a.py': [{ type: 'x', hashed_secret: 'nope' }] } }),
    });
    for (const [file, message] of [
      ['bad.json', /not valid JSON/],
      ['noplugins.json', /no "plugins_used" list/],
      ['badhash.json', /results\.a\.py\[0\].*sha1|sha1[\s\S]*results\.a\.py\[0\]/],
    ] as const) {
      const r = await cli(['scan', 'secrets', dir, '--detect-secrets-baseline', path.join(dir, file)]);
      expect([file, r.exitCode]).toEqual([file, 2]);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(message);
    }
  });
});
