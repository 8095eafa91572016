#!/usr/bin/env node
// Entry point of the bundled `paved` binary (dist/cli/index.js).

import { runCliWith } from './main';

runCliWith(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`paved: internal error: ${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 2;
  },
);
