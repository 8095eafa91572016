// Inputs of the AKS and Functions steps: the actions declare exactly the inputs the CLI takes (one table
// feeds both), kubeconfig handling (token, exec plugin, refusals), manifest loading and image rewriting,
// and `paved deploy functions` through the CLI runner.

import * as fs from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { AKS_INPUTS } from '../../src/deploy/aks';
import { loadKubeconfig } from '../../src/deploy/aks/kubeconfig';
import { imageTag, loadManifests, repository, substituteImages } from '../../src/deploy/aks/manifests';
import { deployCommands } from '../../src/deploy/cli';
import { FUNCTIONS_INPUTS } from '../../src/deploy/functions';
import { cliOptions, type DeployInputSpec } from '../../src/deploy/inputs';
import { runCli } from '../../src/cli/main';
import { HttpEmulator } from '../helpers/http-emulator';
import { AzureEmulator } from './emulators/azure';
import { tmpDir } from './support';

const ROOT = path.join(__dirname, '..', '..');

describe.each([
  ['deploy-aks', 'aks', AKS_INPUTS],
  ['deploy-functions', 'functions', FUNCTIONS_INPUTS],
] as Array<[string, string, DeployInputSpec[]]>)('%s: action and CLI take the same inputs', (action, command, specs) => {
  const yml = YAML.parse(fs.readFileSync(path.join(ROOT, 'actions', action, 'action.yml'), 'utf8'));

  test('action.yml declares every input of the table, each with a description, and nothing else', () => {
    expect(Object.keys(yml.inputs).sort()).toEqual(specs.map((s) => s.name).sort());
    for (const input of Object.values<{ description: string }>(yml.inputs)) expect(input.description.length).toBeGreaterThan(10);
    expect(Object.keys(yml.outputs)).toEqual(expect.arrayContaining(['url', 'version', 'previous-version', 'outcome']));
    expect(yml.runs).toEqual({ using: 'node24', main: `../../dist/${action}/index.js` });
  });

  test('the CLI command is built from the same table and the action calls the same core', () => {
    const spec = deployCommands.find((c) => c.path.join(' ') === `deploy ${command}`);
    expect(spec?.options).toEqual(cliOptions(specs));
    const main = fs.readFileSync(path.join(ROOT, 'actions', action, 'main.ts'), 'utf8');
    const core = command === 'aks' ? 'deployAks' : 'deployFunctions';
    expect(main).toContain(`${core}(stringInputsReader(`);
    expect(fs.readFileSync(path.join(ROOT, 'src', 'deploy', 'cli.ts'), 'utf8')).toContain(`${core}(argsReader(args)`);
  });
});

describe('kubeconfig', () => {
  let dir: string;
  beforeEach(() => (dir = tmpDir('paved-kubeconfig-')));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (users: unknown, extra: Record<string, unknown> = {}) => {
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'aks',
        clusters: [{ name: 'aks', cluster: { server: 'https://aks-dns.hcp.westeurope.azmk8s.io:443', 'certificate-authority-data': Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64') } }],
        contexts: [{ name: 'aks', context: { cluster: 'aks', user: 'u', namespace: 'shop' } }],
        users: [{ name: 'u', user: users }],
        ...extra,
      }),
    );
    return file;
  };

  test('static token, CA and namespace', async () => {
    const access = await loadKubeconfig(write({ token: 'tok-123456' }), { cwd: dir, env: {} });
    expect(access).toMatchObject({ server: 'https://aks-dns.hcp.westeurope.azmk8s.io:443', token: 'tok-123456', namespace: 'shop' });
    expect(access.caPem).toContain('BEGIN CERTIFICATE');
  });

  test('exec plugin (kubelogin-style) is run with its args and env', async () => {
    const plugin = path.join(dir, 'fake-kubelogin.js');
    fs.writeFileSync(plugin, "process.stdout.write(JSON.stringify({ kind: 'ExecCredential', status: { token: 'exec-' + process.argv[2] + '-' + process.env.AAD_LOGIN_METHOD } }));");
    const file = write({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: process.execPath, args: [plugin, 'get-token'], env: [{ name: 'AAD_LOGIN_METHOD', value: 'workloadidentity' }] } });
    expect((await loadKubeconfig(file, { cwd: dir, env: {} })).token).toBe('exec-get-token-workloadidentity');
  });

  test('refusals name the problem', async () => {
    await expect(loadKubeconfig(write({ 'client-certificate-data': 'x', 'client-key-data': 'y' }), { cwd: dir, env: {} })).rejects.toThrow(/client certificate/);
    await expect(loadKubeconfig(write({ token: 't-12345' }), { cwd: dir, env: {}, context: 'other' })).rejects.toThrow(/context "other" is not in the kubeconfig \(contexts: aks\)/);
    await expect(loadKubeconfig(write({ exec: { command: process.execPath, args: ['-e', 'process.exit(3)'] } }), { cwd: dir, env: {} })).rejects.toThrow(/exec credential plugin .* failed \(exit 3\)/);
    await expect(loadKubeconfig(path.join(dir, 'missing'), { cwd: dir, env: {} })).rejects.toThrow(/kubeconfig not found/);
  });
});

