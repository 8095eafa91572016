// `paved deploy aks` and `paved deploy functions`: the blue-green and slot-swap deploys (or `--rollback`)
// from a terminal or a GitLab job. The options come from the same input tables the actions read.

import type { CommandSpec } from '../cli/command';
import { AKS_INPUTS, deployAks } from './aks';
import { FUNCTIONS_INPUTS, deployFunctions } from './functions';
import { argsReader, cliIo, cliOptions } from './inputs';

export const deployCommands: CommandSpec[] = [
  {
    path: ['deploy', 'aks'],
    summary: 'blue-green deploy to AKS/Kubernetes: new colour beside the live one, checked, then one Service selector switch',
    description:
      'Applies <app>-<idle colour> from the manifests, waits for it like `kubectl rollout status` (failing fast on ImagePullBackOff, ' +
      'CrashLoopBackOff, ProgressDeadlineExceeded), checks it through the preview Service or a pod, switches the Service selector ' +
      '(merge patch, previous selector kept in an annotation), checks production, and switches back on a failed check where the ' +
      'environment allows it. The old colour stays scaled: --rollback is one selector patch. Booleans: --auto-rollback / --no-auto-rollback.',
    options: cliOptions(AKS_INPUTS),
    examples: [
      'paved deploy aks --environment prod --manifests k8s/overlays/prod --image myacr.azurecr.io/web:1.4.2 --health-path /healthz --record deploy.json',
      'paved deploy aks --environment prod --namespace web --app web --rollback',
    ],
    run: (args, ctx) => deployAks(argsReader(args), cliIo(ctx)),
  },
  {
    path: ['deploy', 'functions'],
    summary: 'Azure Functions deploy to a staging slot, checked, then an ARM slot swap (swapped back on a failed check)',
    description:
      'Zip-deploys the package to the slot through Kudu (polled to completion), warms it on its real host name and health-checks it, ' +
      'optionally applies production settings first (--swap-preview), swaps it into production (long-running operation, Retry-After ' +
      'honoured, 409 retried), checks production and swaps back on failure where the environment allows it. Refuses Flex Consumption ' +
      '(no slots). --rollback swaps the previous version back.',
    options: cliOptions(FUNCTIONS_INPUTS),
    examples: [
      'paved deploy functions --environment prod --subscription $SUB --resource-group rg-api --app func-api --package app.zip --health-path /api/health',
      'paved deploy functions --environment prod --subscription $SUB --resource-group rg-api --app func-api --rollback',
    ],
    run: (args, ctx) => deployFunctions(argsReader(args), cliIo(ctx)),
  },
];
