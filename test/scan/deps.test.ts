import * as fs from 'node:fs';
import * as path from 'node:path';
import { cvss3BaseScore } from '../../src/scan/deps/cvss';
import { findLockfiles, readLockfile } from '../../src/scan/deps/lockfiles';
import { scanDependencies } from '../../src/scan/deps/scan';
import { comparePep440, compareSemver, compareVersions } from '../../src/scan/deps/versions';
import { readZip } from '../../src/scan/deps/zip';
import { HttpEmulator } from '../helpers/http-emulator';
import { describeShared, sharedPath } from '../helpers/shared';
import { cli, tempDir, writeTree, writeZip } from './helpers';

const FIX = path.join(__dirname, 'fixtures');
const KV = (...p: string[]) => sharedPath('fixtures/lockfiles/known-vulnerable-npm', ...p);
const EXPECTED = ['GHSA-jf85-cpcp-j695 lodash@4.17.4 critical', 'GHSA-p6mc-m468-83gw lodash@4.17.4 high', 'GHSA-xvch-5gv4-984h minimist@0.0.8 critical'];
const summary = (f: { rule: string; package?: string; version?: string; severity: string }) => `${f.rule} ${f.package}@${f.version} ${f.severity}`;

describe('version ordering per ecosystem', () => {
  it('orders SemVer with pre-releases', () => {
    const sorted = ['1.0.0', '1.0.0-alpha.1', '1.0.0-alpha', '1.0.0-beta.11', '1.0.0-beta.2', '1.0.0-rc.1', '0.9.9', '1.10.0', '1.2.0'];
    expect(sorted.sort(compareSemver)).toEqual(['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.2.0', '1.10.0']);
  });

  it('orders PEP 440 versions: dev < pre < final < post, epochs and local versions', () => {
    const sorted = ['1.0.post1', '1.0', '1.0rc1', '1.0a2', '1.0.dev3', '1.0a2.dev1', '1!0.1', '1.0+local.2', '1.0.0.1', '0.9'];
    expect(sorted.sort(comparePep440)).toEqual(['0.9', '1.0.dev3', '1.0a2.dev1', '1.0a2', '1.0rc1', '1.0', '1.0+local.2', '1.0.post1', '1.0.0.1', '1!0.1']);
    expect(comparePep440('1.0', '1.0.0')).toBe(0);
    expect(comparePep440('2.0-RC.1', '2.0rc1')).toBe(0);
  });

  it('orders Go versions with their v prefix and +incompatible', () => {
    expect(compareVersions('Go', 'v1.2.3', '1.2.10')).toBe(-1);
    expect(compareVersions('Go', 'v2.4.1+incompatible', '2.4.1')).toBe(0);
    expect(compareVersions('Go', 'v0.0.0-20210101000000-abcdef123456', '0.0.1')).toBe(-1);
  });
});

describe('CVSS v3 base score', () => {
  it('computes the scores of the sample advisories and a scope-changed vector', () => {
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H')).toBe(9.1);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H')).toBe(7.4);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H')).toBe(9.8);
    expect(cvss3BaseScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N')).toBe(6.1);
    expect(cvss3BaseScore('CVSS:3.0/AV:L/AC:L/PR:L/UI:N/S:U/C:N/I:N/A:N')).toBe(0);
    expect(() => cvss3BaseScore('CVSS:3.1/AV:X/AC:L')).toThrow(/AV/);
  });
});

