// Every `paved` subcommand. Each domain declares its commands in `src/<domain>/cli.ts`; add one
// import and one spread below per domain.

import type { CommandSpec } from './command';

export const commands: CommandSpec[] = [
];
