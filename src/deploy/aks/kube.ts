// A small Kubernetes API client for the blue-green step (apps/v1 Deployments, core/v1 Services and Pods,
// coordination.k8s.io/v1 Leases), over the shared HttpClient: bearer token masked, retries on 429 and
// 5xx honouring Retry-After. Server-side apply for objects from the manifests, JSON merge patch for the
// Service selector switch. Errors are turned into messages that say which object and what to do.

import { InputError } from '../../platform/errors';
import { HttpClient, HttpError } from '../../platform/http';
import type { ProbeTransport } from '../health';

export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; generation?: number; resourceVersion?: string; [k: string]: unknown };
  spec?: any;
  status?: any;
  [k: string]: unknown;
};

export const FIELD_MANAGER = 'paved';

/** REST paths of the namespaced kinds the step may apply from the manifests. */
const KIND_PATHS: Record<string, { group: string; plural: string }> = {
  Deployment: { group: 'apis/apps/v1', plural: 'deployments' },
  Service: { group: 'api/v1', plural: 'services' },
  ConfigMap: { group: 'api/v1', plural: 'configmaps' },
  Secret: { group: 'api/v1', plural: 'secrets' },
  ServiceAccount: { group: 'api/v1', plural: 'serviceaccounts' },
  PersistentVolumeClaim: { group: 'api/v1', plural: 'persistentvolumeclaims' },
  Ingress: { group: 'apis/networking.k8s.io/v1', plural: 'ingresses' },
  HorizontalPodAutoscaler: { group: 'apis/autoscaling/v2', plural: 'horizontalpodautoscalers' },
  PodDisruptionBudget: { group: 'apis/policy/v1', plural: 'poddisruptionbudgets' },
  Lease: { group: 'apis/coordination.k8s.io/v1', plural: 'leases' },
};

export const APPLICABLE_KINDS = Object.keys(KIND_PATHS).filter((k) => k !== 'Lease');

export interface KubeClientOptions {
  server: string;
  token: string;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export class KubeClient {
  readonly http: HttpClient;

  constructor(options: KubeClientOptions) {
    this.http = new HttpClient({
      baseUrl: options.server,
      token: options.token,
      apiName: 'Kubernetes API',
      sleep: options.sleep,
      timeoutMs: options.timeoutMs,
    });
  }

  path(kind: string, namespace: string, name?: string): string {
    const entry = KIND_PATHS[kind];
    if (!entry) throw new InputError(`kind ${kind} is not supported`, { hint: `supported kinds: ${APPLICABLE_KINDS.join(', ')}` });
    return `/${entry.group}/namespaces/${encodeURIComponent(namespace)}/${entry.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  /** Fails with a clear message when the namespace does not exist (or the token cannot see it). */
  async requireNamespace(namespace: string): Promise<void> {
    const res = await this.call('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}`, { expect: [404] });
    if (res.status === 404) {
      throw new InputError(`namespace "${namespace}" does not exist on ${this.http.baseUrl.host}`, { field: 'namespace', hint: 'check --namespace and the kubeconfig context' });
    }
  }

  async get<T extends KubeObject = KubeObject>(kind: string, namespace: string, name: string): Promise<T | undefined> {
    const res = await this.call('GET', this.path(kind, namespace, name), { expect: [404] });
    return res.status === 404 ? undefined : (res.body as T);
  }

  async list<T extends KubeObject = KubeObject>(kind: string, namespace: string, labelSelector?: string): Promise<T[]> {
    const res = await this.call('GET', this.path(kind, namespace), { query: { labelSelector } });
    return ((res.body as { items?: T[] })?.items ?? []) as T[];
  }

  async listPods(namespace: string, labelSelector: string): Promise<KubeObject[]> {
    const res = await this.call('GET', `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, { query: { labelSelector } });
    return ((res.body as { items?: KubeObject[] })?.items ?? []) as KubeObject[];
  }

  /** Server-side apply: creates or updates the fields paved manages; idempotent, so retried safely. */
  async apply<T extends KubeObject = KubeObject>(object: KubeObject, namespace: string): Promise<T> {
    const body = { ...object, metadata: { ...object.metadata, namespace } };
    const res = await this.call('PATCH', this.path(object.kind, namespace, object.metadata.name), {
      body,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: FIELD_MANAGER, force: 'true' },
      retryUnsafe: true,
    });
    return res.body as T;
  }

  /** JSON merge patch (RFC 7386): map keys merge, `null` removes a key. Idempotent for the values it sets. */
  async mergePatch<T extends KubeObject = KubeObject>(kind: string, namespace: string, name: string, patch: unknown): Promise<T> {
    const res = await this.call('PATCH', this.path(kind, namespace, name), {
      body: patch,
      contentType: 'application/merge-patch+json',
      query: { fieldManager: FIELD_MANAGER },
      retryUnsafe: true,
    });
    return res.body as T;
  }

  /** Creates an object; undefined when it already exists (409 AlreadyExists). */
  async create<T extends KubeObject = KubeObject>(object: KubeObject, namespace: string): Promise<T | undefined> {
    const res = await this.call('POST', this.path(object.kind, namespace), { body: { ...object, metadata: { ...object.metadata, namespace } }, expect: [409] });
    return res.status === 409 ? undefined : (res.body as T);
  }

  async remove(kind: string, namespace: string, name: string): Promise<void> {
    await this.call('DELETE', this.path(kind, namespace, name), { expect: [404] });
  }

  /** Health probes through the API server's service or pod proxy (no ingress needed, same credentials). */
  proxyUrl(namespace: string, resource: 'services' | 'pods', name: string, port: number | string): string {
    return this.http.url(`/api/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}:${port}/proxy`);
  }

  readonly proxyTransport: ProbeTransport = async (url, { method }) => {
    const res = await this.http.request(method, url, { expect: [...Array(500).keys()].map((i) => i + 100), headers: { accept: '*/*' } });
    return { status: res.status, body: res.text };
  };

  private async call(method: string, path: string, req: Parameters<HttpClient['request']>[2] = {}) {
    try {
      return await this.http.request(method, path, req);
    } catch (err) {
      throw explain(err, method, path);
    }
  }
}

function explain(err: unknown, method: string, path: string): unknown {
  if (!(err instanceof HttpError)) return err;
  let message = '';
  try {
    message = JSON.parse(err.responseBody)?.message ?? '';
  } catch {
    message = '';
  }
  const what = `${method} ${path}`;
  if (err.status === 401) {
    return new InputError(`the Kubernetes API rejected the token (401 Unauthorized) for ${what}`, {
      field: 'token',
      hint: 'the token is missing or expired: re-run azure/login and kubelogin (or az aks get-credentials), then retry',
    });
  }
  if (err.status === 403) {
    return new InputError(`forbidden (403) for ${what}: ${message}`, { field: 'token', hint: 'grant the deploy identity get/list/patch/create on deployments, services, pods and leases in this namespace' });
  }
  if (err.status === 422) return new InputError(`the API server refused ${what} as invalid: ${message}`, { hint: 'fix the manifest field it names' });
  return err;
}
