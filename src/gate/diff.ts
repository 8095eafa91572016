// Diff coverage: which lines the change adds or modifies (`git diff` against the merge base with
// the base branch, run through `run()`), and how many of those lines the tests cover. Lines that
// no report instruments (comments, blank lines, files outside the coverage scope) do not count.

import { InputError } from '../platform/errors';
import { run } from '../platform/exec';
import { Counter, MergedCoverage, Metric } from './coverage';

/** Repository path → added or modified line numbers (new-side numbering). */
export type ChangedLines = Map<string, number[]>;

export async function changedLines(root: string, base: string, field = '--base'): Promise<ChangedLines> {
  const mergeBase = await run('git', ['merge-base', base, 'HEAD'], { cwd: root });
  if (mergeBase.exitCode !== 0) {
    throw new InputError(`cannot find the merge base of ${base} and HEAD: ${mergeBase.stderr.trim() || `git exited ${mergeBase.exitCode}`}`, {
      field,
      hint: `fetch the base branch first (actions/checkout with fetch-depth: 0, or git fetch origin ${base.replace(/^origin\//, '')}); GitLab: GIT_DEPTH: 0`,
    });
  }
  // Against the working tree, so local runs include uncommitted edits; in CI the tree equals HEAD.
  const diff = await run('git', ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--unified=0', '--diff-filter=AMRC', '-M', mergeBase.stdout.trim(), '--'], { cwd: root });
  if (diff.exitCode !== 0) throw new InputError(`git diff failed: ${diff.stderr.trim()}`, { field });
  return parseUnifiedDiff(diff.stdout);
}

export function parseUnifiedDiff(text: string): ChangedLines {
  const changed: ChangedLines = new Map();
  let current: number[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('+++ ')) {
      const target = unquote(line.slice(4).trim());
      current = target === '/dev/null' ? undefined : [];
      if (current) changed.set(target.replace(/^b\//, ''), current);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
    if (hunk && current) {
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      for (let n = start; n < start + count; n++) current.push(n);
    }
  }
  for (const [file, lines] of changed) if (lines.length === 0) changed.delete(file);
  return changed;
}

/** git quotes paths with unusual characters in C style: "b/caf\303\251.ts". */
function unquote(p: string): string {
  if (!p.startsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') {
      const next = body[i + 1];
      if (/[0-7]/.test(next)) {
        bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
        i += 3;
      } else {
        bytes.push(({ n: 10, t: 9, '"': 34, '\\': 92 } as Record<string, number>)[next] ?? next.charCodeAt(0));
        i += 1;
      }
    } else bytes.push(...Buffer.from(body[i], 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface DiffFileCoverage {
  path: string;
  covered: number;
  total: number;
  /** Changed lines the tests never ran. */
  uncoveredLines: number[];
}

export interface DiffCoverage extends Counter {
  metric: Metric;
  changedLines: number;
  /** Changed lines no report instruments (or whose file has no coverage at all). */
  notInstrumented: number;
  files: DiffFileCoverage[];
}

export function diffCoverage(changed: ChangedLines, merged: MergedCoverage, metric: Metric): DiffCoverage {
  const result: DiffCoverage = { metric, covered: 0, total: 0, changedLines: 0, notInstrumented: 0, files: [] };
  for (const [file, lines] of changed) {
    result.changedLines += lines.length;
    const cov = merged.files.get(file);
    const entry: DiffFileCoverage = { path: file, covered: 0, total: 0, uncoveredLines: [] };
    for (const line of lines) {
      const hits = cov?.lines?.get(line);
      if (hits === undefined) {
        result.notInstrumented++;
        continue;
      }
      if (metric === 'branches') {
        const b = cov?.branches?.get(line);
        if (!b) continue;
        entry.covered += b.covered;
        entry.total += b.total;
        if (b.covered < b.total) entry.uncoveredLines.push(line);
      } else {
        entry.total++;
        if (hits > 0) entry.covered++;
        else entry.uncoveredLines.push(line);
      }
    }
    if (entry.total > 0) {
      result.files.push(entry);
      result.covered += entry.covered;
      result.total += entry.total;
    }
  }
  result.files.sort((a, b) => b.uncoveredLines.length - a.uncoveredLines.length || a.path.localeCompare(b.path));
  return result;
}

/** `3-5, 9` for [3, 4, 5, 9]. */
export function lineRanges(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    parts.push(j === i ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j;
  }
  return parts.join(', ');
}