describeShared('known-vulnerable npm sample: exactly its three advisories from every lock format', () => {
  const lockfiles = () => [
    ...fs.readdirSync(KV()).filter((n) => /^(?:package-lock.*\.json|yarn\.lock|pnpm-lock\.yaml)$/.test(n)).map((n) => KV(n)),
    ...['yarn.lock', 'pnpm-lock.yaml', 'yarn-berry/yarn.lock', 'pnpm-v6/pnpm-lock.yaml', 'pnpm-v5/pnpm-lock.yaml'].map((n) => path.join(FIX, 'known-vulnerable', n)),
  ];

  it.each([['osv-dir'], ['osv-zip']])('matches with advisories from %s', async (mode) => {
    let osvDir = KV('osv');
    if (mode === 'osv-zip') {
      osvDir = tempDir();
      fs.mkdirSync(path.join(osvDir, 'npm'));
      const entries: Record<string, string> = {};
      for (const f of fs.readdirSync(KV('osv'))) entries[f] = fs.readFileSync(KV('osv', f), 'utf8');
      writeZip(path.join(osvDir, 'npm', 'all.zip'), entries);
    }
    const files = lockfiles();
    expect(files.length).toBeGreaterThanOrEqual(8);
    for (const file of files) {
      const r = await scanDependencies({ root: file, osvDir });
      expect([file, r.findings.map(summary).sort()]).toEqual([file, EXPECTED]);
      const lock = r.lockfiles[0];
      expect(lock.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(['axios@0.21.0', 'follow-redirects@1.16.3', 'lodash@4.17.4', 'minimist@0.0.8', 'node-fetch@2.6.0']);
      expect(lock.packages.filter((p) => p.direct).map((p) => p.name).sort()).toEqual(['axios', 'lodash', 'minimist', 'node-fetch']);
      for (const f of r.findings) expect(f.line).toBeGreaterThan(0);
    }
  });

  it('fails the default gate through the CLI with rule, file, line, package and version in JSON', async () => {
    const r = await cli(['scan', 'deps', KV(), '--osv-dir', KV('osv'), '--format', 'json']);
    expect(r.exitCode).toBe(1);
    const data = JSON.parse(r.stdout);
    expect(data.verdict).toBe('fail');
    // The lockfiles side by side are one project: each vulnerability once, naming the other files.
    expect(data.findings.map(summary).sort()).toEqual(EXPECTED);
    const lockNames = fs.readdirSync(KV()).filter((n) => /^(?:package-lock.*\.json|yarn\.lock|pnpm-lock\.yaml)$/.test(n)).sort();
    for (const f of data.findings) {
      expect([f.file, ...f.alsoIn].sort()).toEqual(lockNames);
      expect(f).toMatchObject({ file: lockNames[0], line: expect.any(Number), ecosystem: 'npm', fixedIn: expect.any(String) });
    }
    expect(data.findings.find((f: { rule: string }) => f.rule === 'GHSA-xvch-5gv4-984h')).toMatchObject({ cvssScore: 9.8, aliases: ['CVE-2021-44906'], fixedIn: '0.2.4' });
  });

  it('passes with --fail-on critical only when the allowlist accepts the two criticals (with reasons)', async () => {
    const dir = tempDir();
    const allow = path.join(dir, 'allow.yaml');
    fs.writeFileSync(allow, 'allow:\n  - id: CVE-2019-10744\n    reason: lodash only used at build time\n    expires: 2999-12-31\n  - id: GHSA-xvch-5gv4-984h\n    package: minimist\n    reason: argv is not attacker controlled\n');
    const r = await cli(['scan', 'deps', KV('package-lock.v3.json'), '--osv-dir', KV('osv'), '--fail-on', 'critical', '--allowlist', allow, '--format', 'json']);
    const data = JSON.parse(r.stdout);
    expect(data.findings.map(summary)).toEqual(['GHSA-p6mc-m468-83gw lodash@4.17.4 high']);
    expect(data.suppressed.map((s: { rule: string }) => s.rule).sort()).toEqual(['GHSA-jf85-cpcp-j695', 'GHSA-xvch-5gv4-984h']);
    expect(r.exitCode).toBe(0);
    expect(data.verdict).toBe('warn');
  });
});

describeShared('real lockfiles', () => {
  it('parses every real lockfile with exact versions and direct dependencies marked', () => {
    const locks = findLockfiles(sharedPath('fixtures/lockfiles/real'));
    const formats = locks.map((l) => l.format.split(' ')[0]);
    for (const f of ['package-lock', 'yarn', 'pnpm', 'requirements.txt', 'Pipfile.lock', 'poetry.lock', 'uv.lock', 'go.mod', 'Cargo.lock']) expect(formats).toContain(f);
    for (const lock of locks) {
      expect([lock.file, lock.packages.length > 0]).toEqual([lock.file, true]);
      for (const p of lock.packages) {
        expect(p.name).toBeTruthy();
        expect(p.version).toMatch(/^v?\d/);
      }
    }
    const by = (file: string) => locks.find((l) => l.file.startsWith(file))!;
    expect(by('npm-v3/').packages.filter((p) => p.name === '@actions/core').map((p) => `${p.version} ${p.direct}`).sort()).toEqual(['1.11.1 true', '2.0.1 false']);
    expect(by('cargo/').packages.length).toBe(236); // 241 entries minus the 5 workspace members
    expect(by('uv/').packages.length).toBe(22); // 23 entries minus the project itself
    expect(by('poetry/').packages.length).toBe(49);
    expect(by('go/').packages.filter((p) => p.direct).length).toBeGreaterThan(0);
    expect(by('pipenv/').packages.filter((p) => p.dev).length).toBeGreaterThan(0);
  });

  it('reports an unreadable lockfile by name with exit code 2, unless it is excluded', async () => {
    const dir = writeTree(tempDir(), { 'fixtures/broken/package-lock.json': '{ "lockfileVersion": 3, "packages": ' });
    const r = await cli(['scan', 'deps', dir, '--osv-dir', KV('osv')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/fixtures\/broken\/package-lock\.json: cannot read lockfile/);
    const excluded = await cli(['scan', 'deps', dir, '--osv-dir', KV('osv'), '--exclude', 'fixtures/**', '--format', 'json']);
    expect([excluded.exitCode, JSON.parse(excluded.stdout).notes]).toEqual([0, ['Dependencies: no lockfile found.']]);
  });
});

describeShared('osv-scalibr parser edge cases', () => {
  const T = (...p: string[]) => sharedPath('fixtures/lockfiles/osv-scalibr-testdata', ...p);
  const NAMES: Record<string, string> = { packagelockjson: 'package-lock.json', yarnlock: 'yarn.lock', pnpmlock: 'pnpm-lock.yaml', requirements: 'requirements.txt', poetrylock: 'poetry.lock', pipfilelock: 'Pipfile.lock', uvlock: 'uv.lock', gomod: 'go.mod', cargolock: 'Cargo.lock' };
  /** Each case under the file name its reader expects (the upstream names are test names). */
  function read(kind: string, file: string) {
    const dir = tempDir();
    const dest = path.join(dir, NAMES[kind]);
    fs.copyFileSync(T(file), dest);
    return readLockfile(dest, NAMES[kind]);
  }
  const list = (kind: string, file: string) => read(kind, file).packages.map((p) => `${p.name}@${p.version}${p.direct ? '*' : ''}`).sort();

  it('reads every case or rejects it as bad input, never crashing', () => {
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
    let parsed = 0;
    for (const file of walk(T())) {
      const kind = Object.keys(NAMES).find((k) => file.includes(`/${k}/`));
      if (!kind) continue;
      try {
        read(kind, path.relative(T(), file));
        parsed++;
      } catch (err) {
        expect([file, (err as Error).constructor.name]).toEqual([file, 'InputError']);
      }
    }
    expect(parsed).toBeGreaterThan(100);
  });

  it('handles aliases, quoted yarn keys, pnpm 5.3 to 9 and requirement includes, options and variables', () => {
    expect(list('packagelockjson', 'javascript/packagelockjson/testdata/alias.v2.json')).toEqual(['@babel/code-frame@7.0.0*', 'string-width@4.2.0*', 'string-width@5.1.2*']);
    expect(list('yarnlock', 'javascript/yarnlock/testdata/with-quotes.v1.lock')).toEqual(['concat-map@0.0.1', 'concat-stream@1.6.2']);
    for (const v of ['v53', 'v54', 'v6', 'v9']) expect(list('pnpmlock', `javascript/pnpmlock/testdata/mixed-groups.${v}.yaml`)).toHaveLength(3);
    expect(list('requirements', 'python/requirements/testdata/env_var.txt')).toEqual(['another@1.0*', 'asdf@1.2*']);
    expect(list('gomod', 'golang/gomod/testdata/replace-one.mod')).toEqual(['example.com/fork/net@v1.4.5*']);
    expect(() => read('gomod', 'golang/gomod/testdata/not-go-mod.mod')).toThrow(/not a go\.mod line/);
  });
});

describe('other ecosystems (own fixtures and advisories)', () => {
  it('applies PEP 440, Go and Cargo ordering, last_affected, replace directives and -r includes', async () => {
    const root = path.join(FIX, 'polyglot');
    const r = await scanDependencies({ root, osvDir: path.join(root, 'osv') });
    const got = r.findings.map((f) => `${f.file}:${f.line ?? '-'} ${f.rule} ${f.package}@${f.version} ${f.severity}`).sort();
    expect(got).toEqual(
      [
        'Cargo.lock:12 PAVED-TEST-RS-1 smallvec@1.6.0 critical',
        'go.mod:6 PAVED-TEST-GO-1 github.com/example/router@v1.2.3 high',
        'requirements-dev.txt:1 PAVED-TEST-PY-2 pytest@8.0.0rc1 low',
        'requirements.txt:2 PAVED-TEST-PY-1 django@4.1.post1 medium',
      ].sort(),
    );
    expect(r.findings.find((f) => f.rule === 'PAVED-TEST-PY-1')!.alsoIn).toEqual(['requirements-dev.txt']);
    const go = r.lockfiles.find((l) => l.file === 'go.mod')!;
    expect(go.packages.find((p) => p.name === 'golang.org/x/text')).toMatchObject({ direct: false });
    expect(go.packages.find((p) => p.name === 'github.com/example/yaml')).toMatchObject({ version: 'v2.4.1+incompatible' });
  });
});

describe('advisory sources', () => {
  it('reads zip entries written by a standard deflating writer', () => {
    const dir = tempDir();
    writeZip(path.join(dir, 'a.zip'), { 'x/A-1.json': '{"id":"A-1"}', 'B-2.json': 'x'.repeat(5000) });
    const entries = readZip(fs.readFileSync(path.join(dir, 'a.zip')));
    expect(entries.map((e) => e.name)).toEqual(['x/A-1.json', 'B-2.json']);
    expect(entries[1].read().toString()).toBe('x'.repeat(5000));
    expect(() => readZip(Buffer.from('not a zip at all, just text that is long enough'))).toThrow(/not a zip/);
  });

  describeShared('the OSV API (loopback emulator)', () => {
    let emulator: HttpEmulator;
    let url: string;
    const records = Object.fromEntries(fs.readdirSync(KV('osv')).map((f) => [f.replace('.json', ''), JSON.parse(fs.readFileSync(KV('osv', f), 'utf8'))]));

    beforeEach(async () => {
      emulator = new HttpEmulator()
        .on('POST', '/v1/querybatch', (req) => ({
          body: {
            results: req.json.queries.map((q: { package: { name: string }; version: string }) => ({
              vulns: Object.values(records)
                .filter((r: any) => r.affected.some((a: any) => a.package.name === q.package.name))
                .map((r: any) => ({ id: r.id, modified: r.modified })),
            })),
          },
        }))
        .on('GET', '/v1/vulns/:id', (req) => (records[req.params.id] ? { body: records[req.params.id] } : { status: 404, body: { message: 'not found' } }));
      url = await emulator.start();
    });
    afterEach(() => emulator.stop());

    it('queries once per batch, fetches each advisory once, retries a 503 and finds the same three', async () => {
      emulator.fault('POST', '/v1/querybatch', { status: 503, headers: { 'retry-after': '0' } });
      const r = await scanDependencies({ root: KV('package-lock.v2.json'), osvUrl: url, sleep: async () => undefined });
      expect(r.findings.map(summary).sort()).toEqual(EXPECTED);
      expect(emulator.count('POST', '/v1/querybatch')).toBe(2);
      expect(emulator.count('GET', '/v1/vulns/')).toBe(3);
      expect(r.advisorySource).toMatch(/OSV API at http:\/\/127\.0\.0\.1/);
    });

    it('fails with exit 2 and writes no partial report when the API keeps answering 500', async () => {
      emulator.fault('POST', '/v1/querybatch', { status: 500, body: { message: 'boom' }, times: 100 });
      const out = tempDir();
      const sbom = path.join(out, 'sbom.json');
      const sarif = path.join(out, 'r.sarif');
      const r = await cli(['scan', 'deps', KV('package-lock.v2.json'), '--osv-url', url, '--sbom', sbom, '--sarif-output', sarif], {});
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/OSV API: POST .*querybatch (answered|failed)/);
      expect(fs.existsSync(sbom) || fs.existsSync(sarif)).toBe(false);
    }, 120000);

    it('refuses plain http to a non-loopback host', async () => {
      const r = await cli(['scan', 'deps', KV('package-lock.v2.json'), '--osv-url', 'http://osv.example.com']);
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/not allowed/);
    });
  });
});

