// The local face: a readable terminal report for a developer running `paved` on their machine.

import type { Face, PublishOptions } from './face';
import { markdownToText } from './markdown';
import { writeDotenv } from './outputs';
import { secrets } from './redact';
import type { Annotation, StepOutcome } from './step';

export interface TerminalOptions {
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** Also write outputs as a dotenv file (useful for scripts chaining steps). */
  dotenv?: string;
}

export function formatAnnotation(a: Annotation): string {
  const where = a.file ? `${a.file}${a.line ? `:${a.line}${a.column ? `:${a.column}` : ''}` : ''}: ` : '';
  return `${where}${a.level}: ${a.title ? `${a.title}: ` : ''}${a.message}`;
}

export function outcomeText(outcome: StepOutcome): string {
  return secrets.redact(outcome.text ?? markdownToText(outcome.markdown));
}

export class LocalFace implements Face {
  readonly kind: 'local' | 'gitlab' = 'local';
  protected readonly out: (text: string) => void;
  protected readonly err: (text: string) => void;
  protected readonly dotenv?: string;

  constructor(options: TerminalOptions = {}) {
    this.out = options.out ?? ((t) => process.stdout.write(t));
    this.err = options.err ?? ((t) => process.stderr.write(t));
    this.dotenv = options.dotenv;
  }

  info(message: string): void {
    this.err(`${secrets.redact(message)}\n`);
  }
  warning(message: string): void {
    this.err(`warning: ${secrets.redact(message)}\n`);
  }
  error(message: string): void {
    this.err(`error: ${secrets.redact(message)}\n`);
  }

  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    this.err(`▶ ${secrets.redact(title)}\n`);
    try {
      return await fn();
    } finally {
      this.err(`◀ ${secrets.redact(title)} (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
    }
  }

  async publish(outcome: StepOutcome, options: PublishOptions = { print: true }): Promise<void> {
    if (options.print) {
      this.out(outcomeText(outcome));
      if (outcome.annotations.length > 0) this.out(`\n${outcome.annotations.map((a) => secrets.redact(formatAnnotation(a))).join('\n')}\n`);
    }
    if (this.dotenv) {
      const shareable = Object.entries(outcome.outputs).filter(([name]) => !outcome.secretOutputs?.includes(name));
      writeDotenv(this.dotenv, outcome.step, Object.fromEntries(shareable));
    }
  }
}
