// `npm run bench`: runs every bench/*.bench.ts in its own process (so peak-memory figures are not
// polluted by the others) and prints their lines. Each bench measures its own floor in the same run
// and reports ratios to it; nothing here asserts a time.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..');
const only = process.argv.slice(2);
const benches = fs
  .readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

let failed = 0;
for (const file of benches) {
  process.stdout.write(`\n== ${file.replace(/\.bench\.ts$/, '')} ==\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', '-r', 'ts-node/register/transpile-only', path.join(root, 'bench', file)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
  });
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`${file}: exited with ${result.status}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
