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

/** `describe` for tests that read ../shared: skipped, with the reason in its title, when it is absent. */
export const describeShared: jest.Describe = hasShared
  ? describe
  : (((name: string, fn: () => void) => describe.skip(`${name} [skipped: ../shared is absent]`, fn)) as unknown as jest.Describe);
