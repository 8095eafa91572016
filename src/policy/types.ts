// The records policy-check produces: one CheckReport per run, made of conftest-shaped results per
// (input file, namespace). Every writer (table, JSON, JUnit, SARIF, GitHub, GitLab, Markdown) reads
// only these types, so they know nothing of which engine computed the decisions.

export type EngineName = 'builtin' | 'wasm' | 'opa';
export type EngineChoice = 'auto' | EngineName;
export type RegoVersion = 'v0' | 'v1';

/** One message a deny/violation/warn rule produced (conftest's "result"). */
export interface Finding {
  msg: string;
  /** Every other key of an object result, plus `query` (e.g. `data.main.deny`), as conftest reports it. */
  metadata: Record<string, unknown>;
  /** The rule that produced it: `deny`, `warn_missing_tags`, ... */
  rule: string;
  namespace: string;
  /** Where in the input the finding points (from `_loc`, or found by the resource address). */
  loc?: { file: string; line?: number };
  /** The resource the finding concerns, when the metadata or message names one the input contains. */
  resource?: string;
  /** Index of the document in a multi-document input (YAML `---`), when there is more than one. */
  document?: number;
}

/** A rule's decision for one input file: what the Markdown section and the per-rule table show. */
export interface RuleDecision {
  namespace: string;
  rule: string;
  kind: 'failure' | 'warning';
  decision: 'pass' | 'fail' | 'warn' | 'exception';
  findings: number;
  /** From the rule's `# METADATA` annotations, when it has them. */
  title?: string;
  description?: string;
  severity?: string;
}

/** conftest's CheckResult: one input file evaluated in one namespace. */
export interface FileResult {
  filename: string;
  namespace: string;
  successes: number;
  failures: Finding[];
  warnings: Finding[];
  /** Rules waived by an `exception` rule; msg is the exception query, as conftest reports it. */
  exceptions: Finding[];
  decisions: RuleDecision[];
}

export interface CheckSummary {
  files: number;
  documents: number;
  namespaces: string[];
  successes: number;
  failures: number;
  warnings: number;
  exceptions: number;
}

export interface CheckReport {
  /** Which engine decided, stated in every rendering. */
  engine: EngineName;
  verdict: 'pass' | 'fail' | 'warn';
  failOnWarn: boolean;
  summary: CheckSummary;
  results: FileResult[];
}

export interface PolicyTestResult {
  /** `data.<package>.<test_name>` */
  name: string;
  package: string;
  file: string;
  line: number;
  status: 'pass' | 'fail' | 'error' | 'skip';
  durationMs: number;
  error?: string;
  /** Lines the test printed with `print()`. */
  output: string[];
}

export interface PolicyTestReport {
  engine: EngineName;
  regoVersion: RegoVersion;
  results: PolicyTestResult[];
  summary: { pass: number; fail: number; error: number; skip: number; total: number };
}
