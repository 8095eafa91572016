import { applyAllowList, parseAllowList } from '../../src/dispatch/allowlist';
import { parseVariables, valuesFor } from '../../src/dispatch/variables';
import { runCli } from '../../src/cli/main';
import { dispatchCommands } from '../../src/dispatch/cli';

const ALLOW = parseAllowList(
  `customers:
  - repository: acme/app
    environments: [staging, production]
variables:
  name: { type: string, pattern: '^[a-z]{3,10}$', required: true }
  size: { enum: [small, large], default: small }
  count: { type: integer, minimum: 1, maximum: 5, environments: { production: { minimum: 2 } } }
  zones: { type: array, max_items: 2, enum: [a, b, c] }
`,
  'allow.yml',
);

describe('customer variables are read defensively', () => {
  it('merges per-environment values over the shared ones', () => {
    const file = parseVariables('version: 1\nvariables:\n  name: shop\n  count: 1\nenvironments:\n  production:\n    count: 3\n', 'v.yml');
    expect(valuesFor(file, 'production')).toEqual({ name: 'shop', count: 3 });
    expect(valuesFor(file, 'staging')).toEqual({ name: 'shop', count: 1 });
  });

  it.each([
    ['anchors', 'version: 1\nvariables:\n  a: &x shop\n  b: *x\n', /anchors and aliases are not allowed/],
    ['application tags', 'version: 1\nvariables:\n  a: !Ref Bucket\n', /tag !Ref is not allowed/],
    ['non-data tags', 'version: 1\nvariables:\n  a: !!binary aGk=\n', /tag tag:yaml.org,2002:binary is not allowed/],
    ['several documents', 'version: 1\nvariables: {}\n---\nversion: 1\nvariables: {}\n', /exactly one YAML document \(found 2\)/],
    ['unknown top-level keys', 'version: 1\nvariables: {}\nbackend: {key: x}\n', /must NOT have additional properties \(backend\)/],
    ['nested objects as values', 'version: 1\nvariables:\n  a: {b: 1}\n', /variables\.a: must be a string, number, boolean or a list of them/],
    ['bad names', 'version: 1\nvariables:\n  "A-B": 1\n', /variables: must match pattern/],
    ['a wrong version', 'version: 2\nvariables: {}\n', /version: must be equal to constant/],
    ['duplicate keys', 'version: 1\nvariables:\n  a: 1\n  a: 2\n', /not valid YAML at line 4/],
  ])('rejects %s', (_what, text, message) => {
    expect(() => parseVariables(text, 'infra/variables.yml')).toThrow(message);
  });

  it('rejects files over the size limit', () => {
    expect(() => parseVariables(`version: 1\nvariables:\n  a: "${'x'.repeat(70_000)}"\n`, 'v.yml')).toThrow(/larger than 64 KiB/);
  });
});

describe("the provider's allow-list decides", () => {
  it('fills defaults and accepts what it allows', () => {
    expect(applyAllowList(ALLOW, 'staging', { name: 'shop', count: 1, zones: ['a', 'b'] })).toEqual({ values: { name: 'shop', size: 'small', count: 1, zones: ['a', 'b'] }, problems: [] });
  });

  it('names every problem and accepts nothing when there is one', () => {
    const judged = applyAllowList(ALLOW, 'production', { name: 'Shop!', count: 1, size: 'huge', zones: ['a', 'b', 'z'], extra: true });
    expect(judged.values).toEqual({});
    expect(judged.problems).toEqual([
      '`extra`: forbidden variable (the provider does not accept it)',
      '`name`: "Shop!" does not match ^[a-z]{3,10}$',
      '`size`: "huge" is not allowed (allowed: small, large)',
      '`count`: 1 is below the minimum 2',
      '`zones`: more than 2 items',
      '`zones`: "z" is not allowed (allowed: a, b, c)',
    ]);
  });

  it('requires what is required and checks types', () => {
    expect(applyAllowList(ALLOW, 'staging', { count: 'two' }).problems).toEqual(['`name`: required for staging', '`count`: must be an integer']);
  });

  it('reports a malformed allow-list with its location', () => {
    expect(() => parseAllowList('customers: []\nvariables:\n  a: { colour: red }\n', 'allow.yml')).toThrow(/allow\.yml: variables\.a: unknown rule "colour"/);
    expect(() => parseAllowList('customers:\n  - repository: nope\n    environments: [dev]\nvariables: {}\n', 'allow.yml')).toThrow(/customers\[0\]\.repository: repository must be owner\/name/);
    expect(() => parseAllowList('variables: {}\n', 'allow.yml')).toThrow(/needs a customers list/);
  });
});

describe('paved dispatch and paved report: bad input stops before any call', () => {
  it('names a missing token, a malformed commit and a bad deadline', async () => {
    const env = { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'a'.repeat(40), GITHUB_API_URL: 'http://127.0.0.1:9' };
    const noToken = await runCli(['dispatch', '--provider-repo', 'p/m', '--environment', 'staging'], { env, commands: dispatchCommands });
    expect(noToken.exitCode).toBe(2);
    expect(noToken.stderr).toContain('token: no token for the provider repository (actions: write)');
    const badDeadline = await runCli(['dispatch', '--provider-repo', 'p/m', '--environment', 'staging', '--deadline', '0'], { env, commands: dispatchCommands });
    expect(badDeadline.stderr).toContain('--deadline: must be positive');
    const badCommit = await runCli(['report', 'prepare', '--repository', 'acme/app', '--commit', 'HEAD', '--environment', 'staging', '--allowlist', __filename, '--token', 't0k3n-value'], { env, commands: dispatchCommands });
    expect(badCommit.exitCode).toBe(2);
  });

  it('refuses plain http to anything but loopback', async () => {
    const res = await runCli(['dispatch', '--provider-repo', 'p/m', '--environment', 'staging', '--token', 'abcd1234', '--status-token', 'efgh5678', '--api-url', 'http://api.github.example'], {
      env: { GITHUB_REPOSITORY: 'acme/app', GITHUB_SHA: 'a'.repeat(40) },
      commands: dispatchCommands,
    });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('http:// is not allowed for api.github.example');
  });
});
