// `deploy-aks`: the one core function the CLI (`paved deploy aks`) and the action (`actions/deploy-aks`)
// both call with the same inputs. Resolves cluster access, reads and validates the manifests, then runs
// the blue-green strategy through the shared lifecycle.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../../platform/errors';
import { readText } from '../../platform/files';
import type { StepOutcome } from '../../platform/step';
import { COMMON_INPUTS, milliseconds, probeBaseUrl, readCommonInputs, type DeployInputSpec, type InputReader } from '../inputs';
import type { DeployRecord } from '../records';
import { runDeployStep, type DeployIo } from '../run';
import { AksBlueGreen } from './blue-green';
import { KubeClient } from './kube';
import { loadKubeconfig, trustClusterCa, type ClusterAccess } from './kubeconfig';
import { imageTag, loadManifests, substituteImages } from './manifests';

export const AKS_INPUTS: DeployInputSpec[] = [
  { name: 'app', type: 'string', description: 'app name: Deployments <app>-blue/<app>-green (default: the only Deployment in the manifests)', valueName: 'NAME' },
  { name: 'manifests', type: 'list', description: 'manifest folders or YAML files, e.g. k8s/overlays/prod (required to deploy)', valueName: 'PATH' },
  { name: 'namespace', type: 'string', description: 'namespace (default: the manifests\', then the kubeconfig context\'s, then default)', valueName: 'NS' },
  { name: 'service', type: 'string', description: 'production Service whose selector picks the live colour (default: <app>)', valueName: 'NAME' },
  { name: 'colour-label', type: 'string', description: 'selector key that carries the colour', default: 'color', valueName: 'KEY' },
  { name: 'image', type: 'list', description: 'image to deploy, replacing the container image with the same repository', valueName: 'REF' },
  { name: 'preview-url', type: 'string', description: 'URL that reaches the idle colour (default: preview Service or a new pod through the API server proxy)', valueName: 'URL' },
  { name: 'port', type: 'number', description: 'container port probed through the pod proxy (default: first containerPort)', valueName: 'PORT' },
  { name: 'poll-interval', type: 'number', description: 'seconds between rollout status polls', default: 2, valueName: 'SECONDS' },
  { name: 'kubeconfig', type: 'string', description: 'kubeconfig file (az aks get-credentials + kubelogin convert-kubeconfig)', env: 'KUBECONFIG', valueName: 'FILE' },
  { name: 'context', type: 'string', description: 'kubeconfig context (default: current-context)', valueName: 'NAME' },
  { name: 'server', type: 'string', description: 'API server URL, used with token instead of a kubeconfig', env: 'KUBE_SERVER', valueName: 'URL' },
  { name: 'token', type: 'secret', description: 'bearer token for server (e.g. kubelogin get-token output)', env: 'KUBE_TOKEN', valueName: 'TOKEN' },
  { name: 'ca', type: 'string', description: 'cluster CA for server: a PEM file, PEM text or base64 PEM (the certificate-authority-data of the AKS kubeconfig)', env: 'KUBE_CA', valueName: 'CA' },
  ...COMMON_INPUTS,
];

export async function deployAks(input: InputReader, io: DeployIo): Promise<StepOutcome<DeployRecord>> {
  const common = readCommonInputs(input);
  const colourLabel = input.string('colour-label') ?? 'color';
  const manifestPaths = input.list('manifests');
  const manifests = common.rollback && !manifestPaths.length
    ? undefined
    : await loadManifests(manifestPaths, { cwd: io.cwd, env: io.env, app: input.string('app'), service: input.string('service'), colourLabel });
  const app = manifests?.app ?? input.string('app');
  if (!app) throw new InputError('missing the app name', { field: 'app', hint: 'pass --app NAME (or --manifests, which name it)' });
  if (manifests) manifests.deployment = substituteImages(manifests.deployment, input.list('image'));
  else if (input.list('image').length) throw new InputError('--image needs --manifests', { field: 'image' });

  const access = await clusterAccess(input, io);
  const namespace = input.string('namespace') ?? manifests?.namespace ?? access.namespace ?? 'default';
  if (manifests?.namespace && manifests.namespace !== namespace) {
    throw new InputError(`the manifests are for namespace "${manifests.namespace}", not "${namespace}"`, { field: 'namespace', file: manifests.files.join(', ') });
  }
  const image = manifests?.deployment.spec.template.spec.containers[0]?.image as string | undefined;
  const version = common.version ?? (image ? imageTag(image) : undefined) ?? io.env.GITHUB_SHA ?? io.env.CI_COMMIT_SHA;
  if (!common.rollback && !version) throw new InputError('cannot tell which version this is', { field: 'version', hint: 'pass --version, or tag the image' });
  const pollIntervalMs = milliseconds(input, 'poll-interval', 2);

  const kube = new KubeClient({ server: access.server, token: access.token, sleep: io.sleep });
  const strategy = new AksBlueGreen({
    kube,
    namespace,
    app,
    serviceName: input.string('service') ?? app,
    colourLabel,
    manifests,
    version,
    url: common.url,
    previewUrl: probeBaseUrl(input.string('preview-url'), 'preview-url'),
    port: input.number('port'),
    readyTimeoutMs: common.readyTimeoutMs,
    pollIntervalMs,
    environmentName: common.environment.name,
  });
  return runDeployStep('deploy-aks', strategy, { ...common, version }, io);
}

async function clusterAccess(input: InputReader, io: DeployIo): Promise<ClusterAccess> {
  const server = input.string('server');
  const token = input.secret('token');
  let access: ClusterAccess;
  if (server) {
    if (!token) throw new InputError('--server needs a token', { field: 'token', hint: 'set KUBE_TOKEN (e.g. from `kubelogin get-token` or `az account get-access-token --resource 6dae42f8-4368-4678-94ff-3960e28e3630`)' });
    const ca = input.string('ca');
    access = { server, token, caPem: ca === undefined ? undefined : readCa(ca, io.cwd) };
  } else {
    const kubeconfig = input.string('kubeconfig');
    if (!kubeconfig) throw new InputError('no cluster credentials', { field: 'kubeconfig', hint: 'pass --kubeconfig FILE (or KUBECONFIG), or --server URL with KUBE_TOKEN' });
    access = await loadKubeconfig(kubeconfig.split(':')[0], { context: input.string('context'), cwd: io.cwd, env: io.env });
  }
  if (access.server.startsWith('https:')) trustClusterCa(access.caPem);
  return access;
}

/** A CA given as PEM text, a PEM file, or base64 of PEM (how kubeconfigs and CI variables carry it). */
function readCa(value: string, cwd: string): string {
  const isPem = (text: string) => text.includes('-----BEGIN CERTIFICATE-----');
  if (isPem(value)) return value;
  const file = path.resolve(cwd, value);
  if (fs.existsSync(file)) {
    const text = readText(file, 'cluster CA file');
    if (isPem(text)) return text;
    throw new InputError('the CA file holds no PEM certificate', { file: value, field: 'ca' });
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (isPem(decoded)) return decoded;
  throw new InputError('not a PEM certificate, a file holding one, or base64 of one', { field: 'ca', hint: 'e.g. the certificate-authority-data of the kubeconfig' });
}
