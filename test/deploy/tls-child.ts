// Child process of aks-tls.test.ts: the Kubernetes emulator behind an HTTPS front with a self-signed
// cluster CA, and a deploy through `--server https://… --ca ca.pem`, as against a real AKS API server.
// Runs in its own process because Node reads NODE_EXTRA_CA_CERTS only at start-up (on Node 20).

import * as fs from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { AKS_INPUTS, deployAks } from '../../src/deploy/aks';
import { KubernetesEmulator } from './emulators/kubernetes';
import { inputs, testIo } from './support';

async function main(): Promise<void> {
  const [dir] = process.argv.slice(2);
  const kube = new KubernetesEmulator();
  const plain = await kube.start();
  const front = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'ca.pem')) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const answer = await fetch(`${plain}${req.url}`, { method: req.method, headers, body });
      res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      res.end(Buffer.from(await answer.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const server = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
  try {
    const outcome = await deployAks(
      inputs({ server, token: kube.token, ca: path.join(dir, 'ca.pem'), manifests: 'k8s/base', image: 'registry.example/web:4.0.0', environment: 'dev', 'health-path': '/healthz' }, AKS_INPUTS),
      testIo(path.join(__dirname, 'fixtures', 'aks')),
    );
    const tlsRequests = kube.http.requests.filter((r) => r.headers.authorization === `Bearer ${kube.token}`).length;
    process.stdout.write(JSON.stringify({ outcome: outcome.data.outcome, version: outcome.data.versions.live, checks: outcome.data.checks.map((c) => c.url), tlsRequests }));
  } finally {
    front.close();
    await kube.stop();
  }
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ error: String(err?.message ?? err) }));
  process.exitCode = 1;
});
