import * as fs from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { secrets as redactor } from '../../src/platform/redact';
import { sha256, type Finding } from '../../src/scan/model';
import { SARIF_LIMITS, toSarif } from '../../src/scan/report/sarif';
import { TOOL } from '../../src/scan/step';
import { describeShared, sharedPath } from '../helpers/shared';
import { cli, fake, tempDir, validator, writeTree } from './helpers';

const SARIF_SCHEMAS = [
  ['schemas-external', 'sarif', 'sarif-2.1.0.schemastore.json'],
  ['schemas-external', 'sarif', 'sarif-schema-2.1.0.oasis-errata01.json'],
  ['fixtures', 'sarif', 'schema', 'sarif-schema-2.1.0.json'],
];
const GITLAB = (name: string) => ['schemas-external', 'gitlab', 'security-report-schemas', '15.0.7', name];

afterEach(() => redactor.clear());

function finding(i: number, severity: Finding['severity']): Finding {
  return { kind: 'sast', rule: `rule-${i % 7}`, title: 'Synthetic', message: `synthetic ${i}`, severity, file: `src/f${i}.ts`, line: 1 + (i % 50), fingerprint: sha256(String(i)) };
}

describeShared('reports validate against their official schemas and never carry a found secret', () => {
  let out: string;
  let secretsPlanted: string[];
  let stdout: string;

  beforeAll(async () => {
    const root = tempDir();
    secretsPlanted = [fake.githubToken(), fake.stripeKey(), fake.privateKey()];
    writeTree(root, {
      'app/config.ts': `export const gh = "${secretsPlanted[0]}";\nexport const stripe = "${secretsPlanted[1]}";\n`,
      'keys/deploy.pem': `${secretsPlanted[2]}\n`,
      'package-lock.json': fs.readFileSync(sharedPath('fixtures/lockfiles/known-vulnerable-npm/package-lock.v3.json'), 'utf8'),
      'package.json': fs.readFileSync(sharedPath('fixtures/lockfiles/known-vulnerable-npm/package.json'), 'utf8'),
      '.github/workflows/ci.yml': fs.readFileSync(path.join(__dirname, 'fixtures/pipelines/.github/workflows/unsafe.yml'), 'utf8'),
      '.gitlab-ci.yml': fs.readFileSync(path.join(__dirname, 'fixtures/pipelines/.gitlab-ci.yml'), 'utf8'),
    });
    out = tempDir();
    const r = await cli([
      'scan', 'all', root,
      '--osv-dir', sharedPath('fixtures/lockfiles/known-vulnerable-npm/osv'),
      '--sarif', sharedPath('fixtures/sarif/generated/eslint-security.sarif'),
      '--sarif-output', path.join(out, 'scan.sarif'),
      '--gitlab-reports', out,
      '--sbom', path.join(out, 'sbom.json'),
      '--format', 'json',
    ], {}, root);
    expect(r.exitCode).toBe(1);
    stdout = r.stdout + r.stderr;
  });

  it('SARIF: valid against the OASIS, SchemaStore and upload-sarif schemas; one run per category', () => {
    const sarif = JSON.parse(fs.readFileSync(path.join(out, 'scan.sarif'), 'utf8'));
    for (const schema of SARIF_SCHEMAS) {
      const validate = validator(...schema);
      expect([schema.join('/'), validate(sarif), validate.errors ?? null]).toEqual([schema.join('/'), true, null]);
    }
    expect(sarif.runs.map((r: { automationDetails: { id: string } }) => r.automationDetails.id)).toEqual([
      'paved/security-scan/deps/',
      'paved/security-scan/sast/',
      'paved/security-scan/secrets/',
    ]);
    for (const run of sarif.runs) {
      for (const result of run.results) {
        expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{32}:\d+$/);
        expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      }
      for (const rule of run.tool.driver.rules) {
        expect(rule.properties.tags).toContain('security');
        expect(Number(rule.properties['security-severity'])).toBeGreaterThanOrEqual(0);
      }
    }
    const deps = sarif.runs[0];
    expect(deps.tool.driver.rules.find((r: { id: string }) => r.id === 'GHSA-xvch-5gv4-984h').properties['security-severity']).toBe('9.8');
  });

  it('the upload-sarif schema rejects its own invalid sample (the validator is not vacuous)', () => {
    const invalid = JSON.parse(fs.readFileSync(sharedPath('fixtures/sarif/codeql-action-testdata/invalid-sarif.sarif'), 'utf8'));
    expect(validator(...SARIF_SCHEMAS[2])(invalid)).toBe(false);
  });

  it.each([
    ['gl-secret-detection-report.json', 'secret-detection-report-format.json', 'secret_detection'],
    ['gl-dependency-scanning-report.json', 'dependency-scanning-report-format.json', 'dependency_scanning'],
    ['gl-sast-report.json', 'sast-report-format.json', 'sast'],
  ])('GitLab %s validates against the 15.0.7 schema', (file, schema, type) => {
    const report = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
    const validate = validator(...GITLAB(schema));
    expect([validate(report), validate.errors ?? null]).toEqual([true, null]);
    expect(report.scan.type).toBe(type);
    expect(report.version).toBe('15.0.7');
    expect(report.vulnerabilities.length).toBeGreaterThan(0);
    if (type === 'dependency_scanning') expect(report.dependency_files[0]).toMatchObject({ path: 'package-lock.json', package_manager: 'npm' });
    if (type === 'secret_detection') for (const v of report.vulnerabilities) expect(v.location.commit.sha).toBeTruthy();
  });

  it('no output or report contains any secret it found', () => {
    const written = fs.readdirSync(out).map((f) => fs.readFileSync(path.join(out, f), 'utf8'));
    for (const text of [stdout, ...written]) {
      for (const secret of secretsPlanted) for (const line of secret.split('\n')) expect(text).not.toContain(line);
    }
  });
});

