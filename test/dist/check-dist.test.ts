// The check-dist pattern: the committed bundles must be exactly what `npm run build` produces from
// the sources, or users running `uses: org/platform/actions/<name>@v1` would run stale code.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import YAML from 'yaml';

const root = path.resolve(__dirname, '..', '..');

function listFiles(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

describe('committed dist/', () => {
  it('is byte-identical to a fresh build of the sources', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-dist-'));
    execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js'), '--out', out], { cwd: root, stdio: 'pipe' });
    const fresh = listFiles(out).sort();
    const committed = listFiles(path.join(root, 'dist')).sort();
    expect(committed).toEqual(fresh);
    const stale = fresh.filter((file) => !fs.readFileSync(path.join(out, file)).equals(fs.readFileSync(path.join(root, 'dist', file))));
    expect(stale).toEqual([]);
  }, 600_000);

  it('has a bundle for every action, and every action runs on node24 from its bundle', () => {
    const actions = fs.readdirSync(path.join(root, 'actions')).filter((name) => fs.existsSync(path.join(root, 'actions', name, 'action.yml')));
    expect(actions.length).toBeGreaterThan(0);
    for (const name of actions) {
      const meta = YAML.parse(fs.readFileSync(path.join(root, 'actions', name, 'action.yml'), 'utf8'));
      expect({ name, using: meta.runs.using, main: meta.runs.main }).toEqual({ name, using: 'node24', main: `../../dist/${name}/index.js` });
      expect(fs.existsSync(path.join(root, 'dist', name, 'index.js'))).toBe(true);
    }
  });

  it('ships the CLI as an executable bundle declared in package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.bin.paved).toBe('dist/cli/index.js');
    const cli = path.join(root, 'dist', 'cli', 'index.js');
    expect(fs.readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.statSync(cli).mode & 0o111).not.toBe(0);
    const version = execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe(pkg.version);
  });
});
