// Secret-scan throughput on a large generated tree, as a ratio to a plain read of the same files
// measured in the same run (the floor: no scanner can be faster than reading the bytes). Also the
// dependency matcher against a generated advisory set, as a ratio to JSON.parse of the lockfile.
// Run: npm run bench -- scan

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLockfiles } from '../src/scan/deps/lockfiles';
import { scanDependencies } from '../src/scan/deps/scan';
import { scanSecrets } from '../src/scan/secrets/scan';
import { readScannable, walkTree } from '../src/scan/sources';

const FILES = Number(process.env.PAVED_BENCH_FILES ?? 600);
const FILE_BYTES = 24 * 1024;

function rng(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x >>> 8;
  };
}

/** Source-like text with the words secret rules key on (key, token, password, secret, auth). */
function generateTree(root: string): number {
  const next = rng(42);
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const word = (n: number) => Array.from({ length: n }, () => alnum[next() % alnum.length]).join('');
  const templates = [
    () => `export function handle${word(6)}(req: Request, token: string): Promise<void> {`,
    () => `  const apiKey = config.get("${word(8)}.key");`,
    () => `  if (!user.password) throw new Error("missing password for ${word(5)}");`,
    () => `  logger.info({ auth: "${word(6)}", id: ${next() % 100000} });`,
    () => `  "secretName": "${word(12)}", "version": "${next() % 10}.${next() % 20}.${next() % 30}",`,
    () => `  // TODO(${word(4)}): rotate the access key in the vault, see docs/${word(7)}.md`,
    () => `  return items.filter((x) => x.${word(5)} > ${next() % 1000}).map((x) => x.value);`,
    () => `  password: process.env.DB_PASSWORD,`,
    () => `}`,
  ];
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const lines: string[] = [];
    let size = 0;
    while (size < FILE_BYTES) {
      const line = templates[next() % templates.length]();
      lines.push(line);
      size += line.length + 1;
    }
    if (i % 100 === 0) lines.push(`const leaked = "${['gh', 'p_'].join('')}${word(36)}";`);
    const text = lines.join('\n');
    const file = path.join(root, `pkg${i % 40}`, `module${i}.ts`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    bytes += Buffer.byteLength(text);
  }
  return bytes;
}

/** Copies JS/JSON/Markdown files from this repo's node_modules (the research anchor's corpus kind). */
function copyNodeModules(root: string, limitBytes: number): number {
  const source = path.resolve(__dirname, '..', 'node_modules');
  let bytes = 0;
  let n = 0;
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (bytes >= limitBytes) return;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile() && /\.(?:js|json|md)$/.test(entry.name) && !/\.min\.js$/.test(entry.name)) {
        const size = fs.statSync(full).size;
        if (size > 512 * 1024) continue;
        fs.copyFileSync(full, path.join(root, `f${n++}-${entry.name}`));
        bytes += size;
      }
    }
  };
  fs.mkdirSync(root, { recursive: true });
  visit(source);
  return bytes;
}

function plainRead(root: string): number {
  let bytes = 0;
  for (const rel of walkTree(root).files) bytes += readScannable(path.join(root, rel), 1 << 30).text?.length ?? 0;
  return bytes;
}

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const best: number[] = [];
  let value!: T;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    value = await fn();
    best.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return { ms: Math.min(...best), value };
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-scan-bench-'));
  try {
    const gitleaksConfig = path.resolve(__dirname, '..', '..', 'shared', 'fixtures', 'secrets', 'gitleaks', 'config', 'gitleaks.toml');
    const corpora: Array<[string, string, number]> = [];
    const generated = path.join(root, 'generated');
    corpora.push(['generated source tree (keyword-dense)', generated, generateTree(generated)]);
    const modules = path.join(root, 'node-modules-copy');
    corpora.push(['node_modules JS/JSON/MD copy', modules, copyNodeModules(modules, 12 * 1024 * 1024)]);
    for (const [label, dir, bytes] of corpora) {
      const mb = bytes / (1024 * 1024);
      const floor = await time(() => plainRead(dir));
      const floorRate = mb / (floor.ms / 1000);
      console.log(`${label}: ${walkTree(dir).files.length} files, ${mb.toFixed(1)} MB; plain read ${floorRate.toFixed(1)} MB/s (floor)`);
      const paved = await time(() => scanSecrets({ root: dir }));
      const pavedRate = mb / (paved.ms / 1000);
      console.log(`  secret scan, paved rules (${paved.value.rules}): ${pavedRate.toFixed(1)} MB/s (ratio ${(pavedRate / floorRate).toFixed(3)} to plain read; ${paved.value.findings.length} findings)`);
      if (fs.existsSync(gitleaksConfig)) {
        const gl = await time(() => scanSecrets({ root: dir, config: gitleaksConfig }));
        const glRate = mb / (gl.ms / 1000);
        console.log(`  secret scan, gitleaks default config (${gl.value.rules} rules): ${glRate.toFixed(1)} MB/s (ratio ${(glRate / floorRate).toFixed(3)} to plain read; ${gl.value.findings.length} findings)`);
      }
    }

    // Dependencies: a 5 000-package lockfile against 20 000 advisories.
    const depDir = path.join(root, 'deps');
    fs.mkdirSync(path.join(depDir, 'osv'), { recursive: true });
    const packages: Record<string, unknown> = { '': { name: 'bench', version: '1.0.0', dependencies: {} } };
    for (let i = 0; i < 5000; i++) packages[`node_modules/pkg-${i}`] = { version: `1.${i % 10}.${i % 7}` };
    const lockText = JSON.stringify({ name: 'bench', lockfileVersion: 3, packages });
    fs.writeFileSync(path.join(depDir, 'package-lock.json'), lockText);
    const advisories = Array.from({ length: 20000 }, (_, i) => ({
      id: `BENCH-${i}`,
      modified: '2026-01-01T00:00:00Z',
      database_specific: { severity: 'HIGH' },
      affected: [{ package: { ecosystem: 'npm', name: `pkg-${i % 6000}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: `1.${i % 10}.3` }] }] }],
    }));
    fs.writeFileSync(path.join(depDir, 'osv', 'all.json'), JSON.stringify(advisories));
    const parseFloor = await time(() => JSON.parse(fs.readFileSync(path.join(depDir, 'package-lock.json'), 'utf8')) as unknown);
    const parseOnly = await time(() => findLockfiles(depDir));
    const match = await time(() => scanDependencies({ root: depDir, osvDir: path.join(depDir, 'osv') }));
    const inputsFloor = await time(() => [fs.readFileSync(path.join(depDir, 'package-lock.json'), 'utf8'), fs.readFileSync(path.join(depDir, 'osv', 'all.json'), 'utf8')].map((t) => JSON.parse(t) as unknown));
    console.log(`lockfile read (5000 packages): ${parseOnly.ms.toFixed(1)} ms (ratio ${(parseOnly.ms / parseFloor.ms).toFixed(2)} to JSON.parse of the same file)`);
    console.log(`dependency scan (5000 packages x 20000 advisories, load + match): ${match.ms.toFixed(0)} ms (ratio ${(match.ms / inputsFloor.ms).toFixed(2)} to JSON.parse of the lockfile and advisories; ${match.value.findings.length} findings)`);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

void main();
