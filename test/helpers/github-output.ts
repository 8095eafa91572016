// Reads what an action wrote to GITHUB_OUTPUT: the `name<<delimiter ... delimiter` blocks @actions/core writes.

import * as fs from 'node:fs';

export function readGithubOutput(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(ghadelimiter_[\w-]+)$/.exec(lines[i]);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]);
    if (i >= lines.length) throw new Error(`${file}: output ${m[1]} has no closing delimiter`);
    out[m[1]] = value.join('\n');
  }
  return out;
}
