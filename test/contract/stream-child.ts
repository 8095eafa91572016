// Run in a child process with a small heap by stream.test.ts: converts a (huge) plan with the real
// converter, re-reads the result with the apply step's reader, and prints what it found as JSON.
// With `--json-parse` it instead loads the plan the naive way, which must not fit in the same heap.

import * as fs from 'node:fs';
import { convertPlanFile } from '../../src/contract/convert';
import { inspectPlan } from '../../src/contract/steps';

const [input, output, mode] = process.argv.slice(2);
if (mode === '--json-parse') {
  const plan = JSON.parse(fs.readFileSync(input, 'utf8'));
  process.stdout.write(JSON.stringify({ loaded: plan.resource_changes.length }));
} else {
  const converted = convertPlanFile(input, output, { source: { directory: '.', environment: 'load', commit: null }, env: {} });
  const reread = inspectPlan(output);
  process.stdout.write(JSON.stringify({ summary: converted.header.summary, reread: reread.header.summary, bytes: converted.bytes, redacted: converted.header.redaction.values, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }));
}
