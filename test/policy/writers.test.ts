import * as fs from 'node:fs';
import Ajv from 'ajv';
import { XMLParser } from 'fast-xml-parser';
import { checkOutcome } from '../../src/policy/outcome';
import type { CheckReport } from '../../src/policy/types';
import { checkCodeQuality } from '../../src/policy/writers/codequality';
import { checkGithub } from '../../src/policy/writers/github';
import { checkJUnit } from '../../src/policy/writers/junit';
import { checkMarkdown } from '../../src/policy/writers/markdown';
import { checkSarif } from '../../src/policy/writers/sarif';
import { renderTable } from '../../src/policy/writers/table';
import { describeShared, sharedPath } from '../helpers/shared';

/** A report as the check core builds it: one plan file, one namespace, a failure, a warning, an exception, a pass. */
function sampleReport(): CheckReport {
  return {
    engine: 'builtin',
    verdict: 'fail',
    failOnWarn: false,
    summary: { files: 1, documents: 1, namespaces: ['paved.plan'], successes: 1, failures: 1, warnings: 1, exceptions: 1 },
    results: [
      {
        filename: 'plan.json',
        namespace: 'paved.plan',
        successes: 1,
        failures: [
          {
            msg: 'aws_s3_bucket.site: ACL "public-read" makes the bucket public',
            metadata: { query: 'data.paved.plan.deny_public_storage', resource: 'aws_s3_bucket.site', policy: 'public_storage' },
            rule: 'deny_public_storage',
            namespace: 'paved.plan',
            resource: 'aws_s3_bucket.site',
            loc: { file: 'plan.json', line: 12 },
          },
        ],
        warnings: [{ msg: 'a | pipe\nand newline', metadata: { query: 'data.paved.plan.warn_x' }, rule: 'warn_x', namespace: 'paved.plan', loc: { file: 'plan.json', line: 1 } }],
        exceptions: [{ msg: 'data.paved.plan.exception[_][_] == "tags"', metadata: { query: 'data.paved.plan.exception' }, rule: 'deny_tags', namespace: 'paved.plan' }],
        decisions: [
          { namespace: 'paved.plan', rule: 'deny_public_storage', kind: 'failure', decision: 'fail', findings: 1, title: 'No publicly readable storage', description: 'Buckets must not be public.', severity: 'critical' },
          { namespace: 'paved.plan', rule: 'warn_x', kind: 'warning', decision: 'warn', findings: 1 },
          { namespace: 'paved.plan', rule: 'deny_tags', kind: 'failure', decision: 'exception', findings: 0 },
          { namespace: 'paved.plan', rule: 'deny_region', kind: 'failure', decision: 'pass', findings: 0 },
        ],
      },
    ],
  };
}

