// Report files the gate writes for GitLab (and anyone else): a Cobertura XML of the merged coverage
// (`artifacts:reports:coverage_report`) and a JUnit XML of the folded tests plus one case per gate
// condition (`artifacts:reports:junit`; retries are already folded, since GitLab keeps only the first
// of several cases with the same name).

import { fileMetric, MergedCoverage, totals } from './coverage';
import type { TestResult } from './tests';
import { escapeXml } from './xml';

/** GitLab reads Cobertura files of at most 10 MiB; bigger coverage is split into several files. */
export const COBERTURA_MAX_BYTES = 9.5 * 1024 * 1024;

const rate = (c: { covered: number; total: number } | undefined) => (c && c.total > 0 ? (c.covered / c.total).toFixed(4) : '0');

/**
 * The merged coverage as Cobertura XML, paths relative to the repository root. One document, or
 * several (each under `maxBytes`, whole files only) that GitLab merges when its report path is a glob.
 */
export function coberturaXml(merged: MergedCoverage, root: string, timestamp: number, maxBytes = COBERTURA_MAX_BYTES): string[] {
  // Each part declares the totals of its own files, so the parts add up to the whole.
  const head = (paths: string[]) => {
    const part: MergedCoverage = { files: new Map(paths.map((p) => [p, merged.files.get(p)!])), extra: paths.length === merged.files.size ? merged.extra : {} };
    const lines = totals(part, 'lines');
    const branches = totals(part, 'branches');
    return [
      '<?xml version="1.0" ?>',
      `<coverage lines-valid="${lines?.total ?? 0}" lines-covered="${lines?.covered ?? 0}" line-rate="${rate(lines)}" branches-valid="${branches?.total ?? 0}" branches-covered="${branches?.covered ?? 0}" branch-rate="${rate(branches)}" complexity="0" version="paved" timestamp="${timestamp}">`,
      `  <sources><source>${escapeXml(root)}</source></sources>`,
      '  <packages>',
    ].join('\n');
  };
  const tail = '  </packages>\n</coverage>\n';

  // Files known only by their counters have no lines to show; GitLab only uses line detail.
  const classes = [...merged.files.keys()].sort().flatMap((path) => {
    const xml = classXml(merged, path);
    return xml ? [{ path, dir: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '.', xml }] : [];
  });
  // The header is a few hundred bytes; 1 KiB of slack keeps every part under the limit.
  const overhead = 1024 + tail.length;
  const parts: Array<typeof classes> = [[]];
  let size = overhead;
  for (const c of classes) {
    const current = parts[parts.length - 1];
    if (current.length > 0 && size + c.xml.length > maxBytes) {
      parts.push([c]);
      size = overhead + c.xml.length;
    } else {
      current.push(c);
      size += c.xml.length;
    }
  }
  return parts.map((part) => {
    const out = [head(part.map((c) => c.path))];
    for (let i = 0; i < part.length; i++) {
      if (i === 0 || part[i].dir !== part[i - 1].dir) {
        if (i > 0) out.push('      </classes>', '    </package>');
        out.push(`    <package name="${escapeXml(part[i].dir.replace(/\//g, '.'))}" line-rate="0" branch-rate="0" complexity="0">`, '      <classes>');
      }
      out.push(part[i].xml);
    }
    if (part.length > 0) out.push('      </classes>', '    </package>');
    out.push(tail);
    return out.join('\n');
  });
}

