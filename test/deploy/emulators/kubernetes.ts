// A loopback emulator of the Kubernetes API slice the blue-green step (and kubectl) uses: discovery,
// namespaces, apps/v1 Deployments, core/v1 Services, Pods, ConfigMaps, coordination.k8s.io Leases; server-
// side apply, merge/strategic patches, label selectors, watch (one batch per request), Status errors, an
// immutable Deployment selector, and a simulated controller that brings replicas up over a few polls.
// Images decide how pods behave (`behaviour`), and the emulated app answers health probes through the
// service/pod proxy and an "ingress" route, per colour: that is where post-switch failures are injected.

import { HttpEmulator, type EmulatedRequest, type EmulatedResponse } from '../../helpers/http-emulator';

export type PodBehaviour = 'ok' | 'pull-fail' | 'crash' | 'never-ready';
type Obj = { apiVersion: string; kind: string; metadata: any; spec?: any; status?: any; [k: string]: any };

interface Sim {
  ticks: number;
  hash: string;
}

const GROUPS: Record<string, { apiVersion: string; kind: string }> = {
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment' },
  services: { apiVersion: 'v1', kind: 'Service' },
  configmaps: { apiVersion: 'v1', kind: 'ConfigMap' },
  secrets: { apiVersion: 'v1', kind: 'Secret' },
  leases: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
  horizontalpodautoscalers: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  pods: { apiVersion: 'v1', kind: 'Pod' },
};

export interface KubernetesEmulatorOptions {
  token?: string;
  namespaces?: string[];
  /** Ticks after which a never-ready Deployment reports ProgressDeadlineExceeded. */
  progressDeadlineTicks?: number;
  /** Also accept requests without credentials (kubectl sends no bearer token over plain http). */
  allowAnonymous?: boolean;
}

export class KubernetesEmulator {
  readonly http = new HttpEmulator();
  readonly objects = new Map<string, Obj>();
  readonly namespaces: Set<string>;
  /** How pods of an image behave (default ok). */
  readonly behaviour = new Map<string, PodBehaviour>();
  /** Images whose app answers 500 on every probe. */
  readonly unhealthy = new Set<string>();
  /** Images whose app answers 500 only when reached through the production Service / ingress. */
  readonly unhealthyLive = new Set<string>();
  token: string;
  url = '';
  private readonly allowAnonymous: boolean;
  private rv = 100;
  private readonly sims = new Map<string, Sim>();
  /** Ticks after which a Deployment whose pods cannot become ready reports ProgressDeadlineExceeded. */
  progressDeadlineTicks: number;

  constructor(options: KubernetesEmulatorOptions = {}) {
    this.token = options.token ?? 'kube-token-123';
    this.namespaces = new Set(options.namespaces ?? ['default']);
    this.progressDeadlineTicks = options.progressDeadlineTicks ?? 6;
    this.allowAnonymous = options.allowAnonymous ?? false;
    this.routes();
  }

