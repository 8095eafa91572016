// The deploy-databricks action: the same core as `paved deploy databricks`, reading the same input table.

import { runAction } from '../../src/platform/github';
import { stringInputsReader } from '../../src/deploy/inputs';
import { deployDatabricks, DATABRICKS_ALL_INPUTS, DATABRICKS_STEP } from '../../src/deploy/databricks/step';

runAction(DATABRICKS_STEP, (inputs, face) =>
  deployDatabricks(stringInputsReader((name) => inputs.string(name), DATABRICKS_ALL_INPUTS, process.env), {
    cwd: process.cwd(),
    env: process.env,
    log: (message) => face.info(message),
    warn: (message) => face.warning(message),
  }),
);
