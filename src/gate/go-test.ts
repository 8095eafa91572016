// Go test output as test results, so Go projects need no go-junit-report step: `go test -json`
// events and the plain `go test -v` text. A package that fails without a failing test (panic in
// init or TestMain, build error) becomes one error run, as go-junit-report reports it, so a broken
// package can never look like "no tests". Benchmarks count as tests, as go-junit-report counts them.

import { InputError } from '../platform/errors';
import { emptyReport, TestReport, TestRun } from './test-model';

interface GoEvent {
  Action?: string;
  Package?: string;
  Test?: string;
  Output?: string;
  Elapsed?: number;
}

const PACKAGE_NOISE = /^(PASS|FAIL|ok\s|FAIL\s|exit status \d+|coverage: |---\s|===\s|testing: warning|goos:|goarch:|pkg:|cpu:)/;
const BENCHMARK_RESULT = /^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+([\d.]+) ns\/op/;

/** Adds a benchmark result line to `runs`; `-count=N` repeats a benchmark, which stays one test with the times summed. */
function addBenchmark(runs: TestRun[], m: RegExpExecArray, pkg: string, file: string): void {
  const seconds = (Number(m[2]) * Number(m[3])) / 1e9;
  const same = runs.find((r) => r.name === m[1] && r.suite === pkg && r.status === 'passed');
  if (same) same.seconds += seconds;
  else runs.push({ suite: pkg, classname: pkg, name: m[1], status: 'passed', seconds, report: file });
}

export function parseGoTestJson(text: string, file: string): TestReport {
  const report = emptyReport(file, 'go-test-json');
  const tests = new Map<string, { pkg: string; name: string; output: string[]; action?: string; elapsed: number }>();
  const packages = new Map<string, { output: string[]; failed: boolean }>();
  const pkgState = (name: string) => {
    let state = packages.get(name);
    if (!state) packages.set(name, (state = { output: [], failed: false }));
    return state;
  };
  // Build errors arrive as plain text between the JSON lines: `# pkg` then compiler messages then `FAIL pkg [build failed]`.
  let buildOutput: string[] = [];
  let sawEvent = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line.trim()) continue;
    if (!line.startsWith('{')) {
      const failed = /^FAIL\s+(\S+)\s+\[(build failed|setup failed)\]/.exec(line);
      if (failed) {
        report.runs.push({ suite: failed[1], classname: failed[1], name: `[${failed[2]}]`, status: 'error', seconds: 0, message: 'Build error', details: buildOutput.join('\n') || undefined, report: file });
        buildOutput = [];
      } else if (!line.startsWith('# ')) buildOutput.push(line);
      continue;
    }
    let event: GoEvent;
    try {
      event = JSON.parse(line) as GoEvent;
    } catch {
      throw new InputError(`line ${i + 1} is not valid go test -json output`, { file, hint: 'write the report with `go test -json ./... > report.json`' });
    }
    sawEvent = true;
    const pkg = event.Package ?? '';
    // Older Go versions attribute benchmark results to the last test that ran: recognise them anywhere.
    const bench = event.Action === 'output' ? BENCHMARK_RESULT.exec(event.Output ?? '') : null;
    if (bench) {
      addBenchmark(report.runs, bench, pkg, file);
      continue;
    }
    if (!event.Test) {
      const state = pkgState(pkg);
      if (event.Action === 'output' && event.Output !== undefined) state.output.push(event.Output.replace(/\n$/, ''));
      if (event.Action === 'fail') state.failed = true;
      continue;
    }
    const key = `${pkg}\0${event.Test}`;
    let test = tests.get(key);
    if (!test) tests.set(key, (test = { pkg, name: event.Test, output: [], elapsed: 0 }));
    if (event.Action === 'output' && event.Output !== undefined) {
      const out = event.Output.replace(/\n$/, '');
      if (!/^(=== (RUN|PAUSE|CONT|NAME)|--- (PASS|FAIL|SKIP))/.test(out.trim())) test.output.push(out);
    } else if (event.Action === 'pass' || event.Action === 'fail' || event.Action === 'skip') {
      test.action = event.Action;
      test.elapsed = event.Elapsed ?? 0;
    }
  }
  if (!sawEvent && report.runs.length === 0) {
    throw new InputError('no go test -json events found', { file, hint: 'write the report with `go test -json ./... > report.json`' });
  }
  const failedPackages = new Set<string>();
  for (const test of tests.values()) {
    if (!test.action) continue; // started but never finished: the package failure below reports it
    const status = test.action === 'pass' ? 'passed' : test.action === 'skip' ? 'skipped' : 'failed';
    if (status === 'failed') failedPackages.add(test.pkg);
    const details = test.output.join('\n').trim() || undefined;
    const run: TestRun = { suite: test.pkg, classname: test.pkg, name: test.name, status, seconds: test.elapsed, report: file };
    if (status !== 'passed') {
      run.message = status === 'failed' ? 'Failed' : 'Skipped';
      run.details = details;
    }
    report.runs.push(run);
  }
  for (const [pkg, state] of packages) {
    if (!state.failed || failedPackages.has(pkg)) continue;
    const output = state.output.filter((l) => !PACKAGE_NOISE.test(l.trim()));
    report.runs.push({ suite: pkg, classname: pkg, name: 'Failure', status: 'error', seconds: 0, message: 'Runtime error', details: output.join('\n').trim() || undefined, report: file });
  }
  return report;
}

