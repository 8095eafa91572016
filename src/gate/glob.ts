// File globs for `--junit` and `--coverage` (`reports/**/TEST-*.xml`, `coverage/{lcov,clover}.*`):
// `**` crosses directories, `*` and `?` stay within one, `{a,b}` alternates. A plain path is
// returned as is (even when missing, so the reader names it); node_modules and .git are never walked.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { globToRegExp } from '../platform/glob';

export { globToRegExp };

const MAGIC = /[*?{[]/;
const SKIP_DIRS = new Set(['.git', 'node_modules']);

export function hasMagic(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** Files matching `pattern` (relative to `cwd` unless absolute), sorted; a pattern without wildcards is returned unchanged. */
export function expandGlob(pattern: string, cwd: string): string[] {
  const normalised = pattern.replace(/\\/g, '/');
  if (!hasMagic(normalised)) return [pattern];
  const segments = normalised.split('/');
  const firstMagic = segments.findIndex((s) => MAGIC.test(s));
  const base = segments.slice(0, firstMagic).join('/');
  const baseDir = path.resolve(cwd, base || '.');
  const matcher = globToRegExp(segments.slice(firstMagic).join('/'));
  const found: string[] = [];
  const walk = (dir: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name)) walk(path.join(dir, entry.name), childRel);
      } else if (matcher.test(childRel)) {
        found.push(base ? `${base}/${childRel}` : childRel);
      }
    }
  };
  walk(baseDir, '');
  return found.sort();
}