describe('SARIF limits and fingerprints', () => {
  it('keeps the 25 000 most severe results of a run and says how many were dropped', () => {
    const findings = Array.from({ length: SARIF_LIMITS.resultsPerRun + 10 }, (_, i) => finding(i, i < 10 ? 'critical' : 'low'));
    const log = toSarif({ sast: findings }, TOOL) as { runs: Array<{ results: Array<{ level: string }>; properties: { truncated: number } }> };
    expect(log.runs[0].results).toHaveLength(SARIF_LIMITS.resultsPerRun);
    expect(log.runs[0].properties.truncated).toBe(10);
    expect(log.runs[0].results.filter((r) => r.level === 'error')).toHaveLength(10);
  });

  it('drops the least severe results until the gzip size fits', () => {
    const findings = Array.from({ length: 4000 }, (_, i) => finding(i, i % 2 ? 'low' : 'high'));
    const limits = { ...SARIF_LIMITS, gzipBytes: 60 * 1024 };
    const log = toSarif({ sast: findings }, TOOL, limits) as { runs: Array<{ results: Array<{ level: string }> }> };
    expect(gzipSync(JSON.stringify(log)).length).toBeLessThanOrEqual(limits.gzipBytes);
    expect(log.runs[0].results.length).toBeLessThan(4000);
    expect(log.runs[0].results.every((r) => r.level === 'error')).toBe(true);
  });

  it('keeps a secret finding\'s fingerprint when the secret moves to another line', async () => {
    const token = fake.githubToken();
    const dir = writeTree(tempDir(), { 'a.ts': `const t = "${token}";\n` });
    const first = JSON.parse((await cli(['scan', 'secrets', dir, '--format', 'sarif'])).stdout);
    fs.writeFileSync(path.join(dir, 'a.ts'), `\n\n// moved\nconst t = "${token}";\n`);
    const second = JSON.parse((await cli(['scan', 'secrets', dir, '--format', 'sarif'])).stdout);
    const fp = (log: any) => log.runs[0].results[0].partialFingerprints.primaryLocationLineHash;
    expect(second.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBe(4);
    expect(fp(second)).toBe(fp(first));
  });
});
