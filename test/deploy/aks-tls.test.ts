// The production path over TLS: an API server with its own (self-signed) cluster CA, reached with
// `--server https://… --ca`, the bearer token sent only over the verified connection. The deploy runs in
// a child process (see tls-child.ts); the certificate is generated with openssl for the run.

import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { promisify } from 'node:util';
import { trustClusterCa } from '../../src/deploy/aks/kubeconfig';
import { onPath } from '../../src/platform/exec';
import { tmpDir } from './support';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
// openssl comes from scripts/setup-system.sh where the machine lacks it.
describe('AKS over TLS with the cluster CA', () => {
  let dir: string;
  beforeAll(() => {
    if (!onPath('openssl')) throw new Error('openssl is not on PATH: run scripts/setup-system.sh');
    dir = tmpDir('paved-tls-');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'ca.pem'), '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const child = (env: NodeJS.ProcessEnv) =>
    exec(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'tls-child.ts'), dir], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, TS_NODE_TRANSPILE_ONLY: 'true', ...env },
      timeout: 60000,
    }).then(
      (r) => JSON.parse(r.stdout),
      (e) => JSON.parse(e.stdout || '{}'),
    );

  test('deploys over https with the CA trusted, probing through the API server proxy', async () => {
    const result = await child({ NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.pem') });
    expect(result).toMatchObject({ outcome: 'succeeded', version: '4.0.0' });
    expect(result.checks.every((url: string) => url.startsWith('https://127.0.0.1:'))).toBe(true);
    expect(result.tlsRequests).toBeGreaterThan(5);
  });

  test('without a way to trust the CA (Node 20, no NODE_EXTRA_CA_CERTS) it stops before any request', async () => {
    const canSetAtRunTime = typeof (tls as unknown as { setDefaultCACertificates?: unknown }).setDefaultCACertificates === 'function';
    const result = await child({});
    if (canSetAtRunTime) expect(result).toMatchObject({ outcome: 'succeeded' });
    else expect(result.error).toMatch(/cannot add the cluster CA at run time/);
  });

  test('trustClusterCa accepts a CA this process already trusts through NODE_EXTRA_CA_CERTS', () => {
    const pem = fs.readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    process.env.NODE_EXTRA_CA_CERTS = path.join(dir, 'ca.pem');
    try {
      expect(() => trustClusterCa(pem)).not.toThrow();
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
    }
  });
});
