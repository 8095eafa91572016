// Converting a Terraform plan of 10,000 resource changes to a contract plan, against the floor of
// JSON.parse of the same file: wall time (median of 3 runs) and peak memory above each process's
// starting point, every measurement in a fresh process so one does not inherit the other's heap.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { convertPlanFile } from '../src/contract/convert';
import { generateTerraformPlan } from '../test/contract/generate';

const CHANGES = 10000;
const RUNS = 3;

interface Sample {
  ms: number;
  peakMb: number;
}

function child(mode: 'parse' | 'convert', input: string, output: string): void {
  const before = process.memoryUsage().rss;
  const started = performance.now();
  if (mode === 'parse') {
    const plan = JSON.parse(fs.readFileSync(input, 'utf8'));
    if (!Array.isArray(plan.resource_changes)) throw new Error('not a plan');
  } else {
    convertPlanFile(input, output, { source: { directory: '.', environment: 'bench', commit: null }, env: {} });
  }
  const ms = performance.now() - started;
  const peakMb = (process.resourceUsage().maxRSS * 1024 - before) / (1024 * 1024);
  process.stdout.write(JSON.stringify({ ms, peakMb } satisfies Sample));
}

function measure(mode: 'parse' | 'convert', input: string, output: string): Sample {
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--child', mode, input, output], {
      encoding: 'utf8',
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
    });
    if (result.status !== 0) throw new Error(`${mode} run failed: ${result.stderr}`);
    samples.push(JSON.parse(result.stdout) as Sample);
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { ms: median(samples.map((s) => s.ms)), peakMb: median(samples.map((s) => s.peakMb)) };
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-bench-contract-'));
  try {
    const plan = generateTerraformPlan(path.join(dir, 'native.json'), CHANGES * 1900);
    const output = path.join(dir, 'plan.json');
    const floor = measure('parse', plan.file, output);
    const convert = measure('convert', plan.file, output);
    const size = `${plan.resources} changes, ${(plan.bytes / 1e6).toFixed(1)} MB`;
    console.log(`contract convert time (${size}): ${convert.ms.toFixed(0)} ms (ratio ${(convert.ms / floor.ms).toFixed(2)} to JSON.parse ${floor.ms.toFixed(0)} ms)`);
    console.log(`contract convert peak memory (${size}): ${convert.peakMb.toFixed(1)} MB (ratio ${(convert.peakMb / floor.peakMb).toFixed(2)} to JSON.parse ${floor.peakMb.toFixed(1)} MB)`);
    console.log(`contract plan size: ${(fs.statSync(output).size / 1e6).toFixed(1)} MB (ratio ${(fs.statSync(output).size / plan.bytes).toFixed(2)} to the native plan)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') child(process.argv[3] as 'parse' | 'convert', process.argv[4], process.argv[5]);
else main();
