// The coverage model every format is read into: per file, hit counts per line and branch counts per
// line where the report has that detail, otherwise the file's (or the report's) own counters.
// Merging several reports and computing a metric both happen here, so every format is measured alike.

export type Metric = 'lines' | 'branches' | 'functions' | 'statements';
export const METRICS: readonly Metric[] = ['lines', 'branches', 'functions', 'statements'];

export interface Counter {
  covered: number;
  total: number;
}

export interface FileCoverage {
  /** The path as the report names it (absolute, or relative to one of the report's source roots). */
  path: string;
  /** Line number → hit count, for every instrumented line (absent when the report has no line detail). */
  lines?: Map<number, number>;
  /** Line number → branches covered/total on that line. */
  branches?: Map<number, Counter>;
  /** Counters the report states for the file, used for metrics without per-line detail. */
  counters: Partial<Record<Metric, Counter>>;
}

export interface CoverageReport {
  file: string;
  format: string;
  /** The tool that measured, where the report says (istanbul, v8, coverage.py, gcovr, JaCoCo, PHPUnit, go). */
  tool?: string;
  /** Directories the report's relative paths are relative to (Cobertura `<source>`). */
  sourceRoots: string[];
  files: FileCoverage[];
  /** Counters the report states for itself when it lists no files (JaCoCo counter-only reports). */
  reportCounters?: Partial<Record<Metric, Counter>>;
  warnings: string[];
}

export function newFile(path: string): FileCoverage {
  return { path, counters: {} };
}

export function addLine(file: FileCoverage, line: number, hits: number): void {
  if (!Number.isInteger(line) || line <= 0) return;
  const lines = (file.lines ??= new Map());
  // A line reported twice (several statements, inner classes, overlapping Go blocks) counts once, with its best hits.
  const prev = lines.get(line);
  if (prev === undefined || hits > prev) lines.set(line, Math.max(0, hits));
}

export function addBranches(file: FileCoverage, line: number, covered: number, total: number): void {
  if (!Number.isInteger(line) || line <= 0 || total <= 0) return;
  const branches = (file.branches ??= new Map());
  const prev = branches.get(line);
  branches.set(line, prev ? { covered: prev.covered + covered, total: prev.total + total } : { covered, total });
}

export function counter(covered: number, total: number): Counter {
  const c = Number.isFinite(covered) ? Math.max(0, covered) : 0;
  const t = Number.isFinite(total) ? Math.max(0, total) : 0;
  return { covered: Math.min(c, t), total: t };
}

/** The file's count for a metric: from line detail when present, else from its stated counters. */
export function fileMetric(file: FileCoverage, metric: Metric): Counter | undefined {
  if (metric === 'lines' && file.lines) {
    let covered = 0;
    for (const hits of file.lines.values()) if (hits > 0) covered++;
    return { covered, total: file.lines.size };
  }
  if (metric === 'branches' && file.branches) {
    const sum = { covered: 0, total: 0 };
    for (const b of file.branches.values()) {
      sum.covered += b.covered;
      sum.total += b.total;
    }
    return sum;
  }
  return file.counters[metric];
}

/** Several reports folded into one coverage per repository path. */
export interface MergedCoverage {
  files: Map<string, FileCoverage>;
  /** Counters of reports that list no files, added to the totals. */
  extra: Partial<Record<Metric, Counter>>;
}

/** Merges `file` into `into`: hits add up (two test jobs), branch counts keep the better measurement. */
export function mergeFile(into: FileCoverage, file: FileCoverage): void {
  if (file.lines) {
    const lines = (into.lines ??= new Map());
    for (const [line, hits] of file.lines) lines.set(line, (lines.get(line) ?? 0) + hits);
  }
  if (file.branches) {
    const branches = (into.branches ??= new Map());
    for (const [line, b] of file.branches) {
      const prev = branches.get(line);
      if (!prev || b.total > prev.total || (b.total === prev.total && b.covered > prev.covered)) branches.set(line, b);
    }
  }
  for (const metric of METRICS) {
    const c = file.counters[metric];
    const prev = into.counters[metric];
    if (c && (!prev || c.total > prev.total || (c.total === prev.total && c.covered > prev.covered))) into.counters[metric] = c;
  }
}

export function totals(merged: MergedCoverage, metric: Metric): Counter | undefined {
  let found = false;
  const sum = { covered: 0, total: 0 };
  for (const file of merged.files.values()) {
    const c = fileMetric(file, metric);
    if (!c) continue;
    found = true;
    sum.covered += c.covered;
    sum.total += c.total;
  }
  const extra = merged.extra[metric];
  if (extra) {
    found = true;
    sum.covered += extra.covered;
    sum.total += extra.total;
  }
  return found ? sum : undefined;
}

/** Percent with two decimals, or null when nothing is measurable (0 of 0 is not 100 %). */
export function percent(c: Counter | undefined): number | null {
  if (!c || c.total === 0) return null;
  return Math.floor((c.covered / c.total) * 10000) / 100;
}
