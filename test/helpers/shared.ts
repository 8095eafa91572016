// Locates `../shared` (real fixtures, schemas, OPA's conformance suite). A user's clone has no
// such folder: tests of that data skip there and say so; CI always has it.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const SHARED_DIR = path.resolve(process.env.PAVED_SHARED ?? path.join(__dirname, '..', '..', '..', 'shared'));
export const hasShared = fs.existsSync(path.join(SHARED_DIR, 'README.md'));

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

if (!hasShared) {
  // Printed once per test file that imports this helper.
  process.stderr.write(`note: ${SHARED_DIR} is absent, so tests of the shared corpora are skipped (set PAVED_SHARED to run them)\n`);
}

/**
 * `describe` for tests that read ../shared. Where the folder is absent the block is reported as one
 * skipped test that says why, and its body is never run (jest runs a skipped block's body to collect
 * its tests, which would read the missing files).
 */
export const describeShared: jest.Describe = hasShared
  ? describe
  : (((name: string) =>
      describe(name, () => {
        it.skip(`skipped: ${SHARED_DIR} is absent (set PAVED_SHARED to run these tests)`, () => undefined);
      })) as unknown as jest.Describe);
