// `paved deploy aks` through the CLI runner with a kubeconfig, and the same cluster driven by the real
// kubectl (when it is on PATH): kubectl sees the state paved reports, and the kubectl rollback printed
// in the docs works and is understood by the next paved run.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../../src/cli/main';
import { loadManifests } from '../../src/deploy/aks/manifests';
import { onPath } from '../../src/platform/exec';
import { KubernetesEmulator } from './emulators/kubernetes';
import { expectValidRecord, tmpDir } from './support';

const FIXTURES = path.join(__dirname, 'fixtures', 'aks');
const exec = promisify(execFile);

let kube: KubernetesEmulator;
let work: string;

function kubeconfig(file: string, user: string): string {
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'current-context: emulator',
    'clusters:',
    '- name: emulator',
    '  cluster:',
    `    server: ${kube.url}`,
    'contexts:',
    '- name: emulator',
    '  context: {cluster: emulator, user: deployer, namespace: default}',
    'users:',
    '- name: deployer',
    `  user: {${user}}`,
  ].join('\n');
  fs.writeFileSync(file, `${text}\n`);
  return file;
}

beforeEach(async () => {
  // kubectl sends no bearer token over plain http, so the emulator also serves anonymous requests here.
  kube = new KubernetesEmulator({ allowAnonymous: true });
  await kube.start();
  work = tmpDir('paved-aks-cli-');
});
afterEach(async () => {
  await kube.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

function paved(...args: string[]) {
  const config = kubeconfig(path.join(work, 'kubeconfig'), `token: ${kube.token}`);
  return runCli(['deploy', 'aks', '--kubeconfig', config, '--manifests', 'k8s/base', '--environment', 'prod', '--poll-interval', '0.01', '--health-interval', '0.01', '--health-path', '/healthz', ...args], {
    cwd: FIXTURES,
    env: { PATH: process.env.PATH },
  });
}

describe('paved deploy aks (CLI)', () => {
  test('deploys, prints JSON, writes the record, never prints the token', async () => {
    const record = path.join(work, 'record.json');
    const res = await paved('--image', 'registry.example/web:1.2.0', '--record', record, '--format', 'json');
    expect(res.exitCode).toBe(0);
    const data = JSON.parse(res.stdout);
    expect(data).toMatchObject({ outcome: 'succeeded', kind: 'aks', versions: { live: '1.2.0' } });
    expect(res.stderr).toContain('[switching] switching traffic from (nothing) to 1.2.0');
    expect(res.stdout + res.stderr).not.toContain(kube.token);
    expectValidRecord(JSON.parse(fs.readFileSync(record, 'utf8')));
  });

  test('bad option values exit 2 naming the option', async () => {
    const res = await paved('--health-status', 'abc');
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('health-status: expects a status code, got "abc"');
    expect(kube.mutations()).toEqual([]);
  });

  test('a failed deploy exits 1 with the summary on stdout', async () => {
    await paved('--image', 'registry.example/web:1.0.0');
    kube.behaviour.set('registry.example/web:2.0.0', 'pull-fail');
    const res = await paved('--image', 'registry.example/web:2.0.0');
    expect(res.exitCode).toBe(1);
    expect(res.stdout).toContain('aborted before the switch');
    expect(res.stdout).toMatch(/ErrImagePull|ImagePullBackOff/);
  });
});

// kubectl comes from scripts/setup-system.sh (Debian's kubernetes-client where nothing newer is installed).
describe('the same cluster through kubectl', () => {
  beforeAll(() => {
    if (!onPath('kubectl')) throw new Error('kubectl is not on PATH: run scripts/setup-system.sh (installs Debian\'s kubernetes-client)');
  });

  const kubectl = async (...args: string[]) => {
    const config = kubeconfig(path.join(work, 'kubectl-config'), 'username: ci');
    return (await exec('kubectl', ['--kubeconfig', config, ...args], { timeout: 30000 })).stdout;
  };

  test('kubectl sees what paved reports, and the documented kubectl rollback is understood by paved', async () => {
    expect((await paved('--image', 'registry.example/web:1.0.0')).exitCode).toBe(0);
    expect((await paved('--image', 'registry.example/web:1.1.0')).exitCode).toBe(0);
    expect(await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.selector.color}')).toBe('green');
    expect(await kubectl('rollout', 'status', 'deployment/web-green', '--timeout=20s')).toContain('successfully rolled out');
    expect(await kubectl('get', 'deployment', 'web-blue', '-o', 'jsonpath={.metadata.annotations.paved\\.dev/version}')).toBe('1.0.0');

    await kubectl('patch', 'service', 'web', '--type', 'merge', '-p', '{"spec":{"selector":{"color":"blue"}}}');
    const next = await paved('--image', 'registry.example/web:1.2.0', '--format', 'json');
    const record = JSON.parse(next.stdout);
    expect(record.versions).toMatchObject({ previous: '1.0.0', live: '1.2.0' });
    expect(record.details.candidate.colour).toBe('green');
  });

  test('a kustomization folder is rendered with kubectl kustomize (namespace, image tag, replicas)', async () => {
    const m = await loadManifests(['kustomize/overlays/prod'], { cwd: FIXTURES, env: { PATH: process.env.PATH }, colourLabel: 'color' });
    expect(m.namespace).toBe('shop');
    expect(m.deployment.spec.replicas).toBe(4);
    expect(m.deployment.spec.template.spec.containers[0].image).toBe('registry.example/web:2.0.0');
    expect(m.previewService?.metadata.name).toBe('web-preview');
  });

  test('kubectl apply of the colour Deployment paved wrote is accepted (selector unchanged)', async () => {
    expect((await paved('--image', 'registry.example/web:1.0.0')).exitCode).toBe(0);
    const json = await kubectl('get', 'deployment', 'web-blue', '-o', 'json');
    const file = path.join(work, 'web-blue.json');
    fs.writeFileSync(file, json);
    expect(await kubectl('apply', '--validate=false', '-f', file)).toContain('deployment.apps/web-blue');
  });
});
