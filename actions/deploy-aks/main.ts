// The deploy-aks action: the same core as `paved deploy aks`, reading the same input table.

import { runAction } from '../../src/platform/github';
import { stringInputsReader } from '../../src/deploy/inputs';
import { AKS_INPUTS, deployAks } from '../../src/deploy/aks';

runAction('deploy-aks', (inputs, face) =>
  deployAks(stringInputsReader((name) => inputs.string(name), AKS_INPUTS, process.env), {
    cwd: process.cwd(),
    env: process.env,
    log: (message) => face.info(message),
    warn: (message) => face.warning(message),
  }),
);
