import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../src/platform/errors';
import { secrets as redactor } from '../../src/platform/redact';
import { loadGitleaksConfig } from '../../src/scan/secrets/gitleaks-config';
import { scanSecrets } from '../../src/scan/secrets/scan';
import { describeShared, sharedPath } from '../helpers/shared';
import { cli, fake, randomChars, tempDir, writeTree } from './helpers';

const G = (...p: string[]) => sharedPath('fixtures/secrets/gitleaks', ...p);
const short = (f: { rule: string; file: string; line?: number }) => `${f.rule} ${f.file}:${f.line}`;

afterEach(() => redactor.clear());

describeShared('gitleaks nogit fixtures (expected findings from SOURCES.md)', () => {
  /** The upstream files under their original names, with .gitleaksignore rewritten to our paths. */
  function nogitCopy(ignoreRule: string): string {
    const dir = tempDir();
    fs.copyFileSync(G('nogit/main.go.txt'), path.join(dir, 'main.go'));
    fs.copyFileSync(G('nogit/api.go.txt'), path.join(dir, 'api.go'));
    fs.copyFileSync(G('nogit/.env.prod'), path.join(dir, '.env.prod'));
    const upstream = fs.readFileSync(G('nogit/.gitleaksignore'), 'utf8').trim();
    fs.writeFileSync(path.join(dir, '.gitleaksignore'), `${upstream.replace('../testdata/repos/nogit/api.go:aws-access-key', `api.go:${ignoreRule}`)}\n`);
    return dir;
  }

  it('simple.toml: one aws-access-key on main.go line 20; api.go is ignored by fingerprint', async () => {
    const dir = nogitCopy('aws-access-key');
    const r = await cli(['scan', 'secrets', dir, '--config', G('config/simple.toml'), '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings.map(short)).toEqual(['aws-access-key main.go:20']);
    expect(data.findings[0].column).toBe(15);
    expect(data.suppressed).toEqual([{ rule: 'aws-access-key', file: 'api.go', line: 20, by: 'gitleaksignore' }]);
    expect(r.exitCode).toBe(1);
  });

  it("gitleaks' default config: aws-access-token on main.go:20 and generic-api-key on .env.prod:4", async () => {
    const dir = nogitCopy('aws-access-token');
    const r = await cli(['scan', 'secrets', dir, '--config', G('config/gitleaks.toml'), '--format', 'json', '--fail-on', 'never']);
    const data = JSON.parse(r.stdout);
    expect(data.findings.map(short).sort()).toEqual(['aws-access-token main.go:20', 'generic-api-key .env.prod:4']);
    expect(data.secrets.rejectedRules).toEqual([]);
    expect(data.secrets.rules).toBe(222);
    expect(r.exitCode).toBe(0);
  });

  it('generic.toml on .env.prod: generic-api-key line 4, and the secret appears in no output', async () => {
    const secret = fs.readFileSync(G('nogit/.env.prod'), 'utf8').split('\n')[3].split('=')[1].trim();
    const out = tempDir();
    const sarif = path.join(out, 'r.sarif');
    for (const format of ['json', 'text', 'markdown', 'sarif']) {
      const r = await cli(['scan', 'secrets', G('nogit/.env.prod'), '--config', G('config/generic.toml'), '--format', format, '--sarif-output', sarif, '--gitlab-reports', out]);
      expect(r.stdout).not.toContain(secret);
      expect(r.stderr).not.toContain(secret);
      if (format === 'json') expect(JSON.parse(r.stdout).findings.map(short)).toEqual(['generic-api-key .env.prod:4']);
    }
    for (const f of fs.readdirSync(out)) expect(fs.readFileSync(path.join(out, f), 'utf8')).not.toContain(secret);
  });

  it('the fixture files in place (.txt names) with an ignore file given by path', async () => {
    const dir = tempDir();
    const ignore = path.join(dir, 'ignore');
    fs.writeFileSync(ignore, 'api.go.txt:aws-access-key:20\n');
    const r = await scanSecrets({ root: G('nogit'), config: G('config/simple.toml') });
    expect(r.findings.map(short).sort()).toEqual(['aws-access-key api.go.txt:20', 'aws-access-key main.go.txt:20']);
    const cliRun = await cli(['scan', 'secrets', G('nogit'), '--config', G('config/simple.toml'), '--gitleaksignore', ignore, '--format', 'json']);
    expect(JSON.parse(cliRun.stdout).findings.map(short)).toEqual(['aws-access-key main.go.txt:20']);
  });

  it('loads every valid config case that stands alone and rejects the invalid ones by field', () => {
    for (const name of fs.readdirSync(G('config/valid'))) {
      const text = fs.readFileSync(G('config/valid', name), 'utf8');
      if (/^\[extend\]/m.test(text)) {
        expect(() => loadGitleaksConfig(G('config/valid', name))).toThrow(/not found/); // its base file is not in the fixtures
        continue;
      }
      const set = loadGitleaksConfig(G('config/valid', name));
      expect(set.rejected).toEqual([]);
      expect(set.rules.length + set.allowlists.length).toBeGreaterThan(0);
    }
    const expected: Record<string, RegExp> = {
      'allowlist_rule_empty.toml': /allowlist has no commits/,
      'rule_bad_entropy_group.toml': /secretGroup 5 but the regex has 3/,
      'rule_missing_id.toml': /rule has no id/,
      'rule_no_regex_or_path.toml': /neither regex nor path/,
    };
    for (const [name, message] of Object.entries(expected)) {
      expect(() => loadGitleaksConfig(G('config/invalid', name))).toThrow(message);
      expect(() => loadGitleaksConfig(G('config/invalid', name))).toThrow(InputError);
    }
  });
});

describe('paved default rules on generated secrets', () => {
  const samples = {
    awsKey: fake.awsKeyId(),
    aws: fake.awsSecret(),
    gh: fake.githubToken(),
    gl: fake.gitlabToken(),
    slack: fake.slackToken(),
    stripe: fake.stripeKey(),
    npm: fake.npmToken(),
    jwt: fake.jwt(),
    key: fake.privateKey(),
    pw: fake.password(),
  };
  const files: Record<string, string> = {
    'config/aws.env': `AWS_ACCESS_KEY_ID=${samples.awsKey}\nAWS_SECRET_ACCESS_KEY=${samples.aws}\n`,
    'src/tokens.ts': `const gh = "${samples.gh}";\nconst gl = '${samples.gl}';\n\nconst slack = "${samples.slack}";\n`,
    'billing/stripe.py': `STRIPE = "${samples.stripe}"\n`,
    '.npmrc': `//registry.npmjs.org/:_authToken=${samples.npm}\n`,
    'auth/session.txt': `Authorization: Bearer ${samples.jwt}\n`,
    'deploy/id_rsa': `${samples.key}\n`,
    'db/settings.yaml': `database:\n  url: postgres://app:${samples.pw}@db.internal:5432/app\n  password: "${samples.pw}"\n`,
    'safe/placeholders.env': 'PASSWORD=changeme\nAPI_TOKEN=${API_TOKEN}\nSECRET_KEY={{ secret_key }}\nGITHUB_TOKEN=${{ secrets.GITHUB_TOKEN }}\npassword: <your-password>\n',
    'safe/allowed.ts': `const t = "${fake.githubToken().replace(/.$/, 'Q')}"; // paved:allow test token\n`,
    'node_modules/pkg/index.js': `module.exports = "${fake.githubToken()}";\n`,
    'bin/blob.bin': `\u0000\u0001${samples.gh}`,
  };

  it('finds each kind with its rule, file and line, and nothing in placeholders, allowed lines, vendored or binary files', async () => {
    const dir = writeTree(tempDir(), files);
    const r = await scanSecrets({ root: dir });
    expect(r.findings.map(short).sort()).toEqual(
      [
        'aws-access-key-id config/aws.env:1',
        'aws-secret-access-key config/aws.env:2',
        'github-token src/tokens.ts:1',
        'gitlab-token src/tokens.ts:2',
        'slack-token src/tokens.ts:4',
        'stripe-secret-key billing/stripe.py:1',
        'npm-token .npmrc:1',
        'jwt auth/session.txt:1',
        'private-key deploy/id_rsa:1',
        'connection-string-password db/settings.yaml:2',
        'generic-secret-assignment db/settings.yaml:3',
      ].sort(),
    );
    expect(r.skipped.binary).toBe(1);
    expect(r.skipped.vendored).toBe(1);
    const key = r.findings.find((f) => f.rule === 'private-key')!;
    expect([key.line, key.endLine]).toEqual([1, 6]);
  });

  it('never writes a found secret: JSON, text, markdown, SARIF and GitLab reports carry masked forms only', async () => {
    const dir = writeTree(tempDir(), files);
    const out = tempDir();
    const outputs: string[] = [];
    for (const format of ['json', 'text', 'markdown', 'sarif']) {
      const r = await cli(['scan', 'secrets', dir, '--format', format, '--sarif-output', path.join(out, 's.sarif'), '--gitlab-reports', out, '--write-baseline', path.join(out, 'b.json')]);
      expect(r.exitCode).toBe(1);
      outputs.push(r.stdout, r.stderr);
    }
    for (const f of fs.readdirSync(out)) outputs.push(fs.readFileSync(path.join(out, f), 'utf8'));
    const all = outputs.join('\n');
    for (const secret of Object.values(samples)) {
      for (const piece of secret.split('\n')) expect(all).not.toContain(piece);
    }
    expect(all).toContain(`${samples.gh.slice(0, 4)}***`);
  });

  it('respects a custom .gitleaks.toml in the scanned folder with [extend] useDefault and disabledRules', async () => {
    const dir = writeTree(tempDir(), {
      '.gitleaks.toml': [
        '[extend]',
        'useDefault = true',
        'disabledRules = ["jwt"]',
        '[[rules]]',
        'id = "internal-token"',
        "regex = '''\\b(itk_(?i)[a-z0-9]{24})\\b'''",
        'keywords = ["itk_"]',
        '[[allowlists]]',
        "paths = ['''^fixtures/''']",
      ].join('\n'),
      'a.txt': `token itk_${randomChars(24, 'abcdefGHIJ0123456789', 3)}\n${fake.jwt()}\n`,
      'fixtures/b.txt': `itk_${randomChars(24, 'abcdef0123456789', 4)}\n`,
    });
    const r = await scanSecrets({ root: dir });
    expect(r.findings.map(short)).toEqual(['internal-token a.txt:1']);
    expect(r.ruleSource).toBe(path.join(dir, '.gitleaks.toml'));
  });

  it('gives clear errors for a missing path and a malformed config', async () => {
    const r1 = await cli(['scan', 'secrets', '/nonexistent/paved-scan']);
    expect(r1.exitCode).toBe(2);
    expect(r1.stderr).toMatch(/path to scan does not exist/);
    const dir = writeTree(tempDir(), { 'bad.toml': '[[rules]\nid = "x"' });
    const r2 = await cli(['scan', 'secrets', dir, '--config', path.join(dir, 'bad.toml')]);
    expect(r2.exitCode).toBe(2);
    expect(r2.stderr).toMatch(/bad\.toml: not valid TOML/);
  });
});

describe('baselines and allowlists', () => {
  it('accepts a baselined secret after it moves lines, but not a new one, and expires entries', async () => {
    const token = fake.githubToken();
    const dir = writeTree(tempDir(), { 'app.ts': `const t = "${token}";\n` });
    const out = tempDir();
    const baseline = path.join(out, 'baseline.json');
    await cli(['scan', 'secrets', dir, '--write-baseline', baseline]);
    const written = JSON.parse(fs.readFileSync(baseline, 'utf8'));
    expect(written.entries).toHaveLength(1);
    expect(JSON.stringify(written)).not.toContain(token);
    expect(written.entries[0]).not.toHaveProperty('line');

    fs.writeFileSync(path.join(dir, 'app.ts'), `// moved\n\n\nconst t = "${token}";\n`);
    let r = await cli(['scan', 'secrets', dir, '--baseline', baseline, '--format', 'json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).suppressed[0]).toMatchObject({ rule: 'github-token', file: 'app.ts', line: 4, by: 'baseline' });

    fs.appendFileSync(path.join(dir, 'app.ts'), `const u = "${fake.githubToken().slice(0, -4)}ZZZZ";\n`);
    r = await cli(['scan', 'secrets', dir, '--baseline', baseline, '--format', 'json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).findings.map(short)).toEqual(['github-token app.ts:5']);

    written.entries[0].expires = '2020-01-01';
    fs.writeFileSync(baseline, JSON.stringify(written));
    r = await cli(['scan', 'secrets', dir, '--baseline', baseline, '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings).toHaveLength(2);
    expect(data.notes.join('\n')).toMatch(/expired on 2020-01-01/);
  });

  it('requires a reason on allowlist entries and honours their expiry', async () => {
    const dir = writeTree(tempDir(), { 'a.ts': `x = "${fake.githubToken()}"\n` });
    const allow = path.join(dir, 'allow.yaml');
    fs.writeFileSync(allow, 'allow:\n  - id: github-token\n');
    let r = await cli(['scan', 'secrets', dir, '--allowlist', allow, '--exclude', 'allow.yaml']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/allow\.yaml: allow\[0\]\.reason: entry for github-token has no reason/);
    fs.writeFileSync(allow, 'allow:\n  - id: github-token\n    reason: rotated test token\n    expires: 2999-01-01\n    path: "*.ts"\n');
    r = await cli(['scan', 'secrets', dir, '--allowlist', allow, '--format', 'json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout).suppressed[0]).toMatchObject({ by: 'allowlist', reason: 'rotated test token' });
  });
});

describe('gitleaks reports as baselines', () => {
  it('accepts a gitleaks JSON report: secrets by hash wherever they move, redacted entries by fingerprint', async () => {
    const token = fake.githubToken();
    const other = fake.npmToken();
    const dir = writeTree(tempDir(), { 'a.ts': `\n\nconst t = "${token}";\n`, 'b.ts': `const n = "${other}";\n` });
    const report = [
      { RuleID: 'github-token', File: 'a.ts', StartLine: 1, Secret: token, Fingerprint: 'a.ts:github-token:1' },
      { RuleID: 'npm-token', File: 'b.ts', StartLine: 1, Secret: 'REDACTED', Fingerprint: 'b.ts:npm-token:1' },
    ];
    const baseline = path.join(tempDir(), 'gitleaks-report.json');
    fs.writeFileSync(baseline, JSON.stringify(report));
    const r = await cli(['scan', 'secrets', dir, '--baseline', baseline, '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings).toEqual([]);
    expect(data.suppressed.map((x: { rule: string; by: string }) => `${x.rule} ${x.by}`).sort()).toEqual(['github-token baseline', 'npm-token gitleaksignore']);
  });
});

describeShared("gitleaks' own baseline sample", () => {
  it('loads as a baseline without error', async () => {
    const dir = writeTree(tempDir(), { 'x.txt': 'nothing here\n' });
    const r = await cli(['scan', 'secrets', dir, '--baseline', G('baseline/baseline.json'), '--format', 'json']);
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
  });
});

describe('scanning what a change adds (git)', () => {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.invalid' };
  const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' }).trim();

  it('reports only added lines, with their line numbers, for --diff and --log', async () => {
    const old = fake.githubToken();
    const added = fake.slackToken();
    const dir = tempDir();
    git(dir, 'init', '-q', '-b', 'main');
    writeTree(dir, { 'src/a.ts': `// old\nconst o = "${old}";\n` });
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeTree(dir, { 'src/a.ts': `// old\nconst o = "${old}";\n// new\nconst n = "${added}";\n`, 'src/clean.ts': 'export const x = 1;\n' });
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'feature');
    const head = git(dir, 'rev-parse', 'HEAD');

    const diff = await cli(['scan', 'secrets', dir, '--diff', 'main', '--format', 'json']);
    expect(JSON.parse(diff.stdout).findings.map(short)).toEqual(['slack-token src/a.ts:4']);

    const log = await cli(['scan', 'secrets', dir, '--log', 'main..feature', '--format', 'json']);
    const finding = JSON.parse(log.stdout).findings[0];
    expect(finding).toMatchObject({ rule: 'slack-token', file: 'src/a.ts', line: 4, commit: head });

    fs.writeFileSync(path.join(dir, '.gitleaksignore'), `${head}:src/a.ts:slack-token:4\n`);
    const ignored = await cli(['scan', 'secrets', dir, '--log', 'main..feature', '--format', 'json']);
    expect(JSON.parse(ignored.stdout).findings).toEqual([]);

    const bad = await cli(['scan', 'secrets', dir, '--diff', 'no-such-branch']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/cannot read the change no-such-branch\.\.\.HEAD[\s\S]*fetch-depth: 0/);
  });
});
