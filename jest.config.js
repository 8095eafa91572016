/** Jest runs the TypeScript sources directly (ts-jest, per-file transpilation); `npm run typecheck` does the type checking. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 60000,
  // Two cores on CI: the default (cores - 1) would run every suite in one process, one after another.
  maxWorkers: 2,
};
