// How a `paved` subcommand is declared. Each domain exports its commands from `src/<domain>/cli.ts`
// and `src/cli/commands.ts` lists them; the parser, `--help` and `--format` handling are shared.

import type { Face } from '../platform/face';
import type { StepOutcome } from '../platform/step';
import type { ParsedArgs } from './args';

export interface OptionSpec {
  /** Long name without dashes: `min-coverage` for `--min-coverage`. */
  name: string;
  short?: string;
  type: 'string' | 'boolean' | 'number';
  /** May be given several times; the value is a list. */
  multiple?: boolean;
  description: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  /** Shown in help: `--policy PATH`. */
  valueName?: string;
  required?: boolean;
  /** Environment variable used when the option is absent (GitLab jobs pass tokens this way). */
  env?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required?: boolean;
  variadic?: boolean;
}

export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  face: Face;
}

export interface CommandSpec {
  /** Words after `paved`: ['plan', 'convert']. */
  path: string[];
  summary: string;
  description?: string;
  options?: OptionSpec[];
  positionals?: PositionalSpec[];
  /**
   * Output formats beyond the built-in `text` (the face's report), `json` (outcome.data) and
   * `markdown` (outcome.markdown); for example `sarif` or `junit`. The first key of `formats`
   * is not the default: `text` always is, unless `defaultFormat` says otherwise.
   */
  formats?: Record<string, (outcome: StepOutcome) => string>;
  defaultFormat?: string;
  /** Commands whose output is always data (like `policy eval`) set this and print it themselves. */
  noFormat?: boolean;
  examples?: string[];
  /** Returns the step's outcome for the shared renderer, or an exit code when it printed its own output. */
  run(args: ParsedArgs, ctx: CliContext): Promise<StepOutcome | number>;
}
