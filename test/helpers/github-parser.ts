// GitHub's own workflow and action parser (@actions/workflow-parser), run from an ncc bundle in a
// child process: the package is ESM with JSON imports that jest's module sandbox cannot load.

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ParserError {
  message: string;
}
export interface WorkflowCheck {
  errors: ParserError[];
  /** Every `uses:` of steps and reusable-workflow jobs, as the parser read them. */
  uses: string[];
}
export interface ActionCheck {
  errors: ParserError[];
  using?: string;
}
export interface FileText {
  name: string;
  content: string;
}

let bundle: Promise<string> | undefined;

function bundled(): Promise<string> {
  bundle ??= (async () => {
    const ncc = require('@vercel/ncc') as (entry: string, options: object) => Promise<{ code: string }>;
    const { code } = await ncc(path.join(__dirname, 'github-parser-entry.mjs'), { quiet: true, cache: false, target: 'es2022' });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paved-parser-')), 'index.mjs');
    fs.writeFileSync(file, code);
    return file;
  })();
  return bundle;
}

export async function parseWithGitHub(files: { workflows?: FileText[]; actions?: FileText[] }): Promise<{
  workflows: Record<string, WorkflowCheck>;
  actions: Record<string, ActionCheck>;
}> {
  const file = await bundled();
  const out = execFileSync(process.execPath, [file], { input: JSON.stringify(files), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out);
}
