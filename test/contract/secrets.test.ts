// Secrets never leave the producer: no sensitive value of any fixture appears in any output of the
// plan step, in any format: the contract plan, the digest file, the GitLab report, stdout in text,
// JSON and Markdown, the log, and the dotenv outputs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { FIXTURES, tempDir } from './helpers';

const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

/** The fixtures mark their sensitive values by a `secret-` in them (and `[secret]`-style placeholders hide the rest). */
function secretsIn(file: string): string[] {
  return [...new Set(fs.readFileSync(file, 'utf8').match(/[A-Za-z0-9-]*secret-[A-Za-z0-9-]+/g) ?? [])];
}

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? allFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe.each(fixtures)('%s', (name) => {
  const file = path.join(FIXTURES, name);
  const secrets = secretsIn(file);

  test('no sensitive value in any output, in any format', async () => {
    const dir = tempDir();
    const texts: string[] = [];
    for (const format of ['text', 'json', 'markdown']) {
      const out = path.join(dir, format);
      const result = await runCli(['plan', 'convert', file, '-o', path.join(out, 'plan.json'), '--gitlab-report', path.join(out, 'gl.json'), '--dotenv', path.join(out, 'outputs.env'), '--format', format], {
        cwd: dir,
        env: { PATH: process.env.PATH },
      });
      expect(result.exitCode).toBe(0);
      texts.push(result.stdout, result.stderr);
    }
    const printed = await runCli(['plan', 'convert', file], { cwd: dir, env: { PATH: process.env.PATH } });
    texts.push(printed.stdout, printed.stderr);
    const written = allFiles(dir);
    expect(written.length).toBeGreaterThanOrEqual(12);
    texts.push(...written.map((f) => fs.readFileSync(f, 'utf8')));
    for (const secret of secrets) for (const text of texts) expect(text.includes(secret) ? secret : '').toBe('');
  });
});

test('the fixtures do hold secrets of every kind the contract hides', () => {
  const all = fixtures.flatMap((f) => secretsIn(path.join(FIXTURES, f)));
  expect(all).toEqual(expect.arrayContaining(['tf-var-secret-Hunter2-XYZ', 'db-before-secret-Corr3ct-Horse', 'list-secret-Two-222', 'out-after-secret-Pa66', 'pulumi-sig-secret-Xyzzy-42']));
});
