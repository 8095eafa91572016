#!/usr/bin/env node
// Bundles every action (actions/<name>/main.ts -> dist/<name>/index.js) and the CLI
// (src/cli/index.ts -> dist/cli/index.js) with ncc. `--out DIR` builds elsewhere, which is how the
// check-dist test compares a fresh build with the committed dist/ byte for byte.

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const root = path.resolve(__dirname, '..');

function entries() {
  const list = [{ name: 'cli', entry: path.join(root, 'src/cli/index.ts') }];
  for (const name of fs.readdirSync(path.join(root, 'actions')).sort()) {
    const entry = path.join(root, 'actions', name, 'main.ts');
    if (fs.existsSync(entry)) list.push({ name, entry });
  }
  return list;
}

async function buildOne(name, entry, outDir) {
  const ncc = require('@vercel/ncc');
  const { code, assets } = await ncc(entry, {
    minify: false,
    sourceMap: false,
    quiet: true,
    license: 'licenses.txt',
    target: 'es2022',
    cache: false,
    // Type checking is `npm run typecheck`'s job; the bundler only transpiles.
    transpileOnly: true,
  });
  const dir = path.join(outDir, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const body = name === 'cli' && !code.startsWith('#!') ? `#!/usr/bin/env node\n${code}` : code;
  fs.writeFileSync(path.join(dir, 'index.js'), body, { mode: name === 'cli' ? 0o755 : 0o644 });
  for (const [file, asset] of Object.entries(assets)) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, asset.source);
  }
}

function runChild(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [__filename, ...args], { stdio: 'inherit' });
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`build of ${args[1]} failed (exit ${code})`))));
  });
}

async function main() {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  const outDir = path.resolve(outIndex === -1 ? path.join(root, 'dist') : args[outIndex + 1]);
  const oneIndex = args.indexOf('--one');
  if (oneIndex !== -1) {
    const name = args[oneIndex + 1];
    const found = entries().find((e) => e.name === name);
    if (!found) throw new Error(`no bundle named ${name}`);
    await buildOne(found.name, found.entry, outDir);
    return;
  }
  const list = entries();
  fs.mkdirSync(outDir, { recursive: true });
  // Bundles that no longer have an entry are removed so dist/ mirrors the sources exactly.
  const wanted = new Set(list.map((e) => e.name));
  for (const dir of fs.readdirSync(outDir)) {
    if (!wanted.has(dir)) fs.rmSync(path.join(outDir, dir), { recursive: true, force: true });
  }
  // Two bundles at a time: ncc is single-threaded and the machines have two cores.
  const queue = [...list];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const started = Date.now();
      await runChild(['--one', next.name, '--out', outDir]);
      process.stdout.write(`built dist/${next.name}/index.js (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
    }
  };
  await Promise.all([worker(), worker()]);
}

main().catch((err) => {
  process.stderr.write(`${err.stack || err}\n`);
  process.exit(1);
});
