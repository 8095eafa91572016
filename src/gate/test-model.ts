// The shape every test report format is read into: runs (one execution of one test case each),
// plus the counts a suite claims without listing its cases.

export const UNNAMED = '(unnamed)';

export type RunStatus = 'passed' | 'failed' | 'error' | 'skipped';

/** One execution of one test case (a `<testcase>` element, a TRX result, a go test event stream). */
export interface TestRun {
  suite: string;
  classname: string;
  name: string;
  /** Source file as the report gives it (normalised to the repository later). */
  file?: string;
  line?: number;
  status: RunStatus;
  /** Failed attempts before it passed on a rerun inside the same element (Surefire `flakyFailure`/`flakyError`). */
  failedReruns?: number;
  seconds: number;
  message?: string;
  details?: string;
  /** The report file it came from. */
  report: string;
}

/** What a suite without test cases claims in its attributes (counted, since the report gives nothing more). */
export interface CountOnly {
  total: number;
  failed: number;
  errors: number;
  skipped: number;
}

export interface TestReport {
  file: string;
  format: 'junit' | 'trx' | 'nunit' | 'go-test-json' | 'go-test-text';
  runs: TestRun[];
  countOnly: CountOnly;
  warnings: string[];
}

export function emptyReport(file: string, format: TestReport['format']): TestReport {
  return { file, format, runs: [], countOnly: { total: 0, failed: 0, errors: 0, skipped: 0 }, warnings: [] };
}
