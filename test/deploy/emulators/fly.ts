// An in-memory Fly Machines API (and the releases REST API) on loopback: machines with process groups,
// leases with owners and nonces, updates that replace the instance, `wait` that answers 408 while a
// machine is not there yet, and health checks whose result depends on the image the machine runs
// (so a test decides which images are "good"). Faults come from HttpEmulator plus the knobs below.

import { HttpEmulator, type EmulatedRequest, type EmulatedResponse } from '../../helpers/http-emulator';

/**
 * healthy: starts, checks pass, app answers 200. unhealthy: starts, checks fail, app answers 500.
 * crash: never starts (stopped). broken: checks pass but the app answers 500 (caught only by the
 * production probe after the rollout).
 */
export type ImageBehaviour = 'healthy' | 'unhealthy' | 'crash' | 'broken';

export interface EmuMachine {
  id: string;
  name: string;
  state: string;
  region: string;
  instance_id: string;
  config: { image: string; metadata: Record<string, string>; checks?: Record<string, unknown>; [key: string]: unknown };
  checks: Array<{ name: string; status: string; output: string; updated_at: string }>;
  lease?: { nonce: string; owner: string; expires_at: number };
  /** Reads left before a replacing machine reaches its next state. */
  startIn: number;
  /** Check reads left before the image's real check result shows (Fly's grace period). */
  graceLeft: number;
}

export interface EmuRelease {
  id: string;
  version: number;
  status: string;
  image_ref: string;
  strategy: string;
  app_name: string;
  metadata?: unknown;
}

export const TOKEN = 'fly-test-token-0123456789';
const OUR_OWNER = 'deployer@example.com';

export class FlyEmulator {
  readonly http = new HttpEmulator();
  readonly machines = new Map<string, EmuMachine>();
  readonly behaviour = new Map<string, ImageBehaviour>();
  /** The release history (releases REST, as flyctl writes it). */
  readonly releases: EmuRelease[] = [];
  /** Reads a replacing machine needs before it is started (or crashes). */
  startDelay = 1;
  /** Check reads that still show "critical: starting" after a start. */
  grace = 1;
  private counter = 0;
  private served = 0;
  /** Lease grants and extensions so far. */
  leaseGrants = 0;

  constructor(readonly app = 'paved-demo') {
    const m = '/v1/apps/:app/machines';
    this.http
      .on('GET', m, (req) => this.guard(req) ?? { body: [...this.machines.values()].map((x) => this.view(x, false)) })
      .on('GET', `${m}/:id`, (req) => this.guard(req) ?? this.withMachine(req, (x) => ({ body: this.view(x, true) })))
      .on('POST', `${m}/:id/lease`, (req) => this.guard(req) ?? this.withMachine(req, (x) => this.acquire(x, req)))
      .on('GET', `${m}/:id/lease`, (req) => this.guard(req) ?? this.withMachine(req, (x) => (x.lease ? { body: { status: 'success', data: x.lease } } : { status: 404, body: { error: 'no lease' } })))
      .on('DELETE', `${m}/:id/lease`, (req) => this.guard(req) ?? this.withMachine(req, (x) => this.release(x, req)))
      .on('POST', `${m}/:id`, (req) => this.guard(req) ?? this.withMachine(req, (x) => this.update(x, req)))
      .on('GET', `${m}/:id/wait`, (req) => this.guard(req) ?? this.withMachine(req, (x) => this.wait(x, req)))
      .on('POST', '/api/v1/releases', (req) => this.guard(req) ?? this.createRelease(req))
      .on('PATCH', '/api/v1/releases/:id', (req) => this.guard(req) ?? this.patchRelease(req))
      // The app itself, as fly-proxy serves it: round-robin over started machines, answering per image.
      .on('GET', '/app/*', () => this.serveApp());
  }

  start(): Promise<string> {
    return this.http.start();
  }
  stop(): Promise<void> {
    return this.http.stop();
  }

  addMachine(id: string, image: string, options: { group?: string; region?: string; checks?: boolean; state?: 'started' | 'stopped' } = {}): EmuMachine {
    const machine: EmuMachine = {
      id,
      name: `m-${id}`,
      state: options.state ?? 'started',
      region: options.region ?? 'ams',
      instance_id: this.nextInstance(),
      config: {
        image,
        metadata: { fly_process_group: options.group ?? 'app' },
        ...(options.checks === false ? {} : { checks: { alive: { type: 'http', port: 8080, path: '/healthz', interval: '10s', grace_period: '5s' } } }),
      },
      checks: [],
      startIn: 0,
      graceLeft: 0,
    };
    this.setChecks(machine);
    this.machines.set(id, machine);
    return machine;
  }

  /** Someone else (another CI run, a human with flyctl) holds this machine's lease. */
  holdLease(id: string, owner: string): void {
    this.machines.get(id)!.lease = { nonce: `other-${id}`, owner, expires_at: Math.floor(Date.now() / 1000) + 600 };
  }

  images(group = 'app'): string[] {
    return [...this.machines.values()].filter((m) => m.config.metadata.fly_process_group === group).map((m) => m.config.image);
  }

  /** Requests that change something (what a "stop before any change" test must find none of). */
  mutations(): EmulatedRequest[] {
    return this.http.requests.filter((r) => r.method !== 'GET' && !/\/lease$/.test(r.path));
  }

  private guard(req: EmulatedRequest): EmulatedResponse | undefined {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return { status: 401, body: { error: 'You must be authenticated to view this.' } };
    if (req.params.app !== undefined && req.params.app !== this.app) return { status: 404, body: { error: `app ${req.params.app} not found` } };
    return undefined;
  }

