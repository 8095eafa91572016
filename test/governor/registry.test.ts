// The project registry: seed 001's example validates, mistakes are reported at file:line:col, and
// the audit's write-back changes only last_audit / compliance_status, keeping comments and quoting.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { PavedError } from '../../src/platform/errors';
import { parseRegistry, tierOf, updateRegistryText } from '../../src/governor/registry';
import { describeShared, sharedPath } from '../helpers/shared';

const SEED_SHAPE = `# ~/.claude/devops/project_registry.yaml
projects:
  - slug: "app-web"
    repo: "gitlab.com/your-org/apps/app-web"
    deployment_targets:
      - type: fly
        environments: [dev, prod]
    ci_template: "python-fly.yml"
    last_audit: "2026-02-01"
    compliance_status: compliant

  - slug: "app-api"   # the API
    repo: "gitlab.com/your-org/apps/app-api"
    deployment_targets:
      - type: aks
        environments: [dev, staging, prod]
    ci_template: "python-aks.yml"
`;

function problemOf(text: string): PavedError {
  try {
    parseRegistry(text, 'registry.yaml');
  } catch (err) {
    return err as PavedError;
  }
  throw new Error('expected the registry to be rejected');
}

describe('project registry', () => {
  it('reads the seed registry shape and infers platform, tiers and paths', () => {
    const reg = parseRegistry(SEED_SHAPE, 'registry.yaml');
    expect(reg.projects.map((p) => p.slug)).toEqual(['app-web', 'app-api']);
    const api = reg.projects[1];
    expect(api).toMatchObject({ platform: 'gitlab', host: 'gitlab.com', repoPath: 'your-org/apps/app-api', ciTemplate: 'python-aks.yml' });
    expect(api.deploymentTargets[0].environments.map((e) => e.tier)).toEqual(['development', 'staging', 'production']);
    expect(reg.platform.gitlabHost).toBe('gitlab.com');
  });

  it.each([
    ['prod', 'production'],
    ['production-eu', 'production'],
    ['stage', 'staging'],
    ['uat', 'staging'],
    ['dev', 'development'],
    ['review-123', 'development'],
  ])('environment %s is tier %s', (name, tier) => {
    expect(tierOf(name)).toBe(tier);
  });

  it('names the line and column of a bad deployment type and lists the allowed ones', () => {
    const err = problemOf(SEED_SHAPE.replace('type: aks', 'type: ecs'));
    expect(err.exitCode).toBe(2);
    expect(err.message).toContain('registry.yaml:15:15: projects[1].deployment_targets[0].type: must be one of: fly, aks, azure-functions, databricks');
  });

  it('points at an unknown field, a missing field and a bad status, all at once', () => {
    const text = SEED_SHAPE.replace('    ci_template: "python-aks.yml"\n', '    ci_templat: "python-aks.yml"\n').replace('compliance_status: compliant', 'compliance_status: green');
    const err = problemOf(text);
    expect(err.message).toContain('(3 problems)');
    expect(err.message).toMatch(/registry\.yaml:10:24: projects\[0\]\.compliance_status: must be one of: compliant, drifting, non_compliant, unknown/);
    expect(err.message).toMatch(/registry\.yaml:12:5: projects\[1\]: missing required field "ci_template"/);
    expect(err.message).toMatch(/registry\.yaml:17:5: projects\[1\]\.ci_templat: unknown field "ci_templat"/);
  });

  it('explains an unquoted all-digit SHA that YAML read as a number', () => {
    const text = `platform:\n  github: acme/paved\n  releases:\n    - { tag: v1.0.0, sha: 1234567890123456789012345678901234567890 }\n${SEED_SHAPE}`;
    expect(problemOf(text).message).toMatch(/platform\.releases\[0\]\.sha: must be a string: YAML read the unquoted 1234567890123456789012345678901234567890 as a number, so put it in quotes/);
  });

  it('rejects duplicate slugs at the second one', () => {
    const err = problemOf(SEED_SHAPE.replace('slug: "app-api"', 'slug: "app-web"'));
    expect(err.message).toMatch(/registry\.yaml:12:11: projects\[1\]\.slug: duplicate slug "app-web"/);
  });

  it('reports a YAML syntax error with its position', () => {
    const err = problemOf('projects:\n  - slug: [unclosed\n');
    expect(err.message).toContain('not valid YAML');
    expect(err.context.file).toMatch(/^registry\.yaml:\d+:\d+$/);
  });

  it('writes back only last_audit and compliance_status, keeping comments and quotes', () => {
    const reg = parseRegistry(SEED_SHAPE, 'registry.yaml');
    const out = updateRegistryText(reg, [
      { slug: 'app-web', date: '2026-03-02', status: 'drifting' },
      { slug: 'app-api', date: '2026-03-02', status: 'non_compliant' },
    ]);
    expect(out).toContain('# ~/.claude/devops/project_registry.yaml');
    expect(out).toContain('slug: "app-api"   # the API');
    expect(out).toContain('environments: [dev, prod]');
    expect(out.replace(/\n {4}(last_audit|compliance_status): .*/g, '')).toBe(SEED_SHAPE.replace(/\n {4}(last_audit|compliance_status): .*/g, ''));
    expect(out).toContain('last_audit: "2026-03-02"\n    compliance_status: drifting');
    expect(out).toMatch(/ci_template: "python-aks.yml"\n {4}last_audit: "2026-03-02"\n {4}compliance_status: non_compliant/);
    expect(parseRegistry(out, 'registry.yaml').projects.map((p) => p.complianceStatus)).toEqual(['drifting', 'non_compliant']);
  });

  it('paved registry validate exits 0 on a valid file and 2 with located problems', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-registry-'));
    fs.writeFileSync(path.join(dir, 'ok.yaml'), SEED_SHAPE);
    fs.writeFileSync(path.join(dir, 'bad.yaml'), SEED_SHAPE.replace('repo: "gitlab.com/your-org/apps/app-web"', 'repo: "app-web"'));
    const ok = await runCli(['registry', 'validate', 'ok.yaml'], { cwd: dir });
    expect(ok.exitCode).toBe(0);
    const bad = await runCli(['registry', 'validate', 'bad.yaml'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/bad\.yaml:4:11: projects\[0\]\.repo: must match pattern/);
  });
});

describeShared('seed 001 registry', () => {
  it('the registry in seed 001 validates as written', () => {
    const seed = fs.readdirSync(sharedPath('seeds')).find((f) => f.startsWith('001_'))!;
    const text = fs.readFileSync(sharedPath('seeds', seed), 'utf8');
    const yaml = text.slice(text.indexOf('projects:', text.indexOf('project_registry.yaml')), text.indexOf('```', text.indexOf('project_registry.yaml')));
    const reg = parseRegistry(yaml, 'seed-001');
    expect(reg.projects.map((p) => p.slug)).toEqual(['app-web', 'app-api', 'event-processor', 'analytics-pipeline']);
    expect(reg.projects.map((p) => p.deploymentTargets[0].type)).toEqual(['fly', 'aks', 'azure-functions', 'databricks']);
  });
});
