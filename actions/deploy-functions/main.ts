// The deploy-functions action: the same core as `paved deploy functions`, reading the same input table.

import { runAction } from '../../src/platform/github';
import { stringInputsReader } from '../../src/deploy/inputs';
import { FUNCTIONS_INPUTS, deployFunctions } from '../../src/deploy/functions';

runAction('deploy-functions', (inputs, face) =>
  deployFunctions(stringInputsReader((name) => inputs.string(name), FUNCTIONS_INPUTS, process.env), {
    cwd: process.cwd(),
    env: process.env,
    log: (message) => face.info(message),
    warn: (message) => face.warning(message),
  }),
);
