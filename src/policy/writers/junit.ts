// JUnit XML for `--format junit` / `gitlab` (GitLab's `artifacts:reports:junit`) and for
// `policy test`. Test names are unique per file (namespace.rule), since GitLab merges duplicates.

import type { CheckReport, PolicyTestReport } from '../types';
import { xmlEscape } from './xml';

export interface JUnitCase {
  name: string;
  classname: string;
  file?: string;
  timeSeconds?: number;
  failure?: { type: string; message: string; text: string };
  error?: { message: string };
  skipped?: string;
  systemOut?: string;
}

export interface JUnitSuite {
  name: string;
  cases: JUnitCase[];
}

export function junitXml(name: string, suites: JUnitSuite[]): string {
  const count = (pick: (c: JUnitCase) => unknown) => suites.reduce((n, s) => n + s.cases.filter(pick).length, 0);
  const total = suites.reduce((n, s) => n + s.cases.length, 0);
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlEscape(name)}" tests="${total}" failures="${count((c) => c.failure)}" errors="${count((c) => c.error)}" skipped="${count((c) => c.skipped)}">`,
  ];
  for (const suite of suites) {
    const n = (pick: (c: JUnitCase) => unknown) => suite.cases.filter(pick).length;
    out.push(`  <testsuite name="${xmlEscape(suite.name)}" tests="${suite.cases.length}" failures="${n((c) => c.failure)}" errors="${n((c) => c.error)}" skipped="${n((c) => c.skipped)}">`);
    for (const c of suite.cases) {
      const attrs = [`name="${xmlEscape(c.name)}"`, `classname="${xmlEscape(c.classname)}"`];
      if (c.file) attrs.push(`file="${xmlEscape(c.file)}"`);
      if (c.timeSeconds !== undefined) attrs.push(`time="${c.timeSeconds.toFixed(3)}"`);
      const body: string[] = [];
      if (c.failure) body.push(`      <failure type="${xmlEscape(c.failure.type)}" message="${xmlEscape(c.failure.message)}">${xmlEscape(c.failure.text)}</failure>`);
      if (c.error) body.push(`      <error message="${xmlEscape(c.error.message)}"></error>`);
      if (c.skipped) body.push(`      <skipped message="${xmlEscape(c.skipped)}"></skipped>`);
      if (c.systemOut) body.push(`      <system-out>${xmlEscape(c.systemOut)}</system-out>`);
      out.push(body.length ? `    <testcase ${attrs.join(' ')}>\n${body.join('\n')}\n    </testcase>` : `    <testcase ${attrs.join(' ')}></testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}

/** One suite per input file; one case per rule; failures carry every message, warnings go to system-out. */
export function checkJUnit(report: CheckReport): string {
  const byFile = new Map<string, JUnitSuite>();
  for (const r of report.results) {
    const suite = byFile.get(r.filename) ?? { name: r.filename, cases: [] };
    byFile.set(r.filename, suite);
    for (const d of r.decisions) {
      const messages = [...r.failures, ...r.warnings].filter((f) => f.rule === d.rule).map((f) => (f.resource && !f.msg.includes(f.resource) ? `${f.resource}: ${f.msg}` : f.msg));
      const c: JUnitCase = { name: `${d.namespace}.${d.rule}`, classname: r.filename, file: r.filename };
      if (d.decision === 'fail') c.failure = { type: d.rule, message: messages[0] ?? d.rule, text: messages.join('\n') };
      else if (d.decision === 'warn') c.systemOut = messages.map((m) => `warning: ${m}`).join('\n');
      else if (d.decision === 'exception') c.skipped = `waived by data.${d.namespace}.exception`;
      suite.cases.push(c);
    }
  }
  return junitXml(`paved policy check (engine: ${report.engine})`, [...byFile.values()]);
}

/** One suite per package; one case per test rule. */
export function testJUnit(report: PolicyTestReport): string {
  const byPackage = new Map<string, JUnitSuite>();
  for (const t of report.results) {
    const suite = byPackage.get(t.package) ?? { name: t.package, cases: [] };
    byPackage.set(t.package, suite);
    const c: JUnitCase = { name: t.name, classname: t.package, file: `${t.file}:${t.line}`, timeSeconds: t.durationMs / 1000 };
    if (t.status === 'fail') c.failure = { type: 'fail', message: `${t.name} is not true`, text: t.output.join('\n') };
    if (t.status === 'error') c.error = { message: t.error ?? 'error' };
    if (t.status === 'skip') c.skipped = 'todo_ test';
    if (t.output.length && t.status !== 'fail') c.systemOut = t.output.join('\n');
    suite.cases.push(c);
  }
  return junitXml(`paved policy test (engine: ${report.engine})`, [...byPackage.values()]);
}
