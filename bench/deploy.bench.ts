// Deploy step overhead: a full AKS blue-green deploy and a full Functions slot-swap deploy against the
// loopback emulators (waits injected, so only our logic and HTTP remain), each against the floor of the
// same number of bare GET requests to the same emulator; the anchor's kubectl-driven switch (apply,
// rollout status, patch) against ours on the same emulator; and manifest loading against YAML parsing of
// the same files. Medians of several runs; nothing here asserts a time.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import YAML from 'yaml';
import { AKS_INPUTS, deployAks } from '../src/deploy/aks';
import { loadManifests } from '../src/deploy/aks/manifests';
import { FUNCTIONS_INPUTS, deployFunctions } from '../src/deploy/functions';
import { onPath } from '../src/platform/exec';
import type { HttpEmulator } from '../test/helpers/http-emulator';
import { AzureEmulator } from '../test/deploy/emulators/azure';
import { KubernetesEmulator } from '../test/deploy/emulators/kubernetes';
import { inputs, testIo } from '../test/deploy/support';

const RUNS = 7;
const FIXTURES = path.join(__dirname, '..', 'test', 'deploy', 'fixtures', 'aks');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** The floor: `count` sequential bare GETs to the emulator (the HTTP cost our deploy cannot avoid). */
async function bareGets(url: string, count: number): Promise<number> {
  return timed(async () => {
    for (let i = 0; i < count; i++) await (await fetch(`${url}/version`)).text();
  });
}

async function benchDeploy(name: string, emulator: { http: HttpEmulator; url: string }, once: (i: number) => Promise<void>): Promise<void> {
  await once(-1); // warm-up (and the first deploy, so later runs are switches)
  const ours: number[] = [];
  const floor: number[] = [];
  let requests = 0;
  for (let i = 0; i < RUNS; i++) {
    const before = emulator.http.requests.length;
    ours.push(await timed(() => once(i)));
    requests = emulator.http.requests.length - before;
    floor.push(await bareGets(emulator.url, requests));
  }
  const o = median(ours);
  const f = median(floor);
  console.log(`${name}: ${o.toFixed(1)} ms, ${requests} requests (ratio ${(o / f).toFixed(2)} to ${requests} bare GETs, ${f.toFixed(1)} ms)`);
}

async function aks(): Promise<void> {
  const kube = new KubernetesEmulator();
  const url = await kube.start();
  try {
    await benchDeploy('aks blue-green deploy', { http: kube.http, url }, async (i) => {
      const outcome = await deployAks(
        inputs({ server: url, token: kube.token, manifests: 'k8s/base', image: `registry.example/web:1.${i + 2}.0`, environment: 'prod', 'health-path': '/healthz' }, AKS_INPUTS),
        testIo(FIXTURES),
      );
      if (outcome.data.outcome !== 'succeeded') throw new Error(`bench deploy ${outcome.data.outcome}: ${outcome.data.error?.message}`);
    });
  } finally {
    await kube.stop();
  }
}

/**
 * The anchor's way (Azure/k8s-deploy shells out to kubectl): apply the colour Deployment, `rollout status`,
 * patch the Service selector, against the same emulator: what the same switch costs through kubectl.
 */
