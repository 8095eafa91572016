// Lockfile readers: exact installed versions, each marked direct or transitive (and dev where the
// format says so). npm package-lock v1/v2/v3 (and npm-shrinkwrap), yarn v1 and berry, pnpm 5-9,
// requirements.txt, Pipfile.lock, poetry.lock, uv.lock, go.mod (go.sum when there is no go.mod) and
// Cargo.lock. A file that cannot be read as its format is an InputError naming the file.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { InputError } from '../../platform/errors';
import { readText } from '../../platform/files';
import { globToRegExp, VENDORED_DIRS } from '../sources';
import { normalizePackageName, type Ecosystem } from './versions';

export interface Package {
  name: string;
  version: string;
  ecosystem: Ecosystem;
  direct: boolean;
  dev?: boolean;
  line?: number;
}

export interface Lockfile {
  /** Path relative to the scanned root. */
  file: string;
  format: string;
  packageManager: string;
  packages: Package[];
}

type Json = Record<string, any>;

interface Reader {
  test: (name: string) => boolean;
  read: (text: string, abs: string) => { format: string; packageManager: string; packages: Package[] };
}

const READERS: Reader[] = [
  { test: (n) => /^(?:package-lock(?:\.[\w-]+)?|npm-shrinkwrap)\.json$/.test(n), read: readNpm },
  { test: (n) => /^yarn(?:\.[\w-]+)?\.lock$/.test(n), read: readYarn },
  { test: (n) => /^pnpm-lock(?:\.[\w-]+)?\.yaml$/.test(n), read: readPnpm },
  { test: (n) => /^requirements(?:[\w.-]*)?\.txt$/.test(n), read: (t, abs) => ({ format: 'requirements.txt', packageManager: 'pip', packages: readRequirements(t, abs, new Set()) }) },
  { test: (n) => n === 'Pipfile.lock', read: readPipfileLock },
  { test: (n) => n === 'poetry.lock', read: readPoetry },
  { test: (n) => n === 'uv.lock', read: readUv },
  { test: (n) => n === 'go.mod', read: readGoMod },
  { test: (n) => n === 'go.sum', read: readGoSum },
  { test: (n) => n === 'Cargo.lock', read: readCargo },
];

export function isLockfileName(name: string): boolean {
  return READERS.some((r) => r.test(name));
}

/** Finds and reads every lockfile under root (or root itself when it is a file), minus `exclude` globs. */
export function findLockfiles(root: string, exclude: string[] = []): Lockfile[] {
  const excluded = exclude.map(globToRegExp);
  if (!fs.existsSync(root)) throw new InputError('path to scan does not exist', { file: root });
  if (fs.statSync(root).isFile()) return [readLockfile(root, path.basename(root))];
  const found: Lockfile[] = [];
  const visit = (dir: string, rel: string) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    const names = new Set(entries.map((e) => e.name));
    for (const entry of entries) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (excluded.some((r) => r.test(relPath))) continue;
      if (entry.isDirectory()) {
        if (!VENDORED_DIRS.has(entry.name)) visit(path.join(dir, entry.name), relPath);
      } else if (entry.isFile() && isLockfileName(entry.name)) {
        if (entry.name === 'go.sum' && names.has('go.mod')) continue; // go.mod is the exact list
        found.push(readLockfile(path.join(dir, entry.name), relPath));
      }
    }
  };
  visit(root, '');
  return found;
}

