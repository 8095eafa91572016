// Maps the paths reports contain (absolute paths of another machine, paths relative to a Cobertura
// `<source>`, Go import paths, Windows separators) to paths relative to the repository root, so
// reports from several tools merge, diff coverage lines up with `git diff`, and GitLab's MR view
// finds the files. A path that names no file in the repository is reported, never guessed.

import * as fs from 'node:fs';
import * as path from 'node:path';

const SKIP_DIRS = new Set(['.git', 'node_modules', '.hg', '.svn']);
const MAX_INDEXED_FILES = 200_000;

export interface ResolvedPath {
  /** Relative to the repository root, with `/` separators. */
  path: string;
  exists: boolean;
}

export class RepoPaths {
  private byBasename?: Map<string, string[]>;

  constructor(readonly root: string) {}

  resolve(reported: string, sourceRoots: readonly string[] = []): ResolvedPath {
    const clean = reported.replace(/\\/g, '/').replace(/^file:\/\//, '');
    const candidates = isAbsolute(clean) ? [clean] : [...sourceRoots.map((r) => path.posix.join(r.replace(/\\/g, '/'), clean)), clean];
    for (const candidate of candidates) {
      const rel = this.relative(candidate);
      if (rel !== undefined && this.isFile(rel)) return { path: rel, exists: true };
    }
    for (const candidate of candidates) {
      const bySuffix = this.bySuffix(candidate);
      if (bySuffix) return { path: bySuffix, exists: true };
    }
    return { path: this.relative(candidates[0]) ?? clean, exists: false };
  }

  /** Relative to the root when inside it (or when already relative); undefined for an absolute path elsewhere. */
  private relative(candidate: string): string | undefined {
    if (/^[A-Za-z]:\//.test(candidate)) return undefined; // a Windows machine's path: only its suffix can match
    if (!isAbsolute(candidate)) return path.posix.normalize(candidate).replace(/^\.\//, '');
    const rel = path.relative(this.root, candidate).split(path.sep).join('/');
    return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
  }

  private isFile(rel: string): boolean {
    try {
      return fs.statSync(path.join(this.root, rel)).isFile();
    } catch {
      return false;
    }
  }

  /** The repository file whose path is the longest suffix of `candidate` (at least the file name); unique or nothing. */
  private bySuffix(candidate: string): string | undefined {
    const index = this.index();
    const parts = candidate.split('/').filter(Boolean);
    const files = index.get(parts[parts.length - 1] ?? '');
    if (!files) return undefined;
    let best: string[] = [];
    let bestLength = 0;
    for (const file of files) {
      const fileParts = file.split('/');
      let n = 0;
      while (n < fileParts.length && n < parts.length && fileParts[fileParts.length - 1 - n] === parts[parts.length - 1 - n]) n++;
      // The whole repository path must be a suffix of the reported one.
      if (n !== fileParts.length) continue;
      if (n > bestLength) [best, bestLength] = [[file], n];
      else if (n === bestLength) best.push(file);
    }
    return best.length === 1 ? best[0] : undefined;
  }

  private index(): Map<string, string[]> {
    if (this.byBasename) return this.byBasename;
    const index = new Map<string, string[]>();
    let count = 0;
    const walk = (dir: string, rel: string) => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        if (count >= MAX_INDEXED_FILES) return;
        const childRel = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) {
          if (!SKIP_DIRS.has(entry.name)) walk(path.join(dir, entry.name), childRel);
        } else if (entry.isFile()) {
          count++;
          const list = index.get(entry.name);
          if (list) list.push(childRel);
          else index.set(entry.name, [childRel]);
        }
      }
    };
    walk(this.root, '');
    this.byBasename = index;
    return index;
  }
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}
