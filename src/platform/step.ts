// The record every step's core returns. Front-ends (GitHub action, GitLab job, local CLI) only
// render and deliver it, which is what makes the platforms behave identically.

export type Verdict = 'pass' | 'fail' | 'warn' | 'error';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  /** Relative to the repository root. */
  file?: string;
  line?: number;
  endLine?: number;
  column?: number;
}

export interface StepOutcome<T = unknown> {
  /** The step's name: `plan`, `apply`, `policy-check`, `quality-gate`, `security-scan`, `deploy-aks`, ... */
  step: string;
  verdict: Verdict;
  /** 0 success, 1 gate failed (2, bad input, is raised as an InputError instead). */
  exitCode: number;
  /** One line: what happened. */
  title: string;
  /** The job summary / PR comment section body (GitHub-flavoured Markdown). */
  markdown: string;
  /** Terminal rendering; derived from `markdown` when absent. */
  text?: string;
  annotations: Annotation[];
  /** Action outputs on GitHub, dotenv variables on GitLab (names in kebab-case; the GitLab face upper-snakes them). */
  outputs: Record<string, string>;
  /**
   * Outputs whose value is itself a secret meant for the next step (an access token). GitHub gets
   * them unredacted but masked; they are never written to a dotenv artifact or printed.
   */
  secretOutputs?: string[];
  /** The step's result record, printed by `--format json`. */
  data: T;
  /** When set, the markdown is also posted as a sticky PR/MR comment under this key. */
  commentKey?: string;
  /** Report files the step wrote, for the GitLab template's `artifacts:reports` and the action's outputs. */
  files?: Array<{ path: string; kind: string }>;
}

export function verdictIcon(verdict: Verdict): string {
  return { pass: '✅', fail: '❌', warn: '⚠️', error: '💥' }[verdict];
}
