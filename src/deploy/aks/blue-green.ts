// AKS blue-green as a lifecycle strategy. Two Deployments, `<app>-blue` and `<app>-green`, whose selectors
// carry the colour from their creation (the selector is immutable, so it must be there from day one); the
// production Service selects the live colour. A deploy updates the idle colour, waits for it like
// `kubectl rollout status` (failing fast on pod errors), checks it through the preview Service or a pod
// (via the API server proxy, or --preview-url), then switches the Service selector with one merge patch,
// recording the previous selector in an annotation. The old colour stays scaled, so a rollback is one
// selector patch. A Service without a colour that selects a single existing Deployment is migrated: the
// new colour is deployed beside it and the Service switched, with the old Deployment kept for rollback.

import { DeployError, DeployInProgressError, type Candidate, type DeployContext, type DeployStrategy, type Endpoint, type LiveState } from '../lifecycle';
import { InputError, describeError } from '../../platform/errors';
import type { KubeClient, KubeObject } from './kube';
import { COLOURS, imageTag, labelValue, type AppManifests, type Colour } from './manifests';
import { rolloutStatus, waitForRollout } from './rollout';

export const ANNOTATIONS = {
  version: 'paved.dev/version',
  deployId: 'paved.dev/deploy-id',
  deployedAt: 'paved.dev/deployed-at',
  runUrl: 'paved.dev/run-url',
  failed: 'paved.dev/failed',
  previousSelector: 'paved.dev/previous-selector',
  deploy: 'paved.dev/deploy',
} as const;
export const VERSION_LABEL = 'paved.dev/version';
/** A Lease older than this is considered abandoned (a runner that died mid-deploy). */
export const LOCK_TTL_SECONDS = 3600;

export interface BlueGreenOptions {
  kube: KubeClient;
  namespace: string;
  app: string;
  serviceName: string;
  colourLabel: string;
  /** Required to deploy; a rollback works from the cluster alone. */
  manifests?: AppManifests;
  version?: string;
  /** Production URL checked after the switch (default: the Service through the API server proxy). */
  url?: string;
  /** Where to check the new colour before the switch (default: preview Service or a new pod via the proxy). */
  previewUrl?: string;
  /** Container port for pod-proxy probes (default: the first containerPort, else 80). */
  port?: number;
  readyTimeoutMs: number;
  pollIntervalMs: number;
  environmentName: string;
}

type Selector = Record<string, string>;

interface Inspection {
  service?: KubeObject;
  selector?: Selector;
  liveColour?: Colour;
  /** The colour-less Deployment a migration starts from. */
  legacy?: KubeObject;
  liveDeployment?: KubeObject;
  previousSelector?: Selector;
}

export class AksBlueGreen implements DeployStrategy {
  readonly kind = 'aks';
  readonly strategy = 'blue-green';
  readonly target: string;
  private seen: Inspection = {};
  private candidateName?: string;
  private candidateSelector?: Selector;
  private lockHeld = false;

  constructor(private readonly o: BlueGreenOptions) {
    this.target = `aks ${o.namespace}/${o.app}`;
  }

  private get kube(): KubeClient {
    return this.o.kube;
  }