  private withMachine(req: EmulatedRequest, fn: (m: EmuMachine) => EmulatedResponse): EmulatedResponse {
    const machine = this.machines.get(req.params.id);
    if (!machine) return { status: 404, body: { error: 'machine not found' } };
    this.tick(machine);
    return fn(machine);
  }

  private acquire(m: EmuMachine, req: EmulatedRequest): EmulatedResponse {
    const now = Math.floor(Date.now() / 1000);
    if (m.lease && m.lease.expires_at > now && m.lease.nonce !== req.headers['fly-machine-lease-nonce']) {
      return { status: 409, body: { error: `lease currently held by ${m.lease.owner}, expires at ${new Date(m.lease.expires_at * 1000).toISOString()}` } };
    }
    const ttl = Number(req.query.get('ttl') ?? 30);
    // Our own nonce extends the lease it names; otherwise a new lease is granted.
    const nonce = m.lease && m.lease.nonce === req.headers['fly-machine-lease-nonce'] ? m.lease.nonce : `nonce-${m.id}-${++this.counter}`;
    m.lease = { nonce, owner: OUR_OWNER, expires_at: now + ttl };
    this.leaseGrants++;
    return { body: { status: 'success', data: { ...m.lease, version: m.instance_id } } };
  }

  private release(m: EmuMachine, req: EmulatedRequest): EmulatedResponse {
    if (!m.lease) return { status: 404, body: { error: 'no lease' } };
    if (m.lease.nonce !== req.headers['fly-machine-lease-nonce']) return { status: 409, body: { error: 'lease nonce mismatch' } };
    m.lease = undefined;
    return { body: { status: 'success' } };
  }

  private update(m: EmuMachine, req: EmulatedRequest): EmulatedResponse {
    if (m.lease && m.lease.nonce !== req.headers['fly-machine-lease-nonce']) {
      return { status: 409, body: { error: `lease currently held by ${m.lease.owner}` } };
    }
    if (!req.json?.config?.image) return { status: 400, body: { error: 'config.image is required' } };
    m.config = req.json.config;
    m.instance_id = this.nextInstance();
    // skip_launch leaves the new instance stopped (autostopped machines stay stopped).
    m.state = req.json.skip_launch ? 'stopped' : 'replacing';
    m.startIn = req.json.skip_launch ? 0 : this.startDelay;
    m.graceLeft = this.grace;
    this.setChecks(m);
    return { body: this.view(m, false) };
  }

  private wait(m: EmuMachine, req: EmulatedRequest): EmulatedResponse {
    const instance = req.query.get('instance_id');
    if (m.state === req.query.get('state') && (!instance || instance === m.instance_id)) return { body: { ok: true } };
    return { status: 408, body: { error: 'deadline_exceeded: machine did not reach the requested state' } };
  }

  private createRelease(req: EmulatedRequest): EmulatedResponse {
    if (req.json?.app_name !== this.app) return { status: 404, body: { error: `app ${req.json?.app_name} not found` } };
    const release: EmuRelease = {
      id: `rel_${++this.counter}`,
      version: this.releases.length + 1,
      status: 'pending',
      image_ref: req.json.image,
      strategy: req.json.strategy,
      app_name: req.json.app_name,
    };
    this.releases.push(release);
    return { status: 201, body: { release } };
  }

  private patchRelease(req: EmulatedRequest): EmulatedResponse {
    const release = this.releases.find((r) => r.id === req.params.id);
    if (!release) return { status: 404, body: { error: 'release not found' } };
    release.status = req.json?.status ?? release.status;
    if (req.json?.metadata) release.metadata = req.json.metadata;
    return { body: { release } };
  }

  /** Advances a replacing machine one step per read, and its checks through the grace period. */
  private tick(m: EmuMachine): void {
    if (m.state === 'replacing') {
      if (m.startIn > 0) m.startIn--;
      else m.state = this.behaviourOf(m) === 'crash' ? 'stopped' : 'started';
    }
    this.setChecks(m);
  }

  private setChecks(m: EmuMachine): void {
    const names = Object.keys(m.config.checks ?? {});
    const now = new Date().toISOString();
    let status = 'critical';
    let output = 'machine is not started';
    if (m.state === 'started' && m.startIn === 0 && m.graceLeft > 0) output = 'starting (grace period)';
    else if (m.state === 'started') {
      const healthy = this.behaviourOf(m) === 'healthy' || this.behaviourOf(m) === 'broken';
      status = healthy ? 'passing' : 'critical';
      output = healthy ? 'HTTP 200 OK' : 'HTTP GET http://172.19.0.2:8080/healthz: 500 Internal Server Error';
    }
    m.checks = names.map((name) => ({ name, status, output, updated_at: now }));
  }

  private view(m: EmuMachine, readChecks: boolean): unknown {
    if (readChecks && m.state === 'started' && m.graceLeft > 0) m.graceLeft--;
    return { id: m.id, name: m.name, state: m.state, region: m.region, instance_id: m.instance_id, config: m.config, checks: m.checks };
  }

  private behaviourOf(m: EmuMachine): ImageBehaviour {
    return this.behaviour.get(m.config.image) ?? 'healthy';
  }

  private serveApp(): EmulatedResponse {
    const serving = [...this.machines.values()].filter((m) => m.state === 'started' && m.config.metadata.fly_process_group === 'app');
    if (serving.length === 0) return { status: 503, body: 'no machines available' };
    const machine = serving[this.served++ % serving.length];
    const ok = this.behaviourOf(machine) === 'healthy';
    return { status: ok ? 200 : 500, body: ok ? `ok ${machine.config.image}` : `error in ${machine.config.image}` };
  }

  private nextInstance(): string {
    return `01J${String(++this.counter).padStart(8, '0')}`;
  }
}