function classXml(merged: MergedCoverage, path: string): string | undefined {
  const fc = merged.files.get(path)!;
  if (!fc.lines) return undefined;
  const out = [
    `        <class name="${escapeXml(path.slice(path.lastIndexOf('/') + 1))}" filename="${escapeXml(path)}" line-rate="${rate(fileMetric(fc, 'lines'))}" branch-rate="${rate(fileMetric(fc, 'branches'))}" complexity="0">`,
    '          <methods/>',
    '          <lines>',
  ];
  for (const [line, hits] of [...fc.lines.entries()].sort((a, b) => a[0] - b[0])) {
    const b = fc.branches?.get(line);
    const branch = b ? ` branch="true" condition-coverage="${Math.round((b.covered / b.total) * 100)}% (${b.covered}/${b.total})"` : ' branch="false"';
    out.push(`            <line number="${line}" hits="${hits}"${branch}/>`);
  }
  out.push('          </lines>', '        </class>');
  return out.join('\n');
}

/** `paved/cobertura.xml` → `paved/cobertura.xml`, `paved/cobertura.2.xml`, ... */
export function partFileName(file: string, index: number): string {
  if (index === 0) return file;
  const dot = file.lastIndexOf('.');
  const slash = file.lastIndexOf('/');
  return dot > slash ? `${file.slice(0, dot)}.${index + 1}${file.slice(dot)}` : `${file}.${index + 1}`;
}

export interface ConditionCase {
  name: string;
  passed: boolean;
  skipped?: boolean;
  message: string;
  seconds?: number;
}

export function junitXml(tests: readonly TestResult[], conditions: readonly ConditionCase[]): string {
  const suites = new Map<string, TestResult[]>();
  for (const t of tests) {
    const key = t.suite || t.classname || 'tests';
    const list = suites.get(key);
    if (list) list.push(t);
    else suites.set(key, [t]);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites name="quality-gate">'];
  const suite = (name: string, cases: string[], counts: { tests: number; failures: number; errors: number; skipped: number }) => {
    out.push(`  <testsuite name="${escapeXml(name)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}">`, ...cases, '  </testsuite>');
  };
  for (const [name, list] of suites) {
    const cases = list.map((t) => {
      const attrs = `name="${escapeXml(t.name)}" classname="${escapeXml(t.classname || name)}" time="${t.seconds}"${t.file ? ` file="${escapeXml(t.file)}"` : ''}${t.line ? ` line="${t.line}"` : ''}`;
      const body: string[] = [];
      if (t.status === 'failed' || t.status === 'error') {
        const tag = t.status === 'error' ? 'error' : 'failure';
        body.push(`      <${tag} message="${escapeXml(t.message ?? '')}">${escapeXml(t.details ?? t.message ?? '')}</${tag}>`);
      } else if (t.status === 'skipped') body.push(`      <skipped${t.message ? ` message="${escapeXml(t.message)}"` : ''}/>`);
      if (t.flaky) body.push(`      <system-out>${escapeXml(`flaky: passed after ${t.attempts} attempt(s); last failure: ${t.message ?? ''}`)}</system-out>`);
      return body.length ? `    <testcase ${attrs}>\n${body.join('\n')}\n    </testcase>` : `    <testcase ${attrs}/>`;
    });
    suite(name, cases, {
      tests: list.length,
      failures: list.filter((t) => t.status === 'failed').length,
      errors: list.filter((t) => t.status === 'error').length,
      skipped: list.filter((t) => t.status === 'skipped').length,
    });
  }
  const gateCases = conditions.map((c) => {
    const attrs = `name="${escapeXml(c.name)}" classname="quality-gate" time="${c.seconds ?? 0}"`;
    if (c.skipped) return `    <testcase ${attrs}>\n      <skipped message="${escapeXml(c.message)}"/>\n    </testcase>`;
    if (c.passed) return `    <testcase ${attrs}/>`;
    return `    <testcase ${attrs}>\n      <failure message="${escapeXml(c.message)}">${escapeXml(c.message)}</failure>\n    </testcase>`;
  });
  suite('quality-gate', gateCases, {
    tests: conditions.length,
    failures: conditions.filter((c) => !c.passed && !c.skipped).length,
    errors: 0,
    skipped: conditions.filter((c) => c.skipped).length,
  });
  out.push('</testsuites>', '');
  return out.join('\n');
}

