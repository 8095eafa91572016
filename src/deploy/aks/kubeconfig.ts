// Finds the API server, bearer token and CA for the Kubernetes client: either `--server` + token, or a
// kubeconfig (the one `az aks get-credentials` writes, converted with `kubelogin convert-kubeconfig -l
// azurecli|workloadidentity` for Entra clusters). Exec credential plugins (kubelogin) are run with an
// argument array to mint the token. Client-certificate auth is refused: it cannot go through the shared
// HTTP client, and AKS with Entra ID does not use it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tls from 'node:tls';
import YAML from 'yaml';
import { InputError } from '../../platform/errors';
import { run } from '../../platform/exec';
import { readText } from '../../platform/files';
import { secrets } from '../../platform/redact';

export interface ClusterAccess {
  server: string;
  token: string;
  /** PEM of the cluster CA, when the kubeconfig carries one. */
  caPem?: string;
  /** The context's namespace, used when no namespace is given. */
  namespace?: string;
}

interface KubeconfigFile {
  'current-context'?: string;
  clusters?: Array<{ name: string; cluster?: Record<string, unknown> }>;
  users?: Array<{ name: string; user?: Record<string, any> }>;
  contexts?: Array<{ name: string; context?: { cluster?: string; user?: string; namespace?: string } }>;
}

export async function loadKubeconfig(file: string, options: { context?: string; cwd: string; env: NodeJS.ProcessEnv }): Promise<ClusterAccess> {
  const text = readText(file, 'kubeconfig');
  let config: KubeconfigFile;
  try {
    config = YAML.parse(text) as KubeconfigFile;
  } catch (err) {
    throw new InputError(`kubeconfig is not valid YAML: ${(err as Error).message}`, { file });
  }
  if (!config || typeof config !== 'object') throw new InputError('kubeconfig is empty', { file });
  const contextName = options.context ?? config['current-context'];
  if (!contextName) throw new InputError('kubeconfig has no current-context', { file, field: 'context', hint: 'pass --context NAME' });
  const context = config.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) {
    const known = (config.contexts ?? []).map((c) => c.name).join(', ') || 'none';
    throw new InputError(`context "${contextName}" is not in the kubeconfig (contexts: ${known})`, { file, field: 'context' });
  }
  const cluster = config.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster || typeof cluster.server !== 'string') throw new InputError(`cluster "${context.cluster}" of context "${contextName}" has no server`, { file, field: 'clusters' });
  const user = config.users?.find((u) => u.name === context.user)?.user ?? {};
  if (cluster['insecure-skip-tls-verify'] === true) {
    throw new InputError('insecure-skip-tls-verify is not supported', { file, field: 'clusters', hint: 'give the cluster CA (certificate-authority-data)' });
  }
  const baseDir = path.dirname(path.resolve(options.cwd, file));
  let caPem: string | undefined;
  if (typeof cluster['certificate-authority-data'] === 'string') caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  else if (typeof cluster['certificate-authority'] === 'string') caPem = readText(path.resolve(baseDir, cluster['certificate-authority']), 'cluster CA file');

  let token: string | undefined;
  if (typeof user.token === 'string') token = user.token;
  else if (typeof user.tokenFile === 'string') token = readText(path.resolve(baseDir, user.tokenFile), 'token file').trim();
  else if (user.exec) token = await execCredential(user.exec, { ...options, file });
  else if (user['client-certificate-data'] || user['client-certificate']) {
    throw new InputError(`user "${context.user}" authenticates with a client certificate, which paved does not support`, {
      file,
      field: 'users',
      hint: 'use an Entra ID token: `kubelogin convert-kubeconfig -l azurecli` (or workloadidentity), or pass --server and KUBE_TOKEN',
    });
  }
  if (!token) throw new InputError(`user "${context.user}" has no token, token file or exec plugin`, { file, field: 'users' });
  secrets.add(token);
  return { server: cluster.server, token, caPem, namespace: context.namespace };
}

async function execCredential(exec: Record<string, any>, options: { cwd: string; env: NodeJS.ProcessEnv; file: string }): Promise<string> {
  const command = String(exec.command ?? '');
  if (!command) throw new InputError('exec plugin has no command', { file: options.file, field: 'users.exec.command' });
  const env = { ...options.env };
  for (const item of exec.env ?? []) if (item?.name) env[item.name] = String(item.value ?? '');
  const result = await run(command, (exec.args ?? []).map(String), { cwd: options.cwd, env, timeoutMs: 120000 });
  if (result.exitCode !== 0) {
    throw new InputError(`exec credential plugin "${command}" failed (exit ${result.exitCode}): ${secrets.redact(result.stderr.trim().split('\n').slice(-3).join(' '))}`, {
      file: options.file,
      field: 'users.exec',
      hint: 'run the same command by hand; for kubelogin make sure azure/login ran first',
    });
  }
  let token: unknown;
  try {
    token = JSON.parse(result.stdout)?.status?.token;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || !token) {
    throw new InputError(`exec credential plugin "${command}" printed no ExecCredential status.token`, { file: options.file, field: 'users.exec' });
  }
  return token;
}

/**
 * Makes Node trust the cluster CA for this process (Node ≥ 22.15 / 24: `tls.setDefaultCACertificates`).
 * On older Node the CA must come through NODE_EXTRA_CA_CERTS, which this process read at start-up: the
 * process's own environment is what counts, not the environment handed to the step.
 */
export function trustClusterCa(caPem: string | undefined): void {
  if (!caPem) return;
  const api = tls as unknown as { setDefaultCACertificates?: (certs: string[]) => void; getCACertificates?: (kind: string) => string[] };
  if (api.setDefaultCACertificates && api.getCACertificates) {
    const current = api.getCACertificates('default');
    if (!current.includes(caPem)) api.setDefaultCACertificates([...current, caPem]);
    return;
  }
  const extra = process.env.NODE_EXTRA_CA_CERTS ? path.resolve(process.env.NODE_EXTRA_CA_CERTS) : undefined;
  if (extra && fs.existsSync(extra) && fs.readFileSync(extra, 'utf8').includes(caPem.trim())) return;
  throw new InputError(`this Node (${process.version}) cannot add the cluster CA at run time`, {
    field: 'kubeconfig',
    hint: 'use Node 24, or write the CA to a file and start paved with NODE_EXTRA_CA_CERTS=<file>',
  });
}
