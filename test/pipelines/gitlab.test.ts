// Every GitLab template: a documented spec:inputs header, valid against GitLab's ci.json once its
// inputs are interpolated, and the deploy controls the platform promises (manual, protected
// production; one deploy per environment; reports as artifacts).

import * as fs from 'node:fs';
import Ajv from 'ajv';
import YAML from 'yaml';
import { auditGitlabCi } from '../../src/scan/sast';
import { interpolate, parseTemplate, validateInputs, type InputSpec } from '../../src/pipelines/gitlab-inputs';
import { gitlabTemplates } from '../helpers/pipeline-files';
import { describeShared, sharedPath } from '../helpers/shared';

const EXPECTED = ['quality-gates', 'security-scanning', 'infra-plan-apply', 'python-fly', 'python-aks', 'python-functions', 'nextjs-frontend', 'databricks-jobs'];

/** A value of the right type for every input that has no default, so the template can be rendered. */
function sampleInputs(inputs: Record<string, InputSpec>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    if (spec.default !== undefined) continue;
    if (spec.options) values[name] = spec.options[0];
    else values[name] = { number: 1, boolean: true, array: ['x'], string: 'example' }[spec.type ?? 'string'];
  }
  return values;
}

function render(t: { file: string; text: string }) {
  const template = parseTemplate(t.file, t.text);
  const { values, errors } = validateInputs(template, sampleInputs(template.inputs));
  expect(errors).toEqual([]);
  return YAML.parse(interpolate(template, values), { customTags: [{ tag: '!reference', collection: 'seq', resolve: (v: unknown) => v }] });
}

const jobsOf = (config: Record<string, any>) =>
  Object.entries(config).filter(([name, job]) => !name.startsWith('.') && job && typeof job === 'object' && ('script' in job || 'extends' in job || 'trigger' in job));

describe('GitLab templates', () => {
  const templates = gitlabTemplates();

  it('ships one template per pipeline the seed names', () => {
    expect(templates.map((t) => t.name).sort()).toEqual(expect.arrayContaining(EXPECTED.sort()));
  });

  it.each(templates.map((t) => [t.file, t] as const))('%s documents every input in its spec header', (_f, t) => {
    expect(t.spec?.inputs).toBeDefined();
    for (const [name, spec] of Object.entries<any>(t.spec.inputs)) {
      expect({ name, description: typeof spec?.description === 'string' && spec.description.length > 0 }).toEqual({ name, description: true });
    }
    // Templates whose jobs run paved pin its version; a trigger-only template runs no paved at all.
    if (t.bodyText.includes('script:')) expect(t.spec.inputs.paved_version?.default).toMatch(/^v\d+/);
  });

  it.each(templates.map((t) => [t.file, t] as const))('%s passes inputs to scripts only through variables', (_f, t) => {
    for (const [name, job] of jobsOf(t.body ?? {})) {
      const scripts = [job.script, job.before_script, job.after_script].flat().filter((s) => typeof s === 'string');
      expect({ job: name, interpolatedInScript: scripts.some((s: string) => s.includes('$[[')) }).toEqual({ job: name, interpolatedInScript: false });
    }
  });

  it.each(templates.filter((t) => t.bodyText.includes('script:')).map((t) => [t.file, t] as const))('%s runs the paved CLI of its own release', (_f, t) => {
    expect(t.text).toContain('$PAVED_HOME/dist/cli/index.js');
    expect(t.text).not.toMatch(/npx\s+paved|paved@latest/);
  });

  it.each(templates.map((t) => [t.file, t] as const))('%s deploys one at a time per environment, production manual and protected', (_f, t) => {
    const config = render(t);
    for (const [name, job] of jobsOf(config)) {
      if (!job.environment) continue;
      const env = typeof job.environment === 'string' ? { name: job.environment } : job.environment;
      expect({ job: name, resource_group: typeof job.resource_group }).toEqual({ job: name, resource_group: 'string' });
      if (env.deployment_tier === 'production' || /prod/.test(String(env.name))) {
        expect({ job: name, tier: env.deployment_tier }).toEqual({ job: name, tier: 'production' });
        const manual = job.when === 'manual' || (job.rules ?? []).every((r: any) => r.when === 'manual' || r.when === 'never');
        expect({ job: name, manual }).toEqual({ job: name, manual: true });
        // A manual deploy that may fail would let the pipeline pass without production being updated;
        // a manual rollback job, by contrast, must not block the pipeline while nobody needs it.
        if (!name.includes('rollback')) expect({ job: name, allowFailure: job.allow_failure ?? false }).toEqual({ job: name, allowFailure: false });
      }
    }
  });
});

describeShared("GitLab templates against GitLab's ci.json", () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const schema = ajv.compile(JSON.parse(fs.readFileSync(sharedPath('schemas-external/gitlab/gitlab-ci.json'), 'utf8')));
  it.each(gitlabTemplates().map((t) => [t.file, t] as const))('%s is valid once interpolated', (_f, t) => {
    const config = render(t);
    const valid = schema(config);
    expect(valid ? [] : schema.errors!.slice(0, 5).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
  });
});

describe('the security-scan step finds nothing in the templates we ship', () => {
  it.each(gitlabTemplates().map((t) => [t.file, t] as const))('%s', (_f, t) => {
    expect(auditGitlabCi(t.text, t.file).map((f) => `${f.rule} line ${f.line}: ${f.message}`)).toEqual([]);
  });
});
