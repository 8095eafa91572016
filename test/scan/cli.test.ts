import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseArgs } from '../../src/cli/args';
import { buildScanOptions, scanCommands, type ScanOptionReader } from '../../src/scan/cli';
import { parseScans } from '../../src/scan/step';
import { cli, fake, tempDir, writeTree } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

describe('paved scan: exit codes and usage errors', () => {
  it('passes a clean tree with exit 0 and verdict pass', async () => {
    const dir = writeTree(tempDir(), { 'src/a.ts': 'export const answer = 42;\n', 'README.md': '# demo\n' });
    const r = await cli(['scan', 'all', dir, '--on-missing-advisories', 'warn', '--format', 'json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'pass', findings: [], gateFailures: 0 });
  });

  it('gates by --fail-on and reports below-threshold findings as a warning', async () => {
    const dir = writeTree(tempDir(), { 'a.txt': `Bearer ${fake.jwt()}\n` });
    const medium = await cli(['scan', 'secrets', dir, '--format', 'json']);
    expect([medium.exitCode, JSON.parse(medium.stdout).verdict]).toEqual([0, 'warn']);
    const strict = await cli(['scan', 'secrets', dir, '--fail-on', 'medium']);
    expect(strict.exitCode).toBe(1);
    const never = await cli(['scan', 'secrets', dir, '--fail-on', 'never']);
    expect(never.exitCode).toBe(0);
  });

  it('rejects bad options with exit 2 and names them', async () => {
    const bad = await cli(['scan', 'secrets', '.', '--fail-on', 'severe']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/fail-on: "severe" is not a severity/);
    const unknown = await cli(['scan', 'deps', '--osv-dri', 'x']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --osv-dri/);
    const both = await cli(['scan', 'secrets', '.', '--diff', 'main', '--log', 'main..HEAD']);
    expect(both.stderr).toMatch(/--diff or --log, not both/);
    const format = await cli(['scan', 'sast', '.', '--format', 'xml']);
    expect(format.exitCode).toBe(2);
  });

  it('documents every command in --help', async () => {
    for (const c of scanCommands) {
      const r = await cli([...c.path, '--help']);
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain(`usage: paved ${c.path.join(' ')}`);
      expect(r.stdout).toContain('--fail-on');
    }
  });
});

describe('the GitHub action and the CLI read the same options', () => {
  const action = parseYaml(fs.readFileSync(path.join(ROOT, 'actions/security-scan/action.yml'), 'utf8')) as {
    inputs: Record<string, { description: string; default?: string }>;
    runs: { using: string; main: string };
  };

  it('declares every option the core reads as an action input, each with a description', () => {
    const asked = new Set<string>();
    const recorder: ScanOptionReader = {
      string: (n) => (asked.add(n), undefined),
      strings: (n) => (asked.add(n), []),
      number: (n) => (asked.add(n), undefined),
    };
    buildScanOptions(recorder, undefined, { cwd: ROOT, env: {} }, ['secrets', 'deps', 'sast']);
    for (const name of asked) expect([name, action.inputs[name] !== undefined]).toEqual([name, true]);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description.length).toBeGreaterThan(10);
      // comment and github-token are read by the GitHub face itself (the sticky PR comment), not by the core.
      if (!['scans', 'path', 'comment', 'github-token'].includes(name)) expect([name, asked.has(name)]).toEqual([name, true]);
    }
    expect(action.runs).toEqual({ using: 'node24', main: '../../dist/security-scan/index.js' });
  });

  it('builds identical core options from CLI arguments and from action inputs', () => {
    const values: Record<string, string> = {
      'fail-on': 'critical',
      baseline: 'b.json',
      allowlist: 'allow.yaml',
      'sarif-output': 'out.sarif',
      'osv-dir': 'osv',
      'on-missing-advisories': 'warn',
      config: '.gitleaks.toml',
      diff: 'origin/main',
      sbom: 'bom.json',
      'max-file-size': '2',
    };
    const all = scanCommands.find((c) => c.path[1] === 'all')!;
    const argv = [...Object.entries(values).flatMap(([k, v]) => [`--${k}`, v]), '--sarif', 'a.sarif', '--sarif', 'b.sarif', 'sub'];
    const parsed = parseArgs(argv, all.options!, all.positionals!, {});
    const fromCli = buildScanOptions(parsed, parsed.positional(0), { cwd: ROOT, env: {} }, parseScans(['all']));
    const inputs: Record<string, string> = { ...values, sarif: 'a.sarif\nb.sarif' };
    const fromAction = buildScanOptions(
      {
        string: (n) => inputs[n] || undefined,
        strings: (n) => (inputs[n] ?? '').split(/\n|,/).filter(Boolean),
        number: (n) => (inputs[n] === undefined ? undefined : Number(inputs[n])),
      },
      'sub',
      { cwd: ROOT, env: {} },
      parseScans((action.inputs.scans.default ?? '').split(',')),
    );
    expect(fromAction).toEqual(fromCli);
    expect(fromCli.change).toEqual({ mode: 'diff', range: 'origin/main...HEAD' });
  });

  it('resolves --diff auto from the CI environment', () => {
    const reader = (diff: string): ScanOptionReader => ({ string: (n) => (n === 'diff' ? diff : undefined), strings: () => [], number: () => undefined });
    const change = (env: NodeJS.ProcessEnv) => buildScanOptions(reader('auto'), '.', { cwd: ROOT, env }, ['secrets']).change;
    expect(change({ GITHUB_BASE_REF: 'main' })).toEqual({ mode: 'diff', range: 'origin/main...HEAD' });
    expect(change({ CI_MERGE_REQUEST_DIFF_BASE_SHA: 'abc123' })).toEqual({ mode: 'diff', range: 'abc123...HEAD' });
    expect(change({})).toBeUndefined();
  });
});

describe("the project's own scan code and tests hold no secret-looking literal", () => {
  it('finds nothing in src/scan and test/scan with the default rules', async () => {
    for (const dir of ['src/scan', 'test/scan', 'actions/security-scan']) {
      const r = await cli(['scan', 'secrets', path.join(ROOT, dir), '--format', 'json']);
      expect([dir, JSON.parse(r.stdout).findings]).toEqual([dir, []]);
    }
  });
});
