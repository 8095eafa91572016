// Read-only access to one project's files, the same way whether they come from a local checkout or a
// forge API at the default branch: the reference scanner and the checks only see this interface.

import { globToRegExp } from '../platform/glob';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface RepoFiles {
  /** Shown in messages: a directory or `github:owner/repo@main`. */
  readonly label: string;
  /** Names of the entries directly under `dir` (posix, relative to the root); [] when absent. */
  list(dir: string): Promise<Array<{ name: string; type: 'file' | 'dir' }>>;
  /** The file's text, or undefined when it does not exist. */
  read(file: string): Promise<string | undefined>;
}

export class LocalRepoFiles implements RepoFiles {
  readonly label: string;

  constructor(private readonly root: string) {
    this.label = root;
  }

  async list(dir: string): Promise<Array<{ name: string; type: 'file' | 'dir' }>> {
    try {
      return fs
        .readdirSync(this.resolve(dir), { withFileTypes: true })
        .filter((e) => e.isFile() || e.isDirectory())
        .map((e) => ({ name: e.name, type: e.isDirectory() ? ('dir' as const) : ('file' as const) }))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return [];
    }
  }

  async read(file: string): Promise<string | undefined> {
    try {
      return fs.readFileSync(this.resolve(file), 'utf8');
    } catch {
      return undefined;
    }
  }

  // Paths from CI files are untrusted: never let `../` escape the checkout.
  private resolve(rel: string): string {
    const full = path.resolve(this.root, normalisePath(rel));
    const root = path.resolve(this.root);
    if (full !== root && !full.startsWith(root + path.sep)) return path.join(root, '.paved-outside-checkout');
    return full;
  }
}

/** `/a/./b/` → `a/b`: repository paths as the forges name them. */
export function normalisePath(p: string): string {
  return path.posix.normalize(p.replace(/\\/g, '/').replace(/^\/+/, '')).replace(/^\.\/?$/, '').replace(/\/+$/, '');
}

/** All files under `dir` whose path relative to the root matches `pattern` (`*` within a segment, `**` across). */
export async function globFiles(files: RepoFiles, pattern: string): Promise<string[]> {
  const norm = normalisePath(pattern);
  const firstWild = norm.split('/').findIndex((s) => s.includes('*'));
  if (firstWild === -1) return (await files.read(norm)) === undefined ? [] : [norm];
  const base = norm.split('/').slice(0, firstWild).join('/');
  const re = globToRegExp(norm);
  const out: string[] = [];
  const walk = async (dir: string, depth: number) => {
    if (depth > 12) return;
    for (const entry of await files.list(dir)) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.type === 'dir') await walk(rel, depth + 1);
      else if (re.test(rel)) out.push(rel);
    }
  };
  await walk(base, 0);
  return out.sort();
}
