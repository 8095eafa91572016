// Every `paved` subcommand. Each domain declares its commands in `src/<domain>/cli.ts`; add one
// import and one spread below per domain.

import type { CommandSpec } from './command';
import { templateCommands } from '../pipelines/cli';
import { cloudCommands } from '../cloud/cli';
import { dispatchCommands } from '../dispatch/cli';
import { flyCommands } from '../deploy/fly/cli';
import { databricksCommands } from '../deploy/databricks/cli';
import { deployCommands } from '../deploy/cli';
import { policyCommands } from '../policy/cli';
import { gateCommands } from '../gate/cli';
import { scanCommands } from '../scan/cli';
import { contractCommands } from '../contract/cli';
import { governorCommands } from '../governor/cli';
import { regoCommands } from '../rego/cli';

export const commands: CommandSpec[] = [
  ...templateCommands,
  ...cloudCommands,
  ...dispatchCommands,
  ...flyCommands,
  ...databricksCommands,
  ...deployCommands,
  ...policyCommands,
  ...gateCommands,
  ...scanCommands,
  ...contractCommands,
  ...governorCommands,
  ...regoCommands,
];