export function readLockfile(abs: string, rel: string): Lockfile {
  const reader = READERS.find((r) => r.test(path.basename(abs)));
  if (!reader) throw new InputError('not a lockfile paved can read', { file: rel, hint: 'supported: package-lock.json, yarn.lock, pnpm-lock.yaml, requirements.txt, Pipfile.lock, poetry.lock, uv.lock, go.mod, go.sum, Cargo.lock' });
  const text = readText(abs, 'lockfile');
  try {
    const parsed = reader.read(text, abs);
    return { file: rel, ...parsed, packages: dedupe(parsed.packages) };
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read lockfile: ${(err as Error).message.split('\n')[0]}`, { file: rel, hint: 'the file may be truncated or not the format its name says' });
  }
}

function dedupe(packages: Package[]): Package[] {
  const byKey = new Map<string, Package>();
  for (const p of packages) {
    const key = `${p.name}@${p.version}`;
    const prev = byKey.get(key);
    if (!prev) byKey.set(key, { ...p });
    else {
      prev.direct ||= p.direct;
      if (prev.dev && !p.dev) prev.dev = false;
    }
  }
  return [...byKey.values()];
}

function siblingJson(abs: string, name: string): Json | undefined {
  const file = path.join(path.dirname(abs), name);
  if (!fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

function siblingToml(abs: string, name: string): Json | undefined {
  const file = path.join(path.dirname(abs), name);
  if (!fs.existsSync(file)) return undefined;
  try {
    return parseToml(fs.readFileSync(file, 'utf8')) as Json;
  } catch {
    return undefined;
  }
}

/** Direct dependency names from a package.json next to the lockfile (undefined when there is none). */
function manifestNames(manifest: Json | undefined): Set<string> | undefined {
  if (!manifest) return undefined;
  const names = new Set<string>();
  for (const key of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const name of Object.keys(manifest[key] ?? {})) names.add(name);
  }
  return names;
}

/** `npm:real-name@1.2.3` aliases install real-name. */
function unalias(name: string, version: string): { name: string; version: string } {
  const m = /^npm:((?:@[^/]+\/)?[^@]+)@(.+)$/.exec(version);
  return m ? { name: m[1], version: m[2] } : { name, version };
}

const EXACT = /^v?\d+(?:\.\d+)*(?:[-+.][0-9A-Za-z.+-]*)?$/;

function readNpm(text: string, abs: string) {
  const doc = JSON.parse(text) as Json;
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('expected a JSON object');
  const lockfileVersion = Number(doc.lockfileVersion ?? 1);
  const packages: Package[] = [];
  if (doc.packages && lockfileVersion >= 2) {
    const root = (doc.packages[''] ?? {}) as Json;
    const direct = manifestNames(root) ?? manifestNames(siblingJson(abs, 'package.json')) ?? new Set();
    for (const [key, entry] of Object.entries(doc.packages as Record<string, Json>)) {
      const at = key.lastIndexOf('node_modules/');
      if (key === '' || at === -1 || entry.link || !entry.version) continue;
      const installedAs = key.slice(at + 'node_modules/'.length);
      const { name, version } = unalias(entry.name ?? installedAs, entry.version);
      if (!EXACT.test(version)) continue;
      packages.push({ name, version, ecosystem: 'npm', direct: key === `node_modules/${installedAs}` && direct.has(installedAs), dev: entry.dev === true });
    }
  } else {
    const direct = manifestNames(siblingJson(abs, 'package.json'));
    const required = new Set<string>();
    const walk = (deps: Record<string, Json>, top: boolean) => {
      for (const [installedAs, entry] of Object.entries(deps ?? {})) {
        for (const r of Object.keys(entry.requires ?? {})) required.add(r);
        if (entry.version) {
          const { name, version } = unalias(installedAs, entry.version);
          if (EXACT.test(version)) packages.push({ name, version, ecosystem: 'npm', direct: top && (direct ? direct.has(installedAs) : true), dev: entry.dev === true });
        }
        if (entry.dependencies) walk(entry.dependencies, false);
      }
    };
    walk(doc.dependencies ?? {}, true);
    // Without a package.json, a top-level entry nothing requires is what the project asked for.
    if (!direct) for (const p of packages) if (p.direct && required.has(p.name)) p.direct = false;
  }
  return { format: `package-lock v${lockfileVersion}`, packageManager: 'npm', packages };
}

function yarnSpecName(spec: string): { name: string; range: string } {
  const at = spec.indexOf('@', 1);
  if (at === -1) return { name: spec, range: '' };
  const name = spec.slice(0, at);
  const range = spec.slice(at + 1);
  const alias = /^npm:((?:@[^/]+\/)?[^@]+)@/.exec(range);
  return { name: alias ? alias[1] : name, range };
}

function readYarn(text: string, abs: string) {
  const direct = manifestNames(siblingJson(abs, 'package.json')) ?? new Set<string>();
  const packages: Package[] = [];
  if (/^__metadata:/m.test(text)) {
    const doc = parseYaml(text) as Record<string, Json>;
    for (const [key, entry] of Object.entries(doc)) {
      if (key === '__metadata' || !entry || typeof entry !== 'object' || !entry.version) continue;
      const resolution = String(entry.resolution ?? key.split(',')[0].trim());
      if (/@(?:workspace|link|portal|file):/.test(resolution)) continue;
      const name = yarnSpecName(resolution).name;
      const version = String(entry.version);
      if (!EXACT.test(version)) continue;
      const specNames = key.split(',').map((s) => s.trim().slice(0, s.trim().indexOf('@', 1)));
      packages.push({ name, version, ecosystem: 'npm', direct: specNames.some((n) => direct.has(n)) });
    }
    return { format: 'yarn berry', packageManager: 'yarn', packages };
  }
  let specs: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.startsWith('#')) return;
    if (!/^\s/.test(line)) {
      specs = line.replace(/:\s*$/, '').split(/,\s*/).map((s) => s.trim().replace(/^"|"$/g, ''));
      return;
    }
    const m = /^\s+"?version"?:?\s+"?([^"\s]+)"?/.exec(line);
    if (m && specs.length) {
      const parsed = specs.map(yarnSpecName);
      if (EXACT.test(m[1])) packages.push({ name: parsed[0].name, version: m[1], ecosystem: 'npm', direct: specs.some((s) => direct.has(s.slice(0, s.indexOf('@', 1)))), line: i + 1 });
      specs = [];
    }
  });
  if (!/yarn lockfile v1/.test(text) && packages.length === 0 && text.trim()) throw new Error('neither a yarn v1 nor a yarn berry lockfile');
  return { format: 'yarn v1', packageManager: 'yarn', packages };
}

function readPnpm(text: string) {
  const doc = (parseYaml(text) ?? {}) as Json;
  const lockVersion = String(doc.lockfileVersion ?? '');
  if (!lockVersion) throw new Error('no lockfileVersion');
  const v5 = lockVersion.startsWith('5');
  const direct = new Set<string>();
  const importers: Json[] = doc.importers ? Object.values(doc.importers) : [doc];
  for (const imp of importers) {
    for (const key of ['dependencies', 'devDependencies', 'optionalDependencies']) for (const n of Object.keys(imp?.[key] ?? {})) direct.add(n);
  }
  const packages: Package[] = [];
  for (const [key, entry] of Object.entries((doc.packages ?? {}) as Record<string, Json>)) {
    let k = key.replace(/^\//, '');
    const paren = k.indexOf('(');
    if (paren > 0) k = k.slice(0, paren);
    let name: string;
    let version: string;
    const at = k.indexOf('@', 1);
    if (v5 || at === -1) {
      const slash = k.lastIndexOf('/');
      name = k.slice(0, slash);
      version = k.slice(slash + 1).split('_')[0];
    } else {
      name = k.slice(0, at);
      version = k.slice(at + 1);
    }
    if (entry?.name) name = entry.name;
    if (entry?.version && EXACT.test(String(entry.version))) version = String(entry.version);
    // Tarball and git entries are keyed by host (registry.npmjs.org/foo/1.0.0): not registry packages.
    if (!name || !EXACT.test(version) || /^[a-z0-9-]+(?:\.[a-z0-9-]+)+\//i.test(name)) continue;
    packages.push({ name, version, ecosystem: 'npm', direct: direct.has(name), dev: entry?.dev === true });
  }
  return { format: `pnpm lockfile ${lockVersion}`, packageManager: 'pnpm', packages };
}

function readRequirements(text: string, abs: string, seen: Set<string>): Package[] {
  const resolved = path.resolve(abs);
  if (seen.has(resolved)) return [];
  seen.add(resolved);
  const packages: Package[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i];
    while (line.endsWith('\\') && i + 1 < lines.length) line = line.slice(0, -1) + ' ' + lines[++i];
    line = line.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const include = /^(?:-r|--requirement)[=\s]+(\S+)/.exec(line);
    if (include) {
      const target = path.resolve(path.dirname(abs), include[1]);
      // Included packages keep no line: it would be a line of the other file.
      if (fs.existsSync(target)) packages.push(...readRequirements(fs.readFileSync(target, 'utf8'), target, seen).map((p) => ({ ...p, line: undefined })));
      continue;
    }
    if (line.startsWith('-')) continue;
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*(v?\d[^\s;,*$]*)(?=\s|;|$)/.exec(line);
    if (m) packages.push({ name: normalizePackageName('PyPI', m[1]), version: m[2], ecosystem: 'PyPI', direct: true, line: lineNo });
  }
  return packages;
}

function readPipfileLock(text: string, abs: string) {
  const doc = JSON.parse(text) as Json;
  if (!doc || typeof doc !== 'object') throw new Error('expected a JSON object');
  if (!doc.default && !doc.develop) throw new Error('no "default" or "develop" section');
  const pipfile = siblingToml(abs, 'Pipfile');
  const direct = pipfile
    ? new Set([...Object.keys(pipfile.packages ?? {}), ...Object.keys(pipfile['dev-packages'] ?? {})].map((n) => normalizePackageName('PyPI', n)))
    : undefined;
  const packages: Package[] = [];
  for (const [section, dev] of [['default', false], ['develop', true]] as const) {
    for (const [name, entry] of Object.entries((doc[section] ?? {}) as Record<string, Json>)) {
      const version = String(entry.version ?? '').replace(/^===?/, '');
      if (!version) continue;
      const n = normalizePackageName('PyPI', name);
      packages.push({ name: n, version, ecosystem: 'PyPI', direct: direct ? direct.has(n) : true, dev });
    }
  }
  return { format: 'Pipfile.lock', packageManager: 'pipenv', packages };
}

/** Names from PEP 508 strings (`requests[socks]>=2; python_version<"3.8"` → requests). */
function pep508Names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((s) => /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(String(s))?.[1]).filter((s): s is string => !!s) : [];
}

function pyprojectDirect(pyproject: Json | undefined): Set<string> | undefined {
  if (!pyproject) return undefined;
  const names: string[] = [];
  const poetry = pyproject.tool?.poetry ?? {};
  names.push(...Object.keys(poetry.dependencies ?? {}), ...Object.keys(poetry['dev-dependencies'] ?? {}));
  for (const group of Object.values((poetry.group ?? {}) as Record<string, Json>)) names.push(...Object.keys(group.dependencies ?? {}));
  names.push(...pep508Names(pyproject.project?.dependencies));
  for (const list of Object.values((pyproject.project?.['optional-dependencies'] ?? {}) as Record<string, unknown>)) names.push(...pep508Names(list));
  for (const list of Object.values((pyproject['dependency-groups'] ?? {}) as Record<string, unknown>)) names.push(...pep508Names(list));
  return new Set(names.filter((n) => n !== 'python').map((n) => normalizePackageName('PyPI', n)));
}

function readPoetry(text: string, abs: string) {
  const doc = parseToml(text) as Json;
  const direct = pyprojectDirect(siblingToml(abs, 'pyproject.toml'));
  const packages: Package[] = ((doc.package ?? []) as Json[]).map((p) => {
    const name = normalizePackageName('PyPI', String(p.name));
    return { name, version: String(p.version), ecosystem: 'PyPI' as const, direct: direct ? direct.has(name) : true, dev: Array.isArray(p.groups) ? !p.groups.includes('main') : undefined };
  });
  return { format: `poetry.lock ${doc.metadata?.['lock-version'] ?? ''}`.trim(), packageManager: 'poetry', packages };
}

function readUv(text: string) {
  const doc = parseToml(text) as Json;
  const all = (doc.package ?? []) as Json[];
  const isRoot = (p: Json) => p.source && (p.source.editable !== undefined || p.source.virtual !== undefined);
  const direct = new Set<string>();
  for (const root of all.filter(isRoot)) {
    const lists: Json[][] = [root.dependencies ?? [], ...Object.values((root['optional-dependencies'] ?? {}) as Record<string, Json[]>), ...Object.values((root['dev-dependencies'] ?? {}) as Record<string, Json[]>)];
    for (const list of lists) for (const d of list) direct.add(normalizePackageName('PyPI', String(d.name)));
  }
  const packages: Package[] = all
    .filter((p) => !isRoot(p) && p.version !== undefined)
    .map((p) => {
      const name = normalizePackageName('PyPI', String(p.name));
      return { name, version: String(p.version), ecosystem: 'PyPI' as const, direct: direct.has(name) };
    });
  return { format: `uv.lock v${doc.version ?? '?'}`, packageManager: 'uv', packages };
}

function readGoMod(text: string) {
  const packages: Package[] = [];
  const replaces = new Map<string, { name: string; version: string }>();
  let block: string | undefined;
  const requires: Array<{ name: string; version: string; indirect: boolean; line: number }> = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/\/\/(?!\s*indirect).*$/, '').trim();
    if (!line) return;
    if (block && line === ')') {
      block = undefined;
      return;
    }
    const open = /^(require|replace|exclude|retract)\s*\($/.exec(line);
    if (open) {
      block = open[1];
      return;
    }
    const single = /^(require|replace|exclude|retract)\s+(.*)$/.exec(line);
    const directive = single ? single[1] : block;
    const body = single ? single[2] : line;
    if (directive === 'require') {
      const m = /^(\S+)\s+(\S+)(\s*\/\/\s*indirect)?/.exec(body);
      if (m) requires.push({ name: m[1], version: m[2], indirect: !!m[3], line: i + 1 });
    } else if (directive === 'replace') {
      const m = /^(\S+)(?:\s+\S+)?\s*=>\s*(\S+)\s+(\S+)/.exec(body);
      if (m) replaces.set(m[1], { name: m[2], version: m[3] });
    }
  });
  const unknown = text.split(/\r?\n/).find((l) => {
    const t = l.replace(/\/\/.*$/, '').trim();
    return t && !/^(?:module|go|toolchain|godebug|require|replace|exclude|retract|tool)\b|^\)$|^\S+\s+v\d\S*$|^\S+(?:\s+v\d\S*)?\s*=>\s*\S+(?:\s+v\d\S*)?$/.test(t);
  });
  if (unknown !== undefined) throw new Error(`not a go.mod line: ${unknown.trim().slice(0, 60)}`);
  for (const r of requires) {
    const rep = replaces.get(r.name);
    packages.push({ name: rep?.name ?? r.name, version: rep?.version ?? r.version, ecosystem: 'Go', direct: !r.indirect, line: r.line });
  }
  return { format: 'go.mod', packageManager: 'go', packages };
}

function readGoSum(text: string) {
  const packages: Package[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^(\S+)\s+(v[^\s/]+)\s+h1:/.exec(line.trim());
    if (m) packages.push({ name: m[1], version: m[2], ecosystem: 'Go', direct: false, line: i + 1 });
  });
  return { format: 'go.sum', packageManager: 'go', packages };
}

function readCargo(text: string) {
  const doc = parseToml(text) as Json;
  const all = (doc.package ?? []) as Json[];
  const direct = new Set<string>();
  for (const member of all.filter((p) => !p.source)) for (const d of (member.dependencies ?? []) as string[]) direct.add(String(d).split(' ')[0]);
  const packages: Package[] = all
    .filter((p) => p.source)
    .map((p) => ({ name: String(p.name), version: String(p.version), ecosystem: 'crates.io' as const, direct: direct.has(String(p.name)) }));
  return { format: `Cargo.lock v${doc.version ?? 1}`, packageManager: 'cargo', packages };
}

/** Finds the line of a package's entry in a lockfile, for findings; the file is indexed once. */
export class LockfileLines {
  private readonly lines: string[];
  private npmKeys?: Map<string, number>;

  constructor(text: string) {
    this.lines = text.split(/\r?\n/);
  }

  locate(pkg: Package): number | undefined {
    if (pkg.line) return pkg.line;
    if (!this.npmKeys) {
      this.npmKeys = new Map();
      this.lines.forEach((l, i) => {
        const m = /^\s*"(node_modules\/[^"]+)":/.exec(l);
        if (m && !this.npmKeys!.has(m[1])) this.npmKeys!.set(m[1], i + 1);
      });
    }
    const installed = this.npmKeys.get(`node_modules/${pkg.name}`);
    if (installed !== undefined) return installed;
    const quotedName = new RegExp(`(^|["'/\\s])${pkg.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(["'@:\\s]|$)`);
    for (let i = 0; i < this.lines.length; i++) {
      if (!quotedName.test(this.lines[i])) continue;
      for (let j = i; j < Math.min(this.lines.length, i + 5); j++) if (this.lines[j].includes(pkg.version)) return i + 1;
    }
    return undefined;
  }
}