/** Whether `text` looks like `go test -v` output rather than some other text file. */
export function isGoTestText(text: string): boolean {
  return /^(=== RUN\s|--- (PASS|FAIL|SKIP): |(ok|FAIL)\s+\S+\s+(\d|\(cached\)|\[)|\?\s+\S+\s+\[no test files\])/m.test(text);
}

/** `go test -v` text: results are `--- PASS: Name (0.00s)` lines; a package's tests end at its `ok`/`FAIL pkg` line. */
export function parseGoTestText(text: string, file: string): TestReport {
  const report = emptyReport(file, 'go-test-text');
  let pending: TestRun[] = [];
  let outputs = new Map<string, string[]>();
  let packageOutput: string[] = [];
  const buildOutput = new Map<string, string[]>();
  let buildPackage: string | undefined;
  let current: string | undefined;
  const outputOf = (name: string) => {
    let list = outputs.get(name);
    if (!list) outputs.set(name, (list = []));
    return list;
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+$/, '');
    if (!line) continue;
    let m: RegExpExecArray | null;
    if ((m = /^=== (?:RUN|PAUSE|CONT|NAME)\s+(\S+)/.exec(line))) {
      current = m[1];
      buildPackage = undefined;
    } else if ((m = /--- (PASS|FAIL|SKIP): (\S+)(?: \(([\d.]+)(?:s| seconds)\))?/.exec(line))) {
      // Unanchored: a test that prints without a newline pushes the marker mid-line.
      const status = m[1] === 'PASS' ? 'passed' : m[1] === 'FAIL' ? 'failed' : 'skipped';
      const run: TestRun = { suite: '', classname: '', name: m[2], status, seconds: Number(m[3] ?? 0), report: file };
      pending.push(run);
      current = m[2];
    } else if ((m = BENCHMARK_RESULT.exec(line))) {
      addBenchmark(pending, m, '', file);
    } else if ((m = /^(ok|FAIL)\s+(\S+)(?:\s+(.*))?$/.exec(line))) {
      const pkg = m[2];
      const failedSetup = /\[(build|setup) failed\]/.exec(m[3] ?? '');
      if (failedSetup) {
        report.runs.push({ suite: pkg, classname: pkg, name: `[${failedSetup[1]} failed]`, status: 'error', seconds: 0, message: 'Build error', details: buildOutput.get(pkg)?.join('\n') || undefined, report: file });
        continue;
      }
      for (const run of pending) {
        run.suite = run.classname = pkg;
        if (run.status !== 'passed') {
          run.message = run.status === 'failed' ? 'Failed' : 'Skipped';
          run.details = outputs.get(run.name)?.join('\n').trim() || undefined;
        }
      }
      report.runs.push(...pending);
      const output = packageOutput.filter((l) => !PACKAGE_NOISE.test(l));
      if (m[1] === 'FAIL' && !pending.some((r) => r.status === 'failed')) {
        report.runs.push({ suite: pkg, classname: pkg, name: 'Failure', status: 'error', seconds: 0, message: 'Runtime error', details: output.join('\n') || undefined, report: file });
      }
      pending = [];
      outputs = new Map();
      packageOutput = [];
      current = undefined;
    } else if ((m = /^# (\S+)/.exec(line))) {
      buildPackage = m[1];
      buildOutput.set(buildPackage, []);
    } else if (/^\?\s+\S+\s+\[no test files\]/.test(line)) {
      continue;
    } else if (buildPackage) {
      buildOutput.get(buildPackage)!.push(line);
    } else if (/^Benchmark\S*$/.test(line)) {
      current = line;
    } else if (/^\s/.test(line) && current) {
      outputOf(current).push(line.trim());
    } else {
      packageOutput.push(line);
    }
  }
  if (pending.length > 0) {
    report.runs.push(...pending);
    report.warnings.push(`${file}: the output ends before the package's ok/FAIL line (was go test interrupted?)`);
  }
  return report;
}