  async start(): Promise<string> {
    this.url = await this.http.start();
    return this.url;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  /** Requests that could change state (proxied health probes excluded). */
  mutations(): EmulatedRequest[] {
    return this.http.requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
  }

  get(kind: string, ns: string, name: string): Obj | undefined {
    return this.objects.get(key(plural(kind), ns, name));
  }

  /** Seeds an object as if created earlier (a live Deployment is marked fully rolled out). */
  seed(object: Obj): Obj {
    const p = plural(object.kind);
    const ns = object.metadata.namespace ?? 'default';
    this.namespaces.add(ns);
    const stored = this.store(p, ns, structuredClone(object), undefined);
    if (p === 'deployments') {
      const sim = this.sims.get(key(p, ns, stored.metadata.name)) as Sim;
      sim.ticks = 1000;
      this.tick(stored);
    }
    return stored;
  }

  private routes(): void {
    const h = this.http;
    h.on('GET', '/version', () => ({ body: { major: '1', minor: '32', gitVersion: 'v1.32.0-emulator' } }));
    h.on('GET', '/api', () => ({ body: { kind: 'APIVersions', versions: ['v1'] } }));
    h.on('GET', '/apis', () => ({
      body: {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: ['apps', 'coordination.k8s.io'].map((g) => ({ name: g, versions: [{ groupVersion: `${g}/v1`, version: 'v1' }], preferredVersion: { groupVersion: `${g}/v1`, version: 'v1' } })),
      },
    }));
    h.on('GET', '/api/v1', () => ({ body: resourceList('v1', ['services', 'pods', 'configmaps', 'secrets', 'namespaces']) }));
    h.on('GET', '/apis/apps/v1', () => ({ body: resourceList('apps/v1', ['deployments']) }));
    h.on('GET', '/apis/coordination.k8s.io/v1', () => ({ body: resourceList('coordination.k8s.io/v1', ['leases']) }));
    h.on('GET', '/api/v1/namespaces/:ns', (req) => this.auth(req) ?? (this.namespaces.has(req.params.ns) ? { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: req.params.ns } } } : status(404, 'NotFound', `namespaces "${req.params.ns}" not found`)));
    h.on('GET', '/api/v1/namespaces/:ns/services/:name/proxy/*', (req) => this.auth(req) ?? this.proxyService(req.params.ns, req.params.name.split(':')[0], 'proxy'));
    h.on('GET', '/api/v1/namespaces/:ns/pods/:name/proxy/*', (req) => this.auth(req) ?? this.proxyPod(req.params.ns, req.params.name.split(':')[0]));
    h.on('GET', '/ingress/:ns/:name/*', (req) => this.proxyService(req.params.ns, req.params.name, 'ingress'));
    for (const prefix of ['/api/v1', '/apis/apps/v1', '/apis/coordination.k8s.io/v1', '/apis/autoscaling/v2']) {
      h.on('GET', `${prefix}/namespaces/:ns/:plural`, (req) => this.auth(req) ?? this.list(req));
      h.on('GET', `${prefix}/namespaces/:ns/:plural/:name`, (req) => this.auth(req) ?? this.read(req));
      h.on('POST', `${prefix}/namespaces/:ns/:plural`, (req) => this.auth(req) ?? this.create(req));
      h.on('PATCH', `${prefix}/namespaces/:ns/:plural/:name`, (req) => this.auth(req) ?? this.patch(req));
      h.on('PUT', `${prefix}/namespaces/:ns/:plural/:name`, (req) => this.auth(req) ?? this.put(req));
      h.on('DELETE', `${prefix}/namespaces/:ns/:plural/:name`, (req) => this.auth(req) ?? this.remove(req));
    }
  }

  private auth(req: EmulatedRequest): EmulatedResponse | undefined {
    if (req.headers.authorization === `Bearer ${this.token}`) return undefined;
    if (this.allowAnonymous && req.headers.authorization === undefined) return undefined;
    return status(401, 'Unauthorized', 'Unauthorized');
  }

  private checkNs(ns: string): EmulatedResponse | undefined {
    return this.namespaces.has(ns) ? undefined : status(404, 'NotFound', `namespaces "${ns}" not found`);
  }

  private list(req: EmulatedRequest): EmulatedResponse {
    const { ns, plural: p } = req.params;
    const bad = this.checkNs(ns);
    if (bad) return bad;
    let items = p === 'pods' ? this.pods(ns) : [...this.objects.entries()].filter(([k]) => k.startsWith(`${p}/${ns}/`)).map(([, o]) => o);
    if (p === 'deployments') items.forEach((d) => this.tick(d));
    const labelSelector = req.query.get('labelSelector');
    if (labelSelector) {
      const wanted = Object.fromEntries(labelSelector.split(',').map((pair) => pair.split('=')));
      items = items.filter((o) => Object.entries(wanted).every(([k, v]) => o.metadata.labels?.[k] === v));
    }
    const fieldSelector = req.query.get('fieldSelector');
    if (fieldSelector?.startsWith('metadata.name=')) items = items.filter((o) => o.metadata.name === fieldSelector.slice('metadata.name='.length));
    const kind = GROUPS[p]?.kind ?? 'Object';
    if (req.query.get('watch') === 'true') {
      const events = items.map((o) => JSON.stringify({ type: 'ADDED', object: o })).join('\n');
      return { headers: { 'content-type': 'application/json' }, body: events ? `${events}\n` : '' };
    }
    return { body: { apiVersion: GROUPS[p]?.apiVersion ?? 'v1', kind: `${kind}List`, metadata: { resourceVersion: String(this.rv) }, items: structuredClone(items) } };
  }

  private read(req: EmulatedRequest): EmulatedResponse {
    const { ns, plural: p, name } = req.params;
    const bad = this.checkNs(ns);
    if (bad) return bad;
    const obj = this.objects.get(key(p, ns, name));
    if (!obj) return notFound(p, name);
    if (p === 'deployments') this.tick(obj);
    return { body: structuredClone(obj) };
  }

  private create(req: EmulatedRequest): EmulatedResponse {
    const { ns, plural: p } = req.params;
    const bad = this.checkNs(ns);
    if (bad) return bad;
    const body = req.json as Obj;
    if (this.objects.has(key(p, ns, body.metadata.name))) return status(409, 'AlreadyExists', `${p} "${body.metadata.name}" already exists`);
    return { status: 201, body: this.store(p, ns, body, undefined) };
  }

  private put(req: EmulatedRequest): EmulatedResponse {
    const { ns, plural: p, name } = req.params;
    const existing = this.objects.get(key(p, ns, name));
    if (!existing) return notFound(p, name);
    const body = req.json as Obj;
    if (body.metadata.resourceVersion && body.metadata.resourceVersion !== existing.metadata.resourceVersion) {
      return status(409, 'Conflict', `Operation cannot be fulfilled on ${p} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    }
    return this.replace(p, ns, existing, body);
  }

  private patch(req: EmulatedRequest): EmulatedResponse {
    const { ns, plural: p, name } = req.params;
    const bad = this.checkNs(ns);
    if (bad) return bad;
    const type = String(req.headers['content-type'] ?? '');
    const existing = this.objects.get(key(p, ns, name));
    const body = req.json ?? (type.includes('yaml') ? undefined : {});
    if (body === undefined) return status(400, 'BadRequest', 'the emulator accepts apply patches as JSON only');
    if (type.includes('apply-patch')) {
      if (!existing) return { status: 201, body: this.store(p, ns, body, undefined) };
      const merged = { ...existing, ...body, metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...body.metadata?.labels }, annotations: { ...existing.metadata.annotations, ...body.metadata?.annotations } } };
      return this.replace(p, ns, existing, merged);
    }
    if (!existing) return notFound(p, name);
    if (type.includes('merge-patch') || type.includes('strategic-merge-patch')) return this.replace(p, ns, existing, mergePatch(structuredClone(existing), body));
    return status(415, 'UnsupportedMediaType', `the emulator does not support ${type}`);
  }

  private remove(req: EmulatedRequest): EmulatedResponse {
    const { ns, plural: p, name } = req.params;
    const k = key(p, ns, name);
    if (!this.objects.has(k)) return notFound(p, name);
    this.objects.delete(k);
    this.sims.delete(k);
    return { body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
  }

  private replace(p: string, ns: string, existing: Obj, next: Obj): EmulatedResponse {
    if (p === 'deployments' && next.spec?.selector && JSON.stringify(next.spec.selector) !== JSON.stringify(existing.spec?.selector)) {
      return status(422, 'Invalid', `Deployment.apps "${existing.metadata.name}" is invalid: spec.selector: Invalid value: field is immutable`);
    }
    return { body: this.store(p, ns, next, existing) };
  }

  private store(p: string, ns: string, obj: Obj, existing: Obj | undefined): Obj {
    const k = key(p, ns, obj.metadata.name);
    const specChanged = !existing || JSON.stringify(existing.spec) !== JSON.stringify(obj.spec);
    obj.apiVersion ??= GROUPS[p]?.apiVersion;
    obj.kind ??= GROUPS[p]?.kind;
    obj.metadata = {
      ...obj.metadata,
      namespace: ns,
      uid: existing?.metadata.uid ?? `uid-${this.rv}`,
      resourceVersion: String(++this.rv),
      generation: (existing?.metadata.generation ?? 0) + (specChanged ? 1 : 0),
    };
    if (p === 'deployments') {
      obj.spec.replicas ??= 1;
      obj.status = existing?.status ?? { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, conditions: [] };
      const templateHash = hash(JSON.stringify(obj.spec.template));
      const sim = this.sims.get(k);
      if (specChanged && sim?.hash === templateHash) {
        // A pure scale: the same ReplicaSet, pods above the new count terminate at once.
        for (const field of ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas']) obj.status[field] = Math.min(obj.status[field] ?? 0, obj.spec.replicas);
      } else if (specChanged) this.sims.set(k, { ticks: 0, hash: templateHash });
    }
    this.objects.set(k, obj);
    return structuredClone(obj);
  }

  /** One controller step: the Deployment's replicas move towards its spec, as its image allows. */
  private tick(d: Obj): void {
    const sim = this.sims.get(key('deployments', d.metadata.namespace, d.metadata.name));
    if (!sim) return;
    sim.ticks++;
    const replicas = d.spec.replicas ?? 1;
    const behaviour = this.behaviourOf(d);
    const updated = Math.min(replicas, sim.ticks);
    const available = behaviour === 'ok' ? Math.min(updated, Math.max(0, sim.ticks - 1)) : 0;
    const stuck = behaviour !== 'ok' && sim.ticks >= this.progressDeadlineTicks;
    d.status = {
      observedGeneration: d.metadata.generation,
      replicas: updated,
      updatedReplicas: updated,
      readyReplicas: available,
      availableReplicas: available,
      unavailableReplicas: replicas - available,
      conditions: [
        { type: 'Available', status: available >= replicas ? 'True' : 'False', reason: available >= replicas ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable' },
        stuck
          ? { type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: `ReplicaSet "${d.metadata.name}-${sim.hash}" has timed out progressing.` }
          : { type: 'Progressing', status: 'True', reason: available >= replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated' },
      ],
    };
  }

  private behaviourOf(d: Obj): PodBehaviour {
    const image = d.spec.template.spec.containers[0].image;
    return this.behaviour.get(image) ?? 'ok';
  }

  /** Pods derived from each Deployment's simulated state. */
  private pods(ns: string): Obj[] {
    const pods: Obj[] = [];
    for (const [k, d] of this.objects) {
      if (!k.startsWith(`deployments/${ns}/`)) continue;
      const sim = this.sims.get(k);
      if (!sim) continue;
      const behaviour = this.behaviourOf(d);
      const count = d.status?.updatedReplicas ?? 0;
      const ready = d.status?.readyReplicas ?? 0;
      for (let i = 0; i < count; i++) {
        const container = d.spec.template.spec.containers[0];
        const waiting =
          behaviour === 'pull-fail'
            ? { reason: sim.ticks > 2 ? 'ImagePullBackOff' : 'ErrImagePull', message: `Back-off pulling image "${container.image}"` }
            : behaviour === 'crash' && sim.ticks > 2
              ? { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' }
              : undefined;
        const isReady = i < ready;
        pods.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${d.metadata.name}-${sim.hash}-${i}`, namespace: ns, labels: { ...d.spec.template.metadata.labels, 'pod-template-hash': sim.hash } },
          spec: { containers: d.spec.template.spec.containers },
          status: {
            phase: waiting ? 'Pending' : 'Running',
            conditions: [{ type: 'Ready', status: isReady ? 'True' : 'False' }],
            containerStatuses: [{ name: container.name, image: container.image, ready: isReady, restartCount: behaviour === 'crash' ? sim.ticks : 0, state: waiting ? { waiting } : { running: {} } }],
          },
        });
      }
    }
    return pods;
  }

  /** What the app behind a Service answers: the ready pods its selector picks, as their image behaves. */
  private proxyService(ns: string, name: string, via: 'proxy' | 'ingress'): EmulatedResponse {
    const service = this.objects.get(key('services', ns, name));
    if (!service) return notFound('services', name);
    const selector: Record<string, string> = service.spec.selector ?? {};
    const endpoints = this.pods(ns).filter((p) => p.status.conditions[0].status === 'True' && Object.entries(selector).every(([k, v]) => p.metadata.labels[k] === v));
    if (!endpoints.length) return { status: 503, body: `no endpoints available for service "${name}"` };
    const images = [...new Set(endpoints.map((p) => p.spec.containers[0].image as string))];
    const production = via === 'ingress' || !name.endsWith('-preview');
    const bad = images.find((i) => this.unhealthy.has(i) || (production && this.unhealthyLive.has(i)));
    if (bad) return { status: 500, body: { status: 'error', image: bad } };
    return { body: { status: 'ok', images } };
  }

  private proxyPod(ns: string, name: string): EmulatedResponse {
    const pod = this.pods(ns).find((p) => p.metadata.name === name);
    if (!pod) return notFound('pods', name);
    const image = pod.spec.containers[0].image as string;
    if (this.unhealthy.has(image)) return { status: 500, body: { status: 'error', image } };
    return { body: { status: 'ok', images: [image] } };
  }
}

function key(p: string, ns: string, name: string): string {
  return `${p}/${ns}/${name}`;
}

function plural(kind: string): string {
  const found = Object.entries(GROUPS).find(([, g]) => g.kind === kind);
  if (!found) throw new Error(`emulator: unknown kind ${kind}`);
  return found[0];
}

function status(code: number, reason: string, message: string): EmulatedResponse {
  return { status: code, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code } };
}

function notFound(p: string, name: string): EmulatedResponse {
  return status(404, 'NotFound', `${p} "${name}" not found`);
}

function resourceList(groupVersion: string, plurals: string[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: plurals.map((p) => ({ name: p, singularName: p.replace(/s$/, ''), namespaced: p !== 'namespaces', kind: GROUPS[p]?.kind ?? 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] })),
  };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: any, patch: any): any {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out = target && typeof target === 'object' && !Array.isArray(target) ? target : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function hash(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36).slice(0, 7);
}
