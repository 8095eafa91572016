// Shared by the contract tests: convert a file into a fresh temp directory and read the result back.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ToolChoice } from '../../src/contract/adapters';
import { convertPlanFile, type ConvertedPlan } from '../../src/contract/convert';
import type { ContractPlan, PlanChange } from '../../src/contract/types';

export const FIXTURES = path.join(__dirname, 'fixtures');

const created: string[] = [];
afterAll(() => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory, removed when the test file is done. */
export function tempDir(prefix = 'paved-contract-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

export function convertFile(file: string, options: { tool?: ToolChoice; env?: NodeJS.ProcessEnv; environment?: string } = {}): {
  plan: ContractPlan;
  converted: ConvertedPlan;
  output: string;
} {
  const output = path.join(tempDir(), 'plan.json');
  const converted = convertPlanFile(file, output, {
    tool: options.tool ?? 'auto',
    source: { directory: '.', environment: options.environment ?? null, commit: null },
    env: options.env ?? {},
  });
  return { plan: JSON.parse(fs.readFileSync(output, 'utf8')) as ContractPlan, converted, output };
}

export function byAddress(plan: ContractPlan, address: string): PlanChange {
  const found = plan.changes.find((c) => c.address === address);
  if (!found) throw new Error(`no change for ${address}; have ${plan.changes.map((c) => c.address).join(', ')}`);
  return found;
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}