  async inspect(ctx: DeployContext): Promise<LiveState> {
    const { kube, o } = this;
    await kube.requireNamespace(o.namespace);
    const service = await kube.get('Service', o.namespace, o.serviceName);
    const seen: Inspection = { service };
    if (service) {
      const selector: Selector = { ...(service.spec?.selector ?? {}) };
      seen.selector = selector;
      const colour = selector[o.colourLabel];
      if (colour !== undefined) {
        if (!COLOURS.includes(colour as Colour)) {
          throw new InputError(`Service ${o.serviceName} selects ${o.colourLabel}: ${colour}; the colours are blue and green`, { field: 'service' });
        }
        seen.liveColour = colour as Colour;
        seen.liveDeployment = await kube.get('Deployment', o.namespace, `${o.app}-${colour}`);
      } else {
        seen.legacy = await this.findLegacy(selector);
        seen.liveDeployment = seen.legacy;
      }
      const previous = service.metadata.annotations?.[ANNOTATIONS.previousSelector];
      if (previous) seen.previousSelector = parseSelector(previous);
    } else if (ctx.operation === 'rollback') {
      throw new InputError(`Service ${o.serviceName} does not exist in ${o.namespace}: nothing to roll back`, { field: 'service' });
    }
    if (ctx.operation === 'rollback' && !seen.previousSelector) {
      throw new InputError(`Service ${o.serviceName} records no previous version (annotation ${ANNOTATIONS.previousSelector})`, {
        field: 'rollback',
        hint: 'a rollback needs a deploy made by paved before it; redeploy the version you want instead',
      });
    }
    if (ctx.operation === 'deploy') await this.checkCandidateSlot(seen);
    this.seen = seen;
    const live = seen.liveDeployment;
    return {
      version: live ? versionOf(live) : undefined,
      endpoint: service ? this.serviceEndpoint(service) : undefined,
      details: {
        namespace: o.namespace,
        service: o.serviceName,
        selector: seen.selector,
        liveColour: seen.liveColour ?? (seen.legacy ? `legacy Deployment ${seen.legacy.metadata.name}` : undefined),
        liveDeployment: live?.metadata.name,
      },
    };
  }

  /** A Service without a colour must select exactly one existing Deployment's pods (the migration case). */
  private async findLegacy(selector: Selector): Promise<KubeObject> {
    const { o } = this;
    const matching = (await this.kube.list('Deployment', o.namespace)).filter((d) => {
      const labels: Selector = d.spec?.template?.metadata?.labels ?? {};
      const isColour = labels[o.colourLabel] !== undefined;
      return !isColour && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
    });
    if (matching.length !== 1) {
      throw new InputError(
        `Service ${o.serviceName} selects ${JSON.stringify(selector)}, which has no "${o.colourLabel}" key and matches ${matching.length} colour-less Deployments`,
        {
          field: 'service',
          hint: `paved switches the "${o.colourLabel}" key of the selector; a Service without it is migrated only when it selects the pods of exactly one existing Deployment`,
        },
      );
    }
    return matching[0];
  }

  /** The idle colour must not be something the live traffic or a rollback depends on. */
  private async checkCandidateSlot(seen: Inspection): Promise<void> {
    if (!this.o.manifests) throw new InputError('deploying needs the manifests', { field: 'manifests', hint: 'pass --manifests k8s/overlays/<env>' });
    const idle = idleColour(seen.liveColour);
    const existing = await this.kube.get('Deployment', this.o.namespace, `${this.o.app}-${idle}`);
    const existingSelector = existing?.spec?.selector?.matchLabels ?? {};
    if (existing && existingSelector[this.o.colourLabel] !== idle) {
      throw new InputError(`Deployment ${this.o.app}-${idle} exists but its selector has no ${this.o.colourLabel}: ${idle}`, {
        field: 'app',
        hint: 'selectors are immutable: delete that Deployment (it does not serve the Service) and deploy again',
      });
    }
  }

