// A face is where a step's outcome is delivered: GitHub (outputs, job summary, annotations, sticky
// PR comment), GitLab (dotenv, MR note, collapsible log sections) or a local terminal.

import type { StepOutcome } from './step';

export type FaceKind = 'github' | 'gitlab' | 'local';

export interface PublishOptions {
  /** Print the terminal/log report (false when stdout carries `--format json` data). */
  print: boolean;
}

export interface Face {
  readonly kind: FaceKind;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** A collapsible log section (GitHub `::group::`, GitLab `section_start`), so long steps show progress. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  publish(outcome: StepOutcome, options?: PublishOptions): Promise<void>;
}
