// The deploy-fly action: the same core as `paved deploy fly`, reading the same input table.

import { runAction } from '../../src/platform/github';
import { stringInputsReader } from '../../src/deploy/inputs';
import { deployFly, FLY_ALL_INPUTS, FLY_STEP } from '../../src/deploy/fly/step';

runAction(FLY_STEP, (inputs, face) =>
  deployFly(stringInputsReader((name) => inputs.string(name), FLY_ALL_INPUTS, process.env), {
    cwd: process.cwd(),
    env: process.env,
    log: (message) => face.info(message),
    warn: (message) => face.warning(message),
  }),
);