  async acquireLock(ctx: DeployContext): Promise<void> {
    const { kube, o } = this;
    const name = lockName(o.app);
    const lease = (holder: string) => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'paved' } },
      spec: { holderIdentity: holder, leaseDurationSeconds: LOCK_TTL_SECONDS, acquireTime: microTime(ctx.now()), renewTime: microTime(ctx.now()) },
    });
    const holder = `${ctx.deployId}${ctx.source.runUrl ? ` ${ctx.source.runUrl}` : ''}`;
    if (await kube.create(lease(holder), o.namespace)) {
      this.lockHeld = true;
      return;
    }
    const existing = await kube.get('Lease', o.namespace, name);
    const renewed = Date.parse(existing?.spec?.renewTime ?? existing?.spec?.acquireTime ?? '');
    const ttl = Number(existing?.spec?.leaseDurationSeconds ?? LOCK_TTL_SECONDS) * 1000;
    if (existing && !(Number.isFinite(renewed) && ctx.now() - renewed > ttl)) {
      throw new DeployInProgressError(`another deploy holds ${o.namespace}/${name} (${existing.spec?.holderIdentity ?? 'unknown holder'}, since ${existing.spec?.acquireTime ?? '?'})`, {
        field: 'environment',
        hint: `wait for it to finish; if its runner died, delete the lock: kubectl -n ${o.namespace} delete lease ${name}`,
      });
    }
    ctx.warn(`taking over an abandoned deploy lock (${existing?.spec?.holderIdentity ?? 'unknown'}, last renewed ${existing?.spec?.renewTime ?? '?'})`);
    await kube.remove('Lease', o.namespace, name);
    if (!(await kube.create(lease(holder), o.namespace))) throw new DeployInProgressError(`another deploy took ${o.namespace}/${name} at the same moment`);
    this.lockHeld = true;
  }

  async releaseLock(): Promise<void> {
    if (this.lockHeld) await this.kube.remove('Lease', this.o.namespace, lockName(this.o.app));
    this.lockHeld = false;
  }

  async deployCandidate(ctx: DeployContext, live: LiveState): Promise<Candidate> {
    return ctx.operation === 'rollback' ? this.previousAsCandidate(ctx) : this.deployIdleColour(ctx, live);
  }

  private async deployIdleColour(ctx: DeployContext, _live: LiveState): Promise<Candidate> {
    const { kube, o } = this;
    const manifests = o.manifests as AppManifests;
    const version = o.version as string;
    const colour = idleColour(this.seen.liveColour);
    for (const manifest of manifests.others) {
      const other = forColour(manifest, o.app, colour);
      ctx.log(`applying ${other.kind} ${other.metadata.name}`);
      await kube.apply(other, o.namespace);
    }
    const desired = colourDeployment(manifests.deployment, o.app, colour, o.colourLabel, version, ctx);
    this.candidateName = desired.metadata.name;
    ctx.log(`applying Deployment ${desired.metadata.name} (${images(desired).join(', ')})`);
    const applied = await kube.apply(desired, o.namespace);
    if (applied.metadata.annotations?.[ANNOTATIONS.failed]) {
      await kube.mergePatch('Deployment', o.namespace, desired.metadata.name, { metadata: { annotations: { [ANNOTATIONS.failed]: null } } });
    }
    const podSelector = selectorString({ ...desired.spec.template.metadata.labels });
    await waitForRollout(kube, {
      namespace: o.namespace,
      name: desired.metadata.name,
      podSelector,
      deadlineMs: o.readyTimeoutMs,
      intervalMs: o.pollIntervalMs,
      now: ctx.now,
      sleep: ctx.sleep,
      log: ctx.log,
    });
    this.candidateSelector = { ...manifests.service.spec.selector, [o.colourLabel]: colour };
    let preview: Endpoint | undefined;
    if (o.previewUrl) preview = { url: o.previewUrl };
    else if (manifests.previewService) {
      const previewService = withSelector(manifests.previewService, { ...manifests.previewService.spec.selector, [o.colourLabel]: colour });
      ctx.log(`pointing preview Service ${previewService.metadata.name} at ${colour}`);
      const applied = await kube.apply(previewService, o.namespace);
      preview = this.serviceEndpoint(applied);
    } else preview = await this.podEndpoint(podSelector, desired);
    return {
      version,
      preview,
      endpoint: o.url ? { url: o.url } : this.serviceEndpoint(this.seen.service ?? manifests.service),
      details: { colour, deployment: desired.metadata.name, selector: this.candidateSelector, kubectlRollback: this.kubectlRollback() },
    };
  }

  /** Rollback: the previous selector's Deployment, which must still be scaled and healthy. */
  private async previousAsCandidate(ctx: DeployContext): Promise<Candidate> {
    const { kube, o } = this;
    const target = this.seen.previousSelector as Selector;
    const colour = target[o.colourLabel];
    const deployment = colour ? await kube.get('Deployment', o.namespace, `${o.app}-${colour}`) : await this.findLegacy(target);
    if (!deployment) throw new DeployError(`the previous colour's Deployment ${o.app}-${colour} no longer exists`, { hint: 'redeploy the previous version instead' });
    const failed = deployment.metadata.annotations?.[ANNOTATIONS.failed];
    if (failed) throw new DeployError(`the previous Deployment ${deployment.metadata.name} is marked failed (${failed})`, { hint: 'redeploy a known-good version instead' });
    const status = rolloutStatus(deployment);
    if (!status.done || (deployment.status?.availableReplicas ?? 0) < 1) {
      throw new DeployError(`the previous Deployment ${deployment.metadata.name} is not available (${status.message})`, { hint: 'scale it up or redeploy the previous version' });
    }
    this.candidateName = deployment.metadata.name;
    this.candidateSelector = target;
    ctx.log(`previous version ${versionOf(deployment)} is available in ${deployment.metadata.name}`);
    return {
      version: versionOf(deployment),
      preview: o.previewUrl ? { url: o.previewUrl } : await this.podEndpoint(selectorString(deployment.spec.selector.matchLabels), deployment),
      endpoint: o.url ? { url: o.url } : this.seen.service ? this.serviceEndpoint(this.seen.service) : undefined,
      details: { deployment: deployment.metadata.name, selector: target },
    };
  }

  async switchTraffic(ctx: DeployContext, live: LiveState, candidate: Candidate): Promise<void> {
    const { kube, o } = this;
    const target = this.candidateSelector as Selector;
    const record = JSON.stringify({ id: ctx.deployId, version: candidate.version, previousVersion: live.version ?? null, at: new Date(ctx.now()).toISOString(), run: ctx.source.runUrl ?? null });
    if (!this.seen.service) {
      const manifests = this.o.manifests as AppManifests;
      const service = withSelector(manifests.service, target);
      service.metadata.annotations = { ...service.metadata.annotations, [ANNOTATIONS.deploy]: record };
      ctx.log(`creating Service ${o.serviceName} selecting ${JSON.stringify(target)}`);
      await kube.apply(service, o.namespace);
      return;
    }
    const current = this.seen.selector as Selector;
    ctx.log(`patching Service ${o.serviceName} selector ${JSON.stringify(current)} → ${JSON.stringify(target)}`);
    await this.patchSelector(current, target, { [ANNOTATIONS.previousSelector]: JSON.stringify(current), [ANNOTATIONS.deploy]: record });
    // A rollback to a colour-less (pre-migration) Deployment: the colour pods match its selector too.
    if (ctx.operation === 'rollback' && !target[o.colourLabel] && this.seen.liveColour) await this.scaleToZero(ctx, `${o.app}-${this.seen.liveColour}`);
  }

  async switchBack(ctx: DeployContext, _live: LiveState, _candidate: Candidate | undefined): Promise<void> {
    const { o } = this;
    const original = this.seen.selector as Selector;
    const annotations = this.seen.service?.metadata.annotations ?? {};
    ctx.log(`patching Service ${o.serviceName} selector back to ${JSON.stringify(original)}`);
    await this.patchSelector(this.candidateSelector as Selector, original, {
      [ANNOTATIONS.previousSelector]: annotations[ANNOTATIONS.previousSelector] ?? null,
      [ANNOTATIONS.deploy]: annotations[ANNOTATIONS.deploy] ?? null,
    });
    if (this.candidateName) await this.markFailed(ctx, 'failed its health check after the switch');
    if (!original[o.colourLabel] && this.candidateName) await this.scaleToZero(ctx, this.candidateName);
  }

  async discardCandidate(ctx: DeployContext, _live: LiveState, _candidate: Candidate | undefined, error: unknown): Promise<void> {
    if (ctx.operation === 'deploy' && this.candidateName) await this.markFailed(ctx, describeError(error).split('\n')[0]);
  }

  async finalize(ctx: DeployContext, _live: LiveState, _candidate: Candidate): Promise<void> {
    const { kube, o } = this;
    if (ctx.operation !== 'deploy') return;
    const manifests = o.manifests as AppManifests;
    const oldColour = this.seen.liveColour;
    if (manifests.previewService && oldColour) {
      ctx.log(`pointing preview Service ${manifests.previewService.metadata.name} at the previous colour ${oldColour}`);
      await kube.apply(withSelector(manifests.previewService, { ...manifests.previewService.spec.selector, [o.colourLabel]: oldColour }), o.namespace);
    }
    if (this.seen.liveDeployment) ctx.log(`${this.seen.liveDeployment.metadata.name} stays scaled for an instant rollback`);
    if (this.seen.legacy) ctx.log(`migrated from Deployment ${this.seen.legacy.metadata.name}; delete it once you no longer need it for rollback`);
  }

  rollbackCommand(live: LiveState, _candidate: Candidate | undefined): string {
    const { o } = this;
    if (!live.version && !this.seen.service) return `(first deploy: nothing to roll back to; kubectl -n ${o.namespace} delete service ${o.serviceName} takes it offline)`;
    const service = o.serviceName === o.app ? '' : ` --service ${o.serviceName}`;
    return `paved deploy aks --rollback --environment ${o.environmentName} --namespace ${o.namespace} --app ${o.app}${service}`;
  }

  /** The same rollback as one kubectl command, for people without paved at hand (recorded in the details). */
  private kubectlRollback(): string | undefined {
    const { o } = this;
    const back = this.seen.selector;
    if (!back || !this.candidateSelector) return undefined;
    const selector: Record<string, string | null> = { ...back };
    for (const key of Object.keys(this.candidateSelector)) if (!(key in back)) selector[key] = null;
    return `kubectl -n ${o.namespace} patch service ${o.serviceName} --type merge -p '${JSON.stringify({ spec: { selector } })}'`;
  }

  private async patchSelector(from: Selector, to: Selector, annotations: Record<string, string | null>): Promise<void> {
    const { kube, o } = this;
    const selector: Record<string, string | null> = { ...to };
    for (const key of Object.keys(from)) if (!(key in to)) selector[key] = null;
    try {
      await kube.mergePatch('Service', o.namespace, o.serviceName, { metadata: { annotations }, spec: { selector } });
    } catch (err) {
      // The patch may have landed before the connection dropped: believe the cluster, not the error.
      let now: KubeObject | undefined;
      try {
        now = await kube.get('Service', o.namespace, o.serviceName);
      } catch {
        throw new DeployError(`the selector patch of Service ${o.serviceName} failed (${describeError(err)}) and the Service cannot be read back`, { uncertain: true });
      }
      if (!now || !sameSelector(now.spec?.selector ?? {}, to)) throw err;
    }
  }

  private async markFailed(ctx: DeployContext, reason: string): Promise<void> {
    try {
      await this.kube.mergePatch('Deployment', this.o.namespace, this.candidateName as string, { metadata: { annotations: { [ANNOTATIONS.failed]: reason.slice(0, 250) } } });
      ctx.log(`kept ${this.candidateName} for inspection, marked failed`);
    } catch (err) {
      ctx.warn(`could not mark ${this.candidateName} as failed: ${describeError(err)}`);
    }
  }

  private async scaleToZero(ctx: DeployContext, name: string): Promise<void> {
    ctx.log(`scaling ${name} to 0: the colour-less selector would match its pods too`);
    await this.kube.mergePatch('Deployment', this.o.namespace, name, { spec: { replicas: 0 } });
  }

  private serviceEndpoint(service: KubeObject): Endpoint | undefined {
    if (this.o.url) return { url: this.o.url };
    const port = service.spec?.ports?.[0]?.port;
    if (port === undefined) return undefined;
    return {
      url: this.kube.proxyUrl(this.o.namespace, 'services', service.metadata.name, port),
      transport: this.kube.proxyTransport,
      label: `Service ${service.metadata.name} (through the API server proxy)`,
    };
  }

  private async podEndpoint(podSelector: string, deployment: KubeObject): Promise<Endpoint | undefined> {
    const pods = await this.kube.listPods(this.o.namespace, podSelector);
    const ready = pods.find((p) => (p.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'));
    if (!ready) return undefined;
    const container = deployment.spec.template.spec.containers[0];
    const port = this.o.port ?? container?.ports?.[0]?.containerPort ?? 80;
    return {
      url: this.kube.proxyUrl(this.o.namespace, 'pods', ready.metadata.name, port),
      transport: this.kube.proxyTransport,
      label: `pod ${ready.metadata.name} (through the API server proxy)`,
    };
  }
}

export function idleColour(live: Colour | undefined): Colour {
  return live === 'blue' ? 'green' : 'blue';
}

function lockName(app: string): string {
  return `paved-deploy-${app}`.slice(0, 253);
}

/** The manifest's Deployment as `<app>-<colour>`: colour in name, selector and pod labels; version on pods. */
export function colourDeployment(template: KubeObject, app: string, colour: Colour, label: string, version: string, ctx: DeployContext): KubeObject {
  const d = structuredClone(template);
  d.metadata = {
    name: `${app}-${colour}`,
    labels: { ...(template.metadata.labels ?? {}), [label]: colour },
    annotations: {
      ...(template.metadata.annotations ?? {}),
      [ANNOTATIONS.version]: version,
      [ANNOTATIONS.deployId]: ctx.deployId,
      [ANNOTATIONS.deployedAt]: new Date(ctx.now()).toISOString(),
      ...(ctx.source.runUrl ? { [ANNOTATIONS.runUrl]: ctx.source.runUrl } : {}),
    },
  };
  d.spec.selector = { matchLabels: { ...template.spec.selector.matchLabels, [label]: colour } };
  d.spec.template.metadata = {
    ...(template.spec.template.metadata ?? {}),
    labels: { ...(template.spec.template.metadata?.labels ?? {}), [label]: colour, [VERSION_LABEL]: labelValue(version) },
  };
  delete d.status;
  return d;
}

/**
 * An autoscaler aimed at the app's Deployment follows the colour (`<app>-<colour>`, one per colour, so the
 * kept colour keeps its own); everything else is applied as written.
 */
export function forColour(object: KubeObject, app: string, colour: Colour): KubeObject {
  const target = object.spec?.scaleTargetRef;
  if (object.kind !== 'HorizontalPodAutoscaler' || target?.kind !== 'Deployment' || target.name !== app) return object;
  const copy = structuredClone(object);
  copy.metadata = { ...copy.metadata, name: `${object.metadata.name}-${colour}` };
  copy.spec.scaleTargetRef = { ...target, name: `${app}-${colour}` };
  return copy;
}

function withSelector(service: KubeObject, selector: Selector): KubeObject {
  const s = structuredClone(service);
  s.spec = { ...s.spec, selector };
  delete s.status;
  return s;
}

function images(deployment: KubeObject): string[] {
  return (deployment.spec.template.spec.containers ?? []).map((c: { image: string }) => c.image);
}

export function versionOf(deployment: KubeObject): string {
  return deployment.metadata.annotations?.[ANNOTATIONS.version] ?? imageTag(images(deployment)[0] ?? '') ?? deployment.metadata.name;
}

function selectorString(labels: Selector): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function parseSelector(text: string): Selector | undefined {
  try {
    const value = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Selector) : undefined;
  } catch {
    return undefined;
  }
}

function sameSelector(a: Selector, b: Selector): boolean {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}

/** Kubernetes MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
