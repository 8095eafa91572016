// The streaming reader: values split across read chunks, structure checked while skipping, and a
// ~200 MB Terraform plan converted inside a 256 MB heap where JSON.parse of the same file dies.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsonStreamReader } from '../../src/contract/json-stream';
import { generateTerraformPlan } from './generate';
import { tempDir, writeJson } from './helpers';

const HEAP_MB = 256;

function readAll(file: string): { kept: unknown[]; keys: string[] } {
  const kept: unknown[] = [];
  const keys: string[] = [];
  JsonStreamReader.open(file, (reader) =>
    reader.document((key) => {
      keys.push(key);
      if (key === 'items') reader.items(() => kept.push(reader.value()));
      else reader.skip();
    }),
  );
  return { kept, keys };
}

describe('JsonStreamReader', () => {
  test('elements and strings that straddle the 1 MiB read chunks come out whole', () => {
    const dir = tempDir();
    const long = `${'x'.repeat(1024 * 1024 - 7)}\\"é€😀\\\\`;
    const items = Array.from({ length: 5 }, (_, i) => ({ i, text: `${long}${i}`, nested: { deep: [i, { s: 'a\\nb' }] } }));
    const doc = `{"skipped": {"big": "${long}", "arr": [1, -2.5e3, true, false, null, {"k": "v"}]}, "items": ${JSON.stringify(items)}, "after": "${long}"}`;
    const file = writeJson(dir, 'doc.json', doc);
    const { kept, keys } = readAll(file);
    expect(keys).toEqual(['skipped', 'items', 'after']);
    expect(kept).toEqual(items);
  });

  test('skipped parts are still checked for structure', () => {
    const dir = tempDir();
    for (const bad of ['{"skipped": {"a" 1}, "items": []}', '{"skipped": [1 2], "items": []}', '{"skipped": "unterminated, "items": []}', '{"skipped": {"a": nul}}']) {
      expect(() => readAll(writeJson(dir, 'bad.json', bad))).toThrow(/expected|truncated|invalid literal|control character/);
    }
  });
});

describe('a ~200 MB Terraform plan', () => {
  const dir = tempDir('paved-big-plan-');
  const generated = generateTerraformPlan(path.join(dir, 'native.json'), 200 * 1024 * 1024);
  const child = path.join(__dirname, 'stream-child.ts');
  const runChild = (args: string[]) =>
    spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, '-r', 'ts-node/register/transpile-only', child, ...args], {
      cwd: path.resolve(__dirname, '..', '..'),
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
      maxBuffer: 1 << 20,
    });


  test(`converts in a ${HEAP_MB} MB heap, with every change counted and re-readable`, () => {
    expect(generated.bytes).toBeGreaterThan(190 * 1024 * 1024);
    const result = runChild([generated.file, path.join(dir, 'plan.json')]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toMatchObject({ ...generated.counts, total: generated.resources });
    expect(report.reread).toEqual(report.summary);
    // every password, before and after, is a digest
    expect(report.redacted).toBe(generated.resources * 2 - generated.counts.create - generated.counts.delete);
    expect(fs.statSync(path.join(dir, 'plan.json')).size).toBe(report.bytes);
  }, 120000);

  test(`while JSON.parse of the same file does not fit in that heap`, () => {
    const result = runChild([generated.file, path.join(dir, 'unused.json'), '--json-parse']);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/heap out of memory|Allocation failed/i);
  }, 120000);
});