describe('report writers', () => {
  it('table: one row per finding and a conftest-style tally naming the engine', () => {
    const text = renderTable(sampleReport());
    expect(text).toContain('FAIL    plan.json:12  paved.plan  aws_s3_bucket.site: ACL "public-read" makes the bucket public');
    expect(text).toContain('EXCP');
    expect(text.trim().split('\n').pop()).toBe('4 tests, 1 passed, 1 warning, 1 failure, 1 exception (engine: builtin)');
  });

  it('markdown: verdict, engine, and a decision per rule with the resource', () => {
    const md = checkMarkdown(sampleReport());
    expect(md).toMatch(/^### ❌ Policy check failed: 1 failure, 1 warning/);
    expect(md).toContain('(engine: builtin)');
    expect(md).toContain('| `paved.plan.deny_public_storage` No publicly readable storage (critical) | ❌ fail | plan.json:12 | `aws_s3_bucket.site` |');
    expect(md).toContain('| `paved.plan.deny_region` | ✅ pass |');
    expect(md).toContain('| `paved.plan.deny_tags` | ➖ exception |');
    expect(md).toContain('a \\| pipe<br>and newline');
  });

  it('junit: a case per rule, failures with every message, unique names', () => {
    const xml = checkJUnit(sampleReport());
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    const suite = doc.testsuites.testsuite;
    expect(suite['@_name']).toBe('plan.json');
    expect(suite['@_failures']).toBe('1');
    const cases = suite.testcase as Array<Record<string, unknown>>;
    expect(cases.map((c) => c['@_name'])).toEqual(['paved.plan.deny_public_storage', 'paved.plan.warn_x', 'paved.plan.deny_tags', 'paved.plan.deny_region']);
    expect((cases[0].failure as Record<string, string>)['#text']).toContain('makes the bucket public');
    expect(cases[2].skipped).toBeDefined();
    expect(doc.testsuites['@_name']).toContain('engine: builtin');
  });

  it('github: workflow commands with escaped properties and data', () => {
    const lines = checkGithub(sampleReport()).trim().split('\n');
    expect(lines[0]).toBe("::group::Testing 'plan.json' against 1 namespace(s) (engine: builtin)");
    expect(lines).toContain('::error file=plan.json,line=12,title=paved.plan.deny_public_storage (aws_s3_bucket.site)::aws_s3_bucket.site: ACL "public-read" makes the bucket public');
    expect(lines).toContain('::warning file=plan.json,line=1,title=paved.plan.warn_x::a | pipe%0Aand newline');
    expect(lines[lines.length - 1]).toBe('::endgroup::');
  });

  it('sarif: rules per policy rule, located results, suppressed exceptions', () => {
    const sarif = JSON.parse(checkSarif(sampleReport()));
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(['paved/plan/deny_public_storage', 'paved/plan/warn_x', 'paved/plan/deny_tags', 'paved/plan/deny_region']);
    expect(run.results[0]).toMatchObject({ ruleId: 'paved/plan/deny_public_storage', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'plan.json' }, region: { startLine: 12 } } }] });
    expect(run.results[2].suppressions).toEqual([{ kind: 'external', justification: 'data.paved.plan.exception[_][_] == "tags"' }]);
    expect(run.properties.engine).toBe('builtin');
    expect(run.tool.driver.rules[0]).toMatchObject({ shortDescription: { text: 'No publicly readable storage' }, fullDescription: { text: 'Buckets must not be public.' }, properties: { 'security-severity': '9.5' } });
  });

  it('codequality: GitLab Code Quality issues with stable fingerprints, waived rules left out', () => {
    const issues = JSON.parse(checkCodeQuality(sampleReport()));
    expect(issues.map((i: { check_name: string; severity: string }) => [i.check_name, i.severity])).toEqual([
      ['paved.plan.deny_public_storage', 'major'],
      ['paved.plan.warn_x', 'minor'],
    ]);
    expect(issues[0].location).toEqual({ path: 'plan.json', lines: { begin: 12 } });
    expect(issues[0].fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(checkCodeQuality(sampleReport()))[0].fingerprint).toBe(issues[0].fingerprint);
  });

  it('outcome: exit code, outputs and annotations from the same report', () => {
    const outcome = checkOutcome(sampleReport(), [{ path: 'policy.sarif', kind: 'sarif' }]);
    expect(outcome.exitCode).toBe(1);
    expect(outcome.outputs).toMatchObject({ verdict: 'fail', failures: '1', warnings: '1', exceptions: '1', engine: 'builtin', 'sarif-file': 'policy.sarif' });
    expect(outcome.annotations.map((a) => a.level)).toEqual(['error', 'warning']);
    const warnOnly = { ...sampleReport(), verdict: 'warn' as const, failOnWarn: true };
    expect(checkOutcome(warnOnly).exitCode).toBe(1);
    expect(checkOutcome({ ...warnOnly, failOnWarn: false }).exitCode).toBe(0);
  });
});

describeShared('SARIF output against the official schema', () => {
  it('validates against the SARIF 2.1.0 schema (SchemaStore draft-07 port)', () => {
    const schema = JSON.parse(fs.readFileSync(sharedPath('schemas-external', 'sarif', 'sarif-2.1.0.schemastore.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const ok = validate(JSON.parse(checkSarif(sampleReport())));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('validates against the OASIS SARIF 2.1.0 schema (draft-04)', () => {
    const AjvDraft4 = require('ajv-draft-04');
    const schema = JSON.parse(fs.readFileSync(sharedPath('schemas-external', 'sarif', 'sarif-schema-2.1.0.oasis-errata01.json'), 'utf8'));
    const ajv = new AjvDraft4({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    validate(JSON.parse(checkSarif(sampleReport())));
    expect(validate.errors ?? []).toEqual([]);
  });
});
