import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import YAML from 'yaml';
import { runCli } from '../../src/cli/main';
import { templateCommands } from '../../src/pipelines/cli';
import { interpolate, parseInputArgument, parseTemplate, validateInputs } from '../../src/pipelines/gitlab-inputs';

const TEMPLATE = `spec:
  inputs:
    stage:
      default: test
    image:
      description: required, no default
    parallel:
      type: number
      default: 1
    allow_failure:
      type: boolean
      default: false
    tier:
      options: [dev, staging, production]
      default: dev
    version:
      regex: ^v\\d+$
      default: v1
---
job:
  stage: $[[ inputs.stage ]]
  image: $[[ inputs.image ]]
  parallel: $[[ inputs.parallel ]]
  allow_failure: $[[ inputs.allow_failure ]]
  script:
    - echo "deploying to $[[ inputs.tier ]] with $[[ inputs.version ]]"
`;

describe("GitLab spec:inputs, checked as GitLab checks them", () => {
  const template = parseTemplate('t.yml', TEMPLATE);

  it('reports unknown arguments, missing required values and wrong types in GitLab\'s words', () => {
    const { errors } = validateInputs(template, { test: 'x', parallel: 'two', allow_failure: 'no' });
    expect(errors).toEqual([
      'unknown input arguments: test',
      '`image` input: required value has not been provided',
      '`parallel` input: provided value is not a number',
      '`allow_failure` input: provided value is not a boolean',
    ]);
  });

  it('enforces options and regex', () => {
    const { errors } = validateInputs(template, { image: 'node', tier: 'qa', version: 'latest' });
    expect(errors).toEqual([
      '`tier` input: `qa` cannot be used because it is not in the list of allowed options',
      '`version` input: provided value does not match required RegEx pattern',
    ]);
  });

  it('interpolates typed values, keeping whole-scalar types and inserting text inside strings', () => {
    const { values, errors } = validateInputs(template, { image: 'node:24', parallel: 3, tier: 'production' });
    expect(errors).toEqual([]);
    const config = YAML.parse(interpolate(template, values));
    expect(config.job).toEqual({
      stage: 'test',
      image: 'node:24',
      parallel: 3,
      allow_failure: false,
      script: ['echo "deploying to production with v1"'],
    });
  });

  it('reads command-line NAME=VALUE as YAML scalars', () => {
    expect(parseInputArgument('min=80')).toEqual(['min', 80]);
    expect(parseInputArgument('flag=true')).toEqual(['flag', true]);
    expect(parseInputArgument('cmd=npm run test')).toEqual(['cmd', 'npm run test']);
    expect(() => parseInputArgument('novalue')).toThrow(/expected NAME=VALUE/);
  });

  it('paved template check prints the configuration or fails with exit 2 and GitLab\'s message', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-tpl-'));
    fs.writeFileSync(path.join(dir, 't.yml'), TEMPLATE);
    const ok = await runCli(['template', 'check', 't.yml', '-i', 'image=node:24', '--format', 'json'], { cwd: dir, env: {}, commands: templateCommands });
    expect(ok.exitCode).toBe(0);
    expect(YAML.parse(JSON.parse(ok.stdout).config).job.image).toBe('node:24');
    const bad = await runCli(['template', 'check', 't.yml', '-i', 'image=node', '-i', 'colour=red'], { cwd: dir, env: {}, commands: templateCommands });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('t.yml: unknown input arguments: colour');
  });
});