async function kubectlEquivalent(): Promise<void> {
  if (!onPath('kubectl')) {
    console.log('aks via kubectl (anchor style): not measured, kubectl is not on PATH');
    return;
  }
  const kube = new KubernetesEmulator({ allowAnonymous: true });
  const url = await kube.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-bench-kubectl-'));
  const config = path.join(dir, 'config');
  fs.writeFileSync(config, `apiVersion: v1\nkind: Config\ncurrent-context: e\nclusters:\n- name: e\n  cluster: {server: '${url}'}\ncontexts:\n- name: e\n  context: {cluster: e, user: u, namespace: default}\nusers:\n- name: u\n  user: {username: bench}\n`);
  const kubectl = (...args: string[]) => promisify(execFile)('kubectl', ['--kubeconfig', config, ...args], { timeout: 60000 });
  const ours: number[] = [];
  const anchor: number[] = [];
  try {
    // The anchor-style runs use their own app ("api") so the two never touch each other's objects.
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { app: 'api', color: 'blue' }, ports: [{ port: 80 }] } };
    fs.writeFileSync(path.join(dir, 'service.json'), JSON.stringify(service));
    await kubectl('apply', '--validate=false', '-f', path.join(dir, 'service.json'));
    for (let i = 0; i < RUNS; i++) {
      const colour = i % 2 ? 'blue' : 'green';
      const labels = { app: 'api', color: colour };
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `api-${colour}`, labels },
        spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'api', image: `registry.example/api:9.${i}.0` }] } } },
      };
      const file = path.join(dir, 'deployment.json');
      fs.writeFileSync(file, JSON.stringify(deployment));
      anchor.push(
        await timed(async () => {
          await kubectl('apply', '--validate=false', '-f', file);
          await kubectl('rollout', 'status', `deployment/api-${colour}`, '--timeout=30s');
          await kubectl('patch', 'service', 'api', '--type', 'merge', '-p', JSON.stringify({ spec: { selector: { color: colour } } }));
        }),
      );
      ours.push(
        await timed(async () => {
          const outcome = await deployAks(inputs({ server: url, token: kube.token, manifests: 'k8s/base', image: `registry.example/web:8.${i}.0`, environment: 'dev' }, AKS_INPUTS), testIo(FIXTURES));
          if (outcome.data.outcome !== 'succeeded') throw new Error(`bench deploy ${outcome.data.outcome}: ${outcome.data.error?.message}`);
        }),
      );
    }
  } finally {
    await kube.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const o = median(ours);
  const a = median(anchor);
  console.log(`aks via kubectl apply + rollout status + patch (anchor style, no health checks): ${a.toFixed(1)} ms (ratio ${(a / o).toFixed(2)} to paved's full deploy with checks, ${o.toFixed(1)} ms)`);
}

async function functions(): Promise<void> {
  const azure = new AzureEmulator();
  const url = await azure.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-bench-'));
  const zip = path.join(dir, 'app.zip');
  try {
    await benchDeploy('functions slot-swap deploy', { http: azure.http, url }, async (i) => {
      fs.writeFileSync(zip, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(`v${i + 2}`)]));
      const outcome = await deployFunctions(
        inputs({ 'arm-url': url, token: azure.token, subscription: 'sub-1', 'resource-group': 'rg-api', app: 'func-api', package: zip, version: `v${i + 2}`, environment: 'prod' }, FUNCTIONS_INPUTS),
        testIo(dir),
      );
      if (outcome.data.outcome !== 'succeeded') throw new Error(`bench deploy ${outcome.data.outcome}: ${outcome.data.error?.message}`);
    });
  } finally {
    await azure.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function manifests(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paved-bench-manifests-'));
  const base = fs.readFileSync(path.join(FIXTURES, 'k8s', 'base', 'deployment.yaml'), 'utf8') + '---\n' + fs.readFileSync(path.join(FIXTURES, 'k8s', 'base', 'service.yaml'), 'utf8');
  const configMaps = Array.from({ length: 500 }, (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  key: "${'x'.repeat(200)}"\n`).join('');
  const file = path.join(dir, 'all.yaml');
  fs.writeFileSync(file, `${base}${configMaps}`);
  try {
    const ours: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(await timed(() => loadManifests([file], { cwd: dir, env: {}, colourLabel: 'color' })));
      floor.push(await timed(async () => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS())));
    }
    const o = median(ours);
    const f = median(floor);
    console.log(`aks manifests, 503 documents: ${o.toFixed(1)} ms (ratio ${(o / f).toFixed(2)} to YAML.parseAllDocuments, ${f.toFixed(1)} ms)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

(async () => {
  await aks();
  await kubectlEquivalent();
  await functions();
  await manifests();
})().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