describeShared('without advisory data', () => {
  it('says so in the verdict: fail by default, warn when asked', async () => {
    let r = await cli(['scan', 'deps', KV(), '--format', 'json']);
    expect(r.exitCode).toBe(1);
    let data = JSON.parse(r.stdout);
    expect(data.verdict).toBe('fail');
    expect(data.deps.advisoriesAvailable).toBe(false);
    expect(data.notes.join(' ')).toMatch(/NOT checked: no advisory data/);
    r = await cli(['scan', 'deps', KV(), '--on-missing-advisories', 'warn', '--format', 'json']);
    data = JSON.parse(r.stdout);
    expect([r.exitCode, data.verdict]).toEqual([0, 'warn']);
  });
});

describeShared('CycloneDX SBOM', () => {
  it('lists every pinned package with purl, scope and the vulnerabilities found', async () => {
    const out = path.join(tempDir(), 'bom.json');
    await cli(['scan', 'deps', KV('package-lock.v3.json'), '--osv-dir', KV('osv'), '--sbom', out]);
    const bom = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(bom).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1 });
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
    expect(bom.components.map((c: { purl: string }) => c.purl).sort()).toEqual([
      'pkg:npm/axios@0.21.0',
      'pkg:npm/follow-redirects@1.16.3',
      'pkg:npm/lodash@4.17.4',
      'pkg:npm/minimist@0.0.8',
      'pkg:npm/node-fetch@2.6.0',
    ]);
    expect(bom.components.find((c: { name: string }) => c.name === 'node-fetch').scope).toBe('optional');
    expect(bom.vulnerabilities.map((v: { id: string }) => v.id).sort()).toEqual(EXPECTED.map((e) => e.split(' ')[0]));
    expect(bom.vulnerabilities.find((v: { id: string }) => v.id === 'GHSA-jf85-cpcp-j695').ratings[0]).toMatchObject({ score: 9.1, method: 'CVSSv31' });
  });
});
