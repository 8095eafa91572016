// Output names are kebab-case in the step core (GitHub action outputs use them as they are);
// GitLab's dotenv report needs variable names, so they become STEP_OUTPUT in upper snake case.

import { writeFileAtomic } from './files';
import { secrets } from './redact';

export function dotenvName(step: string, output: string): string {
  return `${step}_${output}`.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** GitLab's dotenv report takes one `KEY=value` per line; values with newlines are not allowed there. */
export function renderDotenv(step: string, outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value]) => `${dotenvName(step, name)}=${secrets.redact(String(value)).replace(/\r?\n/g, ' ')}`)
    .join('\n')
    .concat('\n');
}

export function writeDotenv(file: string, step: string, outputs: Record<string, string>): void {
  writeFileAtomic(file, renderDotenv(step, outputs));
}
