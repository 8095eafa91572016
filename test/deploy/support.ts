// Shared test plumbing for the AKS and Functions suites: a fake clock whose sleeps advance time
// instantly (and are recorded, so Retry-After can be asserted), inputs given as a plain object through
// the same reader the actions use, a log capture, and the deploy-record schema validator.

import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { stringInputsReader, type DeployInputSpec, type InputReader } from '../../src/deploy/inputs';
import type { DeployIo } from '../../src/deploy/run';

export interface TestIo extends DeployIo {
  lines: string[];
  sleeps: number[];
  clock: { t: number };
}

export function testIo(cwd: string, env: NodeJS.ProcessEnv = {}): TestIo {
  const lines: string[] = [];
  const sleeps: number[] = [];
  const clock = { t: Date.parse('2026-03-01T10:00:00Z') };
  return {
    cwd,
    env,
    lines,
    sleeps,
    clock,
    log: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
    now: () => clock.t,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.t += ms;
    },
  };
}

export function inputs(values: Record<string, string | number | boolean | string[] | undefined>, specs: DeployInputSpec[]): InputReader {
  const known = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(values)) if (!known.has(name)) throw new Error(`test bug: unknown input ${name}`);
  return stringInputsReader(
    (name) => {
      const v = values[name];
      return v === undefined ? undefined : Array.isArray(v) ? v.join('\n') : String(v);
    },
    specs,
    {},
  );
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schemas', 'deploy-record.schema.json'), 'utf8'));
export const validateRecord = ajv.compile(schema);

export function expectValidRecord(record: unknown): void {
  const ok = validateRecord(record);
  if (!ok) throw new Error(`deploy record does not match its schema: ${ajv.errorsText(validateRecord.errors)}`);
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(require('node:os').tmpdir(), prefix));
}
