// quality-gate parsing speed on large generated reports: a JUnit file of 100 000 test cases and an
// LCOV file of 2 000 files × 250 lines, each against floors measured in the same run (JSON.parse
// of the same data as JSON, and fast-xml-parser on the same XML).

import { XMLParser } from 'fast-xml-parser';
import { parseCoverageReport } from '../src/gate/coverage-formats';
import { foldTests, parseTestReport } from '../src/gate/tests';

function best(fn: () => unknown, rounds = 5): number {
  let min = Infinity;
  for (let i = 0; i < rounds; i++) {
    const started = process.hrtime.bigint();
    fn();
    min = Math.min(min, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return min;
}

const line = (name: string, ms: number, floorName: string, floorMs: number) =>
  console.log(`${name}: ${ms.toFixed(1)} ms (ratio ${(ms / floorMs).toFixed(2)} to ${floorName} ${floorMs.toFixed(1)} ms)`);

// ---- JUnit: 100 000 cases in 1 000 suites, 2 % failing with a stack trace, 1 % skipped.
const CASES = 100_000;
const suites: string[] = [];
const asJson: Array<{ name: string; cases: Array<Record<string, unknown>> }> = [];
for (let s = 0; s < CASES / 100; s++) {
  const cases: string[] = [];
  const jsonCases: Array<Record<string, unknown>> = [];
  for (let c = 0; c < 100; c++) {
    const n = s * 100 + c;
    const attrs = `classname="pkg.module${s}.Class" name="test case number ${n} does &quot;something&quot;" time="0.${n % 1000}" file="src/module${s}/thing.test.ts"`;
    if (n % 50 === 0) {
      const trace = `Error: expected 1 to be 2\n    at Object.&lt;anonymous&gt; (/home/runner/work/p/p/src/module${s}/thing.test.ts:${c + 10}:5)\n    at run (node:internal/x:1:1)`;
      cases.push(`    <testcase ${attrs}>\n      <failure message="expected 1 to be 2">${trace}</failure>\n    </testcase>`);
      jsonCases.push({ classname: `pkg.module${s}.Class`, name: `test case number ${n}`, time: n % 1000, failure: { message: 'expected 1 to be 2', text: trace } });
    } else if (n % 100 === 1) {
      cases.push(`    <testcase ${attrs}><skipped/></testcase>`);
      jsonCases.push({ classname: `pkg.module${s}.Class`, name: `test case number ${n}`, time: n % 1000, skipped: true });
    } else {
      cases.push(`    <testcase ${attrs}/>`);
      jsonCases.push({ classname: `pkg.module${s}.Class`, name: `test case number ${n}`, time: n % 1000 });
    }
  }
  suites.push(`  <testsuite name="suite ${s}" tests="100">\n${cases.join('\n')}\n  </testsuite>`);
  asJson.push({ name: `suite ${s}`, cases: jsonCases });
}
const junit = `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
const junitJson = JSON.stringify(asJson);

let totals: ReturnType<typeof foldTests>['totals'] | undefined;
const junitMs = best(() => {
  totals = foldTests([parseTestReport(junit, 'junit.xml')]).totals;
});
const junitFloor = best(() => JSON.parse(junitJson));
const fxp = new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false });
const fxpMs = best(() => fxp.parse(junit), 3);
console.log(`junit: ${CASES} cases, ${(junit.length / 1e6).toFixed(1)} MB → ${totals!.total} tests, ${totals!.failed} failed, ${totals!.skipped} skipped`);
line('junit parse + fold', junitMs, 'JSON.parse of the same data', junitFloor);
line('junit parse + fold', junitMs, 'fast-xml-parser (parse only)', fxpMs);

// ---- LCOV: 2 000 files × 250 lines with branches every 10th line.
const records: string[] = [];
const lcovJson: Array<{ file: string; lines: number[][]; branches: number[][] }> = [];
for (let f = 0; f < 2000; f++) {
  const body: string[] = [`SF:/home/runner/work/p/p/src/dir${f % 40}/file${f}.ts`];
  const lines: number[][] = [];
  const branches: number[][] = [];
  for (let l = 1; l <= 250; l++) {
    const hits = (l * f) % 7 === 0 ? 0 : l % 13;
    body.push(`DA:${l},${hits}`);
    lines.push([l, hits]);
    if (l % 10 === 0) {
      body.push(`BRDA:${l},0,0,${hits}`, `BRDA:${l},0,1,${hits > 3 ? 1 : '-'}`);
      branches.push([l, hits, hits > 3 ? 1 : 0]);
    }
  }
  body.push('LF:250', 'LH:0', 'end_of_record');
  records.push(body.join('\n'));
  lcovJson.push({ file: `src/dir${f % 40}/file${f}.ts`, lines, branches });
}
const lcov = `TN:\n${records.join('\n')}\n`;
const lcovAsJson = JSON.stringify(lcovJson);
let files = 0;
const lcovMs = best(() => {
  files = parseCoverageReport(lcov, 'lcov.info').files.length;
});
const lcovFloor = best(() => JSON.parse(lcovAsJson));
console.log(`lcov: ${files} files, ${(lcov.length / 1e6).toFixed(1)} MB`);
line('lcov parse', lcovMs, 'JSON.parse of the same data', lcovFloor);
