// `deploy-functions`: the one core function the CLI (`paved deploy functions`) and the action
// (`actions/deploy-functions`) both call with the same inputs. Reads the package, builds the ARM client
// and runs the slot-swap strategy through the shared lifecycle.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import type { StepOutcome } from '../../platform/step';
import { COMMON_INPUTS, milliseconds, readCommonInputs, type DeployInputSpec, type InputReader } from '../inputs';
import type { DeployRecord } from '../records';
import { runDeployStep, type DeployIo } from '../run';
import { ArmClient } from './arm';
import type { PublishMethod } from './kudu';
import { FunctionsSlotSwap } from './slot-swap';

export const FUNCTIONS_INPUTS: DeployInputSpec[] = [
  { name: 'app', type: 'string', description: 'Function App name', valueName: 'NAME' },
  { name: 'resource-group', type: 'string', description: 'resource group of the Function App', env: 'AZURE_RESOURCE_GROUP', valueName: 'RG' },
  { name: 'subscription', type: 'string', description: 'subscription id', env: 'AZURE_SUBSCRIPTION_ID', valueName: 'ID' },
  { name: 'package', type: 'string', description: 'the .zip package to deploy (required to deploy)', valueName: 'ZIP' },
  { name: 'slot', type: 'string', description: 'slot to deploy to and swap from', default: 'staging', valueName: 'SLOT' },
  { name: 'publish-method', type: 'string', description: 'Kudu endpoint', choices: ['auto', 'zipdeploy', 'onedeploy'], default: 'auto' },
  { name: 'swap-preview', type: 'boolean', description: "swap with preview: apply production's settings to the slot and check it before completing the swap" },
  { name: 'warmup-path', type: 'string', description: 'path requested to wake the slot before the health check', default: '/', valueName: 'PATH' },
  { name: 'swap-timeout', type: 'number', description: 'deadline for the swap operation, seconds (swaps can take 10-20 minutes)', default: 1800, valueName: 'SECONDS' },
  { name: 'arm-url', type: 'string', description: 'Azure Resource Manager endpoint (sovereign clouds, emulators on loopback)', default: 'https://management.azure.com', env: 'AZURE_ARM_URL', valueName: 'URL' },
  { name: 'token', type: 'secret', description: 'ARM access token (az account get-access-token --resource https://management.azure.com after azure/login)', env: 'AZURE_ACCESS_TOKEN', valueName: 'TOKEN' },
  ...COMMON_INPUTS,
];

export async function deployFunctions(input: InputReader, io: DeployIo): Promise<StepOutcome<DeployRecord>> {
  const common = readCommonInputs(input);
  const required = (name: string, hint: string) => {
    const value = input.string(name);
    if (!value) throw new InputError(`missing --${name}`, { field: name, hint });
    return value;
  };
  const app = required('app', 'the Function App name');
  const resourceGroup = required('resource-group', 'or set AZURE_RESOURCE_GROUP');
  const subscription = required('subscription', 'or set AZURE_SUBSCRIPTION_ID');
  const token = input.secret('token');
  if (!token) {
    throw new InputError('no Azure access token', {
      field: 'token',
      hint: 'after azure/login (OIDC), set AZURE_ACCESS_TOKEN=$(az account get-access-token --resource https://management.azure.com --query accessToken -o tsv)',
    });
  }
  const zip = common.rollback ? undefined : readPackage(input.string('package'), io.cwd);
  const version = common.version ?? io.env.GITHUB_SHA ?? io.env.CI_COMMIT_SHA;
  if (!common.rollback && !version) throw new InputError('cannot tell which version this is', { field: 'version', hint: 'pass --version (default: the commit SHA in CI)' });
  const warmupPath = input.string('warmup-path') ?? '/';
  if (!warmupPath.startsWith('/')) throw new InputError(`must start with "/", got "${warmupPath}"`, { field: 'warmup-path' });
  const arm = new ArmClient({ baseUrl: input.string('arm-url') ?? 'https://management.azure.com', token, subscription, resourceGroup, app, sleep: io.sleep, now: io.now });
  const strategy = new FunctionsSlotSwap({
    arm,
    token,
    subscription,
    resourceGroup,
    app,
    slot: input.string('slot') ?? 'staging',
    zip,
    version,
    publishMethod: (input.string('publish-method') ?? 'auto') as PublishMethod | 'auto',
    swapPreview: input.boolean('swap-preview') ?? false,
    url: common.url,
    warmupPath,
    readyTimeoutMs: common.readyTimeoutMs,
    swapTimeoutMs: milliseconds(input, 'swap-timeout', 1800),
    environmentName: common.environment.name,
  });
  return runDeployStep('deploy-functions', strategy, { ...common, version }, io);
}

function readPackage(file: string | undefined, cwd: string): Buffer {
  if (!file) throw new InputError('missing --package', { field: 'package', hint: 'the .zip to deploy (zip a folder first: cd out && zip -r ../app.zip .)' });
  const full = path.resolve(cwd, file);
  let data: Buffer;
  try {
    if (fs.statSync(full).isDirectory()) throw new InputError('package is a folder; give a .zip', { file, field: 'package', hint: `cd ${file} && zip -r ../app.zip .` });
    data = fs.readFileSync(full);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError('package not found', { file, field: 'package' });
  }
  if (data.length < 4 || data.readUInt32LE(0) !== 0x04034b50) throw new InputError('package is not a zip file', { file, field: 'package', hint: 'build a .zip of the function app' });
  return data;
}
