// `paved deploy fly`: the rolling deploy (or `--rollback`) from a terminal or a GitLab job.

import type { CommandSpec } from '../../cli/command';
import { argsReader, cliIo, cliOptions } from '../inputs';
import { deployFly, FLY_ALL_INPUTS } from './step';

export const flyCommands: CommandSpec[] = [
  {
    path: ['deploy', 'fly'],
    summary: 'rolling deploy of a Fly app through the Machines API, rolled back when a check fails',
    description:
      'Records the image every machine of the process group runs, takes every lease, updates the machines one at a time ' +
      '(started, then health checks passing), probes the production URL, and on a failure restores every changed machine ' +
      'to its recorded config. --rollback returns to the image recorded on the machines (or --image).',
    options: cliOptions(FLY_ALL_INPUTS),
    examples: [
      'paved deploy fly --environment prod --image registry.fly.io/web:deployment-01J9 --health-path /healthz',
      'paved deploy fly --environment prod --rollback',
    ],
    run: (args, ctx) => deployFly(argsReader(args), cliIo(ctx)),
  },
];