describe('manifests', () => {
  const cwd = path.join(__dirname, 'fixtures', 'aks');
  const opts = { cwd, env: {}, colourLabel: 'color' };

  test('finds the app, Services and other objects in a folder', async () => {
    const m = await loadManifests(['k8s/base'], opts);
    expect(m.app).toBe('web');
    expect(m.service.metadata.name).toBe('web');
    expect(m.previewService?.metadata.name).toBe('web-preview');
    expect(m.others.map((o) => o.kind)).toEqual(['ConfigMap']);
    expect(m.files).toEqual(['k8s/base/configmap.yaml', 'k8s/base/deployment.yaml', 'k8s/base/service.yaml']);
  });

  test('a plain-YAML overlay folder is layered on its base', async () => {
    const m = await loadManifests(['k8s/overlays/prod'], opts);
    expect(m.namespace).toBe('shop');
    expect(m.files).toEqual(['k8s/base/configmap.yaml', 'k8s/base/deployment.yaml', 'k8s/base/service.yaml', 'k8s/overlays/prod/all.yaml']);
    expect(m.deployment.spec.replicas).toBe(3);
    expect(m.deployment.spec.template.spec.containers[0].image).toBe('registry.example/web:1.0.0');
    expect(m.service.spec.selector).toEqual({ app: 'web', color: 'blue' });
    expect(m.others[0]).toMatchObject({ kind: 'ConfigMap', data: { GREETING: 'hello from prod' } });
  });

  test('a kustomization without kubectl on PATH says how to render it', async () => {
    await expect(loadManifests(['kustomize/overlays/prod'], { ...opts, env: { PATH: '/nonexistent' } })).rejects.toThrow(/kustomization, and kubectl is not on PATH/);
  });

  test('an overlay file on its own is not layered (and must be complete)', async () => {
    await expect(loadManifests(['k8s/overlays/prod/all.yaml'], opts)).rejects.toThrow(/Deployment web has no spec.selector.matchLabels/);
  });

  test('invalid YAML is located', async () => {
    const dir = tmpDir('paved-manifests-');
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'kind: Deployment\nmetadata: [oops\n');
    await expect(loadManifests([path.join(dir, 'bad.yaml')], { ...opts, cwd: dir })).rejects.toThrow(/not valid YAML/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('image references', () => {
    expect(repository('myacr.azurecr.io:5000/team/web:1.2@sha256:abc')).toBe('myacr.azurecr.io:5000/team/web');
    expect(imageTag('myacr.azurecr.io:5000/team/web:1.2')).toBe('1.2');
    expect(imageTag('web@sha256:abc')).toBe('sha256:abc');
    expect(imageTag('localhost:5000/web')).toBeUndefined();
  });

  test('--image replaces the containers of the same repository only', async () => {
    const m = await loadManifests(['k8s/base'], opts);
    const out = substituteImages(m.deployment, ['registry.example/web:9.9.9']);
    expect(out.spec.template.spec.containers[0].image).toBe('registry.example/web:9.9.9');
    expect(m.deployment.spec.template.spec.containers[0].image).toBe('registry.example/web:1.0.0');
  });
});

describe('paved deploy functions (CLI)', () => {
  let azure: AzureEmulator;
  let dir: string;
  beforeEach(async () => {
    azure = new AzureEmulator();
    await azure.start();
    dir = tmpDir('paved-func-cli-');
    fs.writeFileSync(path.join(dir, 'app.zip'), Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('v7')]));
  });
  afterEach(async () => {
    await azure.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const cli = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    runCli(['deploy', 'functions', '--app', 'func-api', '--package', 'app.zip', '--version', 'v7', '--health-interval', '0.01', ...args], {
      cwd: dir,
      env: { AZURE_ARM_URL: azure.url, AZURE_ACCESS_TOKEN: azure.token, AZURE_SUBSCRIPTION_ID: 'sub-1', AZURE_RESOURCE_GROUP: 'rg-api', PATH: process.env.PATH, ...env },
    });

  test('deploys through the CLI runner with the token from the environment, never printed', async () => {
    const res = await cli({}, '--environment', 'dev', '--format', 'json');
    expect(res.exitCode).toBe(0);
    expect(JSON.parse(res.stdout)).toMatchObject({ outcome: 'succeeded', versions: { live: 'v7' }, environment: { tier: 'dev', autoRollback: true } });
    expect(res.stdout + res.stderr).not.toContain(azure.token);
    expect(azure.slot('production').code).toBe('v7');
  });

  test('in GitHub Actions with a token: a GitHub deployment with a status per transition', async () => {
    const github = new HttpEmulator();
    github.on('POST', '/repos/:owner/:repo/deployments', () => ({ status: 201, body: { id: 5 } }));
    github.on('POST', '/repos/:owner/:repo/deployments/:id/statuses', () => ({ status: 201, body: {} }));
    const api = await github.start();
    try {
      const env = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'acme/api', GITHUB_SHA: 'f00ba4', GITHUB_RUN_ID: '31', GITHUB_API_URL: api };
      const res = await cli(env, '--environment', 'prod', '--github-token', 'ghs_secret_value');
      expect(res.exitCode).toBe(0);
      const statuses = github.requests.filter((r) => r.path === '/repos/acme/api/deployments/5/statuses').map((r) => r.json);
      expect(statuses.at(-1)).toMatchObject({ state: 'success', environment_url: `http://${azure.host('production')}`, log_url: 'https://github.com/acme/api/actions/runs/31' });
      expect(github.requests[0].json).toMatchObject({ ref: 'f00ba4', environment: 'prod', production_environment: true });
      expect(res.stdout + res.stderr).not.toContain('ghs_secret_value');
    } finally {
      await github.stop();
    }
  });

  test('in a GitLab job, a prod deploy without environment: is refused before any change', async () => {
    const res = await cli({ GITLAB_CI: 'true' }, '--environment', 'prod');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('prod needs an approval, but this GitLab job declares no environment');
    expect(azure.mutations()).toEqual([]);
  });
});
