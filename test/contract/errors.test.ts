// Bad inputs give a clear error naming the file and the reason, exit code 2, and leave no output.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXIT_BAD_INPUT, InputError } from '../../src/platform/errors';
import { convertStep } from '../../src/contract/steps';
import { FIXTURES, tempDir, writeJson } from './helpers';

const terraformText = fs.readFileSync(path.join(FIXTURES, 'terraform-mixed.json'), 'utf8');

async function failure(content: string, options: { tool?: 'auto' | 'terraform' | 'pulumi' | 'cloudformation' | 'opentofu' } = {}): Promise<{ error: InputError; dir: string; input: string }> {
  const dir = tempDir();
  const input = writeJson(dir, 'native.json', content);
  const out = path.join(dir, 'out');
  fs.mkdirSync(out);
  let error: unknown;
  try {
    await convertStep({ cwd: dir, input, tool: options.tool ?? 'auto', output: path.join(out, 'plan.json'), gitlabReport: path.join(out, 'report.json'), env: {} });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as InputError).exitCode).toBe(EXIT_BAD_INPUT);
  expect((error as InputError).context.file).toBe(input);
  expect(fs.readdirSync(out)).toEqual([]);
  return { error: error as InputError, dir, input };
}

describe('bad input files', () => {
  test('an empty file', async () => {
    expect((await failure('')).error.message).toMatch(/empty/);
    expect((await failure('  \n ')).error.message).toMatch(/empty/);
  });

  test('a truncated plan says so and where', async () => {
    const { error } = await failure(terraformText.slice(0, Math.floor(terraformText.length * 0.6)));
    expect(error.message).toMatch(/truncated/);
    expect(error.message).toMatch(/byte \d+/);
  });

  test('malformed JSON names the byte where it breaks', async () => {
    expect((await failure('{"format_version": "1.2", "resource_changes": [ {"address": } ]}')).error.message).toMatch(/invalid JSON value|unexpected/);
    expect((await failure('{"format_version": "1.2" "x": 1}')).error.message).toMatch(/expected "," or "}"/);
    expect((await failure('{"format_version": tru}')).error.message).toMatch(/invalid literal|invalid JSON/);
    expect((await failure('{"a": 1} trailing')).error.message).toMatch(/after the end/);
  });

  test('JSON that is not an object, or an object no tool writes, is an unknown format', async () => {
    expect((await failure('[1, 2, 3]')).error.message).toMatch(/does not hold a JSON object/);
    const unknown = await failure('{"kind": "Deployment", "spec": {}}');
    expect(unknown.error.message).toMatch(/unknown plan format.*kind, spec/);
    expect(unknown.error.context.hint).toMatch(/terraform show -json/);
    expect((await failure('{}')).error.message).toMatch(/unknown plan format/);
  });

  test('a UTF-8 byte order mark is accepted; UTF-16 (PowerShell redirection) is refused with the fix', async () => {
    const dir = tempDir();
    const bom = writeJson(dir, 'bom.json', `\ufeff${terraformText}`);
    const converted = await convertStep({ cwd: dir, input: bom, tool: 'auto', output: 'plan.json', env: {} });
    expect(converted.outputs['create-count']).toBe('1');
    const utf16 = path.join(dir, 'utf16.json');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(terraformText, 'utf16le')]));
    await expect(convertStep({ cwd: dir, input: utf16, tool: 'auto', output: 'plan2.json', env: {} })).rejects.toThrow(/UTF-16/);
    expect(fs.existsSync(path.join(dir, 'plan2.json'))).toBe(false);
  });

  test('the outputs of the wrong command: state instead of a plan, a JSON-lines event stream', async () => {
    expect((await failure('{"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {}}}')).error.message).toMatch(/state, not a plan/);
    const events = '{"@level":"info","type":"planned_change","change":{}}\n{"@level":"info","type":"change_summary"}\n';
    const { error } = await failure(events);
    expect(error.message).toMatch(/JSON-lines event stream/);
    expect(error.context.hint).toMatch(/terraform show -json PLANFILE/);
  });

  test('--tool that does not match the document', async () => {
    const { error } = await failure(terraformText, { tool: 'pulumi' });
    expect(error.message).toMatch(/--tool pulumi.*Terraform\/OpenTofu plan/);
  });

  test('a resource change the tool could not have written names the field', async () => {
    const bad = JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', name: 'b', change: { actions: ['explode'] } }] });
    const { error } = await failure(bad);
    expect(error.context.field).toBe('resource_changes[0].actions');
    expect(error.message).toMatch(/unknown action list/);
    const noActions = JSON.stringify({ format_version: '1.2', resource_changes: [{ address: 'a.b', type: 'a', name: 'b', change: {} }] });
    expect((await failure(noActions)).error.context.field).toBe('resource_changes[0].change.actions');
  });

  test('a contract plan input that breaks the schema names the field', async () => {
    const { error } = await failure(JSON.stringify({ contract_version: 1, changes: [{ address: 'x', action: 'obliterate' }] }));
    expect(error.context.field).toMatch(/^changes\[0\]/);
    const version = await failure(JSON.stringify({ contract_version: 7, changes: [] }));
    expect(version.error.message).toMatch(/unsupported contract_version 7/);
  });

  test('a missing input file', async () => {
    const dir = tempDir();
    await expect(convertStep({ cwd: dir, input: path.join(dir, 'nope.json'), tool: 'auto', output: path.join(dir, 'plan.json'), env: {} })).rejects.toThrow(/not found/);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('Pulumi and CloudFormation documents with unknown operations', async () => {
    expect((await failure(JSON.stringify({ steps: [{ op: 'teleport', urn: 'urn:pulumi:s::p::t:m:T::n' }] }))).error.context.field).toBe('steps[0].op');
    expect((await failure(JSON.stringify({ ChangeSetId: 'x', Changes: [{ ResourceChange: { Action: 'Vaporize', LogicalResourceId: 'A' } }] }))).error.context.field).toBe('Changes[0].ResourceChange.Action');
  });
});
