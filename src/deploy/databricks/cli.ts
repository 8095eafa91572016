// `paved deploy databricks`: the versioned-wheel deploy (or `--rollback`) from a terminal or a GitLab job.

import type { CommandSpec } from '../../cli/command';
import { argsReader, cliIo, cliOptions } from '../inputs';
import { deployDatabricks, DATABRICKS_ALL_INPUTS } from './step';

export const databricksCommands: CommandSpec[] = [
  {
    path: ['deploy', 'databricks'],
    summary: 'upload a versioned wheel (Unity Catalog volume or workspace folder) and point a job at it, rolled back when the smoke run fails',
    description:
      'Builds (or takes) the wheel, uploads it to <wheel-dir>/<dist>/<version>/ without ever overwriting a version, resets the job ' +
      'with the wheel swapped in its python_wheel_task libraries or serverless environment (everything else kept), records the ' +
      'previous wheel in the job tags, and optionally smoke-runs the job. --rollback points the job back at the previous wheel.',
    options: cliOptions(DATABRICKS_ALL_INPUTS),
    examples: [
      'paved deploy databricks --environment prod --job-id 123 --wheel-dir /Volumes/main/deploy/wheels --build "python -m build --wheel" --smoke-run',
      'paved deploy databricks --environment prod --job-id 123 --rollback',
    ],
    run: (args, ctx) => deployDatabricks(argsReader(args), cliIo(ctx)),
  },
];
