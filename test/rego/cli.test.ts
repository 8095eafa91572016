// `paved policy eval` prints what `opa eval --format json` prints, including OPA's error objects.

import * as path from 'node:path';
import { runCli } from '../../src/cli/main';

const cwd = path.join(__dirname, 'fixtures', 'eval');
const run = (...argv: string[]) => runCli(['policy', 'eval', ...argv], { cwd, env: {} });

describe('paved policy eval', () => {
  test('prints the result with expressions and location', async () => {
    const r = await run('-d', 'policy.rego', '-i', 'input.json', 'data.main.deny');
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ result: [{ expressions: [{ value: ['db has no owner tag'], text: 'data.main.deny', location: { row: 1, col: 1 } }] }] });
  });

  test('prints bindings, and keeps wide integers exact', async () => {
    const r = await run('-p', 'policy.rego', '-i', 'input.json', 'n := count(data.main.deny); s := input.size');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('"s": 12345678901234567890');
    expect(JSON.parse(r.stdout).result[0].bindings.n).toBe(1);
  });

  test('loads YAML data from directories under their path', async () => {
    const r = await run('-d', 'policy.rego', '-d', 'data', '-i', 'input.json', 'data.main.too_many');
    expect(JSON.parse(r.stdout).result[0].expressions[0].value).toBe(true);
  });

  test('prints {} when the query is undefined', async () => {
    const r = await run('-d', 'policy.rego', 'data.main.too_many');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe('{}');
  });

  test('v0 policies need --rego-version v0', async () => {
    const v1 = await run('-d', 'legacy.rego', '-i', 'input.json', 'data.legacy.deny');
    expect(v1.exitCode).toBe(2);
    expect(JSON.parse(v1.stdout).errors[0]).toMatchObject({ code: 'rego_parse_error', location: { file: 'legacy.rego', row: 4 } });
    const v0 = await run('--rego-version', 'v0', '-d', 'legacy.rego', '-i', 'input.json', 'data.legacy.deny');
    expect(JSON.parse(v0.stdout).result[0].expressions[0].value).toEqual(['db is public']);
  });

  test('compile errors print OPA error objects and exit 2', async () => {
    const r = await run('-d', 'unsafe.rego', 'data.unsafe.p');
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ errors: [{ code: 'rego_unsafe_var_error', message: 'var x is unsafe', location: { file: 'unsafe.rego', row: 4, col: 2 } }] });
  });

  test('strict built-in errors', async () => {
    const lax = await run('1 / 0');
    expect(lax.stdout.trim()).toBe('{}');
    const strict = await run('--strict-builtin-errors', '1 / 0');
    expect(strict.exitCode).toBe(2);
    expect(JSON.parse(strict.stdout).errors[0]).toMatchObject({ code: 'eval_builtin_error', message: 'div: divide by zero' });
  });

  test('bad paths and options are usage errors naming the problem', async () => {
    const missing = await run('-d', 'nope.rego', 'data.x');
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('nope.rego: path not found');
    const broken = await run('-d', 'policy.rego', '-i', 'broken.json', 'data.main.deny');
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain('broken.json: input file is not valid JSON');
    expect(broken.stdout).toBe('');
    const version = await run('--rego-version', 'v2', 'data.x');
    expect(version.exitCode).toBe(2);
    expect(version.stderr).toContain('--rego-version');
  });
});
