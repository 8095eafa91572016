import * as fs from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { compileGoRegex, RegexTranslateError, translateGoRegex } from '../../src/scan/secrets/regex';
import { describeShared, sharedPath } from '../helpers/shared';

const match = (pattern: string, text: string) => compileGoRegex(pattern).exec(text)?.[0];

describe('Go RE2 → JavaScript translation', () => {
  it('scopes a mid-pattern (?i) to the rest of its group', () => {
    expect(match('\\b(LTAI(?i)[a-z0-9]{4})\\b', 'x LTAIAb1Z y')).toBe('LTAIAb1Z');
    expect(match('\\b(LTAI(?i)[a-z0-9]{4})\\b', 'x ltaiab1z y')).toBeUndefined();
  });

  it('turns case-insensitivity off inside (?-i:...)', () => {
    const re = '(?i)key(?-i:ABC)';
    expect(match(re, 'KEYABC')).toBe('KEYABC');
    expect(match(re, 'keyabc')).toBeUndefined();
  });

  it('uses the i flag when the whole pattern is case-insensitive', () => {
    expect(translateGoRegex('(?i)secret[a-z]+').flags).toBe('iu');
    expect(translateGoRegex('(?i)secret(?-i:X)').flags).toBe('u');
  });

  it('maps \\A, \\z, (?P<name>), POSIX classes and \\Q...\\E', () => {
    expect(match('\\Aab\\z', 'ab')).toBe('ab');
    expect(match('\\Aab\\z', 'ab\n')).toBeUndefined();
    expect(compileGoRegex('(?P<word>[[:alpha:]]+)').exec('12 abc')?.groups?.word).toBe('abc');
    expect(match('[[:^digit:]]+', '12ab34')).toBe('ab');
    expect(match('\\Qa.b*\\E', 'axb a.b*')).toBe('a.b*');
  });

  it('treats lone braces as literals and keeps real repetitions', () => {
    expect(match('^\\${(?:[A-Z_]+)}$', '${HOME}')).toBe('${HOME}');
    expect(match('a{2,3}', 'aaaa')).toBe('aaa');
    expect(match('x{,2}', 'x{,2}')).toBe('x{,2}');
  });

  it('reads \\x{...}, octal and Go-only escapes', () => {
    expect(match('\\x{41}\\101\\x42', 'AAB')).toBe('AAB');
    expect(match('a\\sb', 'a\u00a0b')).toBeUndefined(); // RE2 \s is ASCII only
    expect(match('a\\sb', 'a\tb')).toBe('a\tb');
  });

  it('honours (?s), (?m) and (?U)', () => {
    expect(match('a.b', 'a\nb')).toBeUndefined();
    expect(match('(?s)a.b', 'a\nb')).toBe('a\nb');
    expect(match('(?m)^b$', 'a\nb\nc')).toBe('b');
    expect(match('^b$', 'a\nb\nc')).toBeUndefined();
    expect(match('(?U)a+', 'aaa')).toBe('a');
    expect(match('(?U)a+?', 'aaa')).toBe('aaa');
  });

  it('folds like RE2 under (?i), including the Kelvin sign and long s', () => {
    expect(match('(?i)k', '\u212a')).toBe('\u212a');
    expect(match('x(?i)s', 'x\u017f')).toBe('x\u017f');
  });

  it('reports what RE2 does not have', () => {
    expect(() => compileGoRegex('a(?=b)')).toThrow(RegexTranslateError);
    expect(() => compileGoRegex('(a)\\1')).toThrow(/\\1|escape|group/);
    expect(() => compileGoRegex('a**')).toThrow(RegexTranslateError);
    expect(() => compileGoRegex('[[:nope:]]')).toThrow(/POSIX/);
    expect(() => compileGoRegex('(ab')).toThrow(/missing closing/);
  });
});

describeShared("gitleaks' own default config", () => {
  const config = parseToml(fs.readFileSync(sharedPath('fixtures/secrets/gitleaks/config/gitleaks.toml'), 'utf8')) as {
    rules: Array<{ id: string; regex?: string; path?: string; allowlists?: Array<{ regexes?: string[]; paths?: string[] }> }>;
    allowlist: { regexes: string[]; paths: string[] };
  };

  it('compiles every rule regex, path and allowlist pattern', () => {
    const failures: string[] = [];
    const patterns: Array<[string, string]> = [];
    for (const rule of config.rules) {
      if (rule.regex) patterns.push([rule.id, rule.regex]);
      if (rule.path) patterns.push([`${rule.id} path`, rule.path]);
      for (const a of rule.allowlists ?? []) for (const p of [...(a.regexes ?? []), ...(a.paths ?? [])]) patterns.push([`${rule.id} allowlist`, p]);
    }
    for (const p of [...config.allowlist.regexes, ...config.allowlist.paths]) patterns.push(['global allowlist', p]);
    for (const [id, pattern] of patterns) {
      try {
        compileGoRegex(pattern);
      } catch (err) {
        failures.push(`${id}: ${(err as Error).message}`);
      }
    }
    expect(config.rules.length).toBe(222);
    expect(failures).toEqual([]);
  });

  it('keeps the meaning of the rule that used to mis-compile ([[:alnum:]])', () => {
    const rule = config.rules.find((r) => r.regex?.includes('[[:alnum:]]'))!;
    const re = compileGoRegex(rule.regex!);
    const token = `pat${'Ab1'.repeat(4)}Zz.${'0123456789abcdef'.repeat(4)}`;
    expect(re.exec(` ${token} `)?.[1]).toBe(token);
    expect(re.exec(` pat${':'.repeat(14)}.${'0'.repeat(64)} `)).toBeNull();
  });
});
