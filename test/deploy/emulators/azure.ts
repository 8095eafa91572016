// A loopback emulator of the Azure slice a Functions slot-swap deploy uses: ARM (site, slots, plan, app
// settings, publishing credentials, slotsswap as a long-running operation in either the Location or the
// Azure-AsyncOperation style, applySlotConfig/resetSlotConfig), Kudu per slot (zipdeploy/OneDeploy with
// deployments progressing over polls, 409 while one runs), and the app itself on each slot's host name,
// whose health follows the code deployed there ("broken" fails everywhere, "broken-live" only in production).

import { HttpEmulator, type EmulatedRequest, type EmulatedResponse } from '../../helpers/http-emulator';

export interface SlotState {
  code: string;
  settings: Record<string, string>;
  previewApplied: boolean;
  deployments: Array<{ id: string; status: number; polls: number; code: string; message: string }>;
}

export interface AzureEmulatorOptions {
  token?: string;
  app?: string;
  planTier?: string;
  linux?: boolean;
  flex?: boolean;
  slots?: string[];
  lroStyle?: 'location' | 'async';
}

export class AzureEmulator {
  readonly http = new HttpEmulator();
  readonly slots = new Map<string, SlotState>();
  /** App settings that stay with their slot on a swap. */
  readonly sticky = new Set<string>(['SLOT_NAME']);
  token: string;
  readonly app: string;
  planTier: string;
  linux: boolean;
  flex: boolean;
  lroStyle: 'location' | 'async';
  /** Polls before a swap operation finishes. */
  swapPolls = 2;
  /** The next swap operation ends Failed (and swaps nothing). */
  failNextSwap = false;
  /** Kudu deployments of code containing this text end Failed. */
  failingCode = 'fails-to-build';
  url = '';
  private opSeq = 0;
  private readonly operations = new Map<string, { polls: number; done: boolean; failed: boolean; run: () => void }>();
  private lastSwap?: { timestampUtc: string; sourceSlotName: string; destinationSlotName: string };

  constructor(options: AzureEmulatorOptions = {}) {
    this.token = options.token ?? 'arm-token-xyz';
    this.app = options.app ?? 'func-api';
    this.planTier = options.planTier ?? 'ElasticPremium';
    this.linux = options.linux ?? true;
    this.flex = options.flex ?? false;
    this.lroStyle = options.lroStyle ?? 'location';
    for (const slot of ['production', ...(options.slots ?? ['staging'])]) {
      this.slots.set(slot, { code: slot === 'production' ? 'v0' : '', settings: { SLOT_NAME: slot, FUNCTIONS_WORKER_RUNTIME: 'node' }, previewApplied: false, deployments: [] });
    }
    this.routes();
  }

  async start(): Promise<string> {
    this.url = await this.http.start();
    return this.url;
  }

  stop(): Promise<void> {
    return this.http.stop();
  }

  slot(name: string): SlotState {
    const s = this.slots.get(name);
    if (!s) throw new Error(`emulator: no slot ${name}`);
    return s;
  }

  /** Requests that could change state (the app's own health endpoints and read-only list calls excluded). */
  mutations(): EmulatedRequest[] {
    return this.http.requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/list'));
  }

  host(slot: string): string {
    return `${this.url.replace(/^http:\/\//, '')}/host/${slot}`;
  }

  private routes(): void {
    const h = this.http;
    const site = '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Web/sites/:app';
    h.on('GET', site, (req) => this.arm(req, () => ({ body: this.siteJson('production') })));
    h.on('GET', `${site}/slots/:slot`, (req) => this.arm(req, () => (this.slots.has(req.params.slot) ? { body: this.siteJson(req.params.slot) } : armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Web/sites/${this.app}/slots/${req.params.slot}' under resource group '${req.params.rg}' was not found.`))));
    h.on('GET', '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.Web/serverfarms/:plan', (req) =>
      this.arm(req, () => ({ body: { name: req.params.plan, sku: { tier: this.flex ? 'FlexConsumption' : this.planTier, name: this.flex ? 'FC1' : 'EP1' }, kind: this.linux ? 'linux' : 'app' } })),
    );
    for (const [prefix, slotOf] of [
      [site, () => 'production'],
      [`${site}/slots/:slot`, (req: EmulatedRequest) => req.params.slot],
    ] as Array<[string, (req: EmulatedRequest) => string]>) {
      h.on('POST', `${prefix}/config/appsettings/list`, (req) => this.arm(req, () => ({ body: { properties: { ...this.slot(slotOf(req)).settings } } })));
      h.on('PUT', `${prefix}/config/appsettings`, (req) =>
        this.arm(req, () => {
          this.slot(slotOf(req)).settings = { ...req.json.properties };
          return { body: { properties: req.json.properties } };
        }),
      );
      h.on('POST', `${prefix}/config/publishingcredentials/list`, (req) =>
        this.arm(req, () => ({ body: { properties: { scmUri: `http://$${this.app}:s3cr3t-publish@${this.url.replace(/^http:\/\//, '')}/kudu/${slotOf(req)}`, publishingUserName: `$${this.app}`, publishingPassword: 's3cr3t-publish' } } })),
      );
    }
    h.on('POST', `${site}/slots/:slot/slotsswap`, (req) => this.arm(req, () => this.startSwap(req.params.slot, req.json?.targetSlot ?? 'production')));
    h.on('POST', `${site}/slots/:slot/applySlotConfig`, (req) =>
      this.arm(req, () => {
        this.slot(req.params.slot).previewApplied = true;
        return { body: {} };
      }),
    );
    h.on('POST', `${site}/slots/:slot/resetSlotConfig`, (req) =>
      this.arm(req, () => {
        this.slot(req.params.slot).previewApplied = false;
        return { body: {} };
      }),
    );
    h.on('GET', '/subscriptions/:sub/providers/Microsoft.Web/locations/westeurope/operationResults/:id', (req) => this.arm(req, () => this.pollOperation(req.params.id, 'location')));
    h.on('GET', '/subscriptions/:sub/providers/Microsoft.Web/locations/westeurope/operations/:id', (req) => this.arm(req, () => this.pollOperation(req.params.id, 'async')));

    h.on('GET', '/kudu/:slot/api/deployments/latest', (req) => this.kudu(req, (s) => (s.deployments.length ? this.deploymentJson(req.params.slot, s.deployments.at(-1)!, false) : { status: 404, body: { Message: 'No deployment found' } })));
    h.on('GET', '/kudu/:slot/api/deployments/:id', (req) =>
      this.kudu(req, (s) => {
        const d = s.deployments.find((x) => x.id === req.params.id);
        return d ? this.deploymentJson(req.params.slot, d, true) : { status: 404, body: { Message: 'not found' } };
      }),
    );
    for (const path of ['/kudu/:slot/api/zipdeploy', '/kudu/:slot/api/publish']) {
      h.on('POST', path, (req) =>
        this.kudu(req, (s) => {
          if (s.deployments.some((d) => d.status < 3)) return { status: 409, body: 'There is a deployment currently in progress. Please try again when it completes.' };
          const id = `dep-${s.deployments.length + 1}`;
          s.deployments.push({ id, status: 0, polls: 0, code: req.body.subarray(4).toString('utf8'), message: req.query.get('message') ?? '' });
          return { status: 202, headers: { location: `${this.url}/kudu/${req.params.slot}/api/deployments/${id}`, 'retry-after': '1' }, body: '' };
        }),
      );
    }
    h.on('GET', '/host/:slot/*', (req) => {
      const s = this.slots.get(req.params.slot);
      if (!s) return { status: 404, body: 'no such host' };
      if (!s.code) return { status: 503, body: 'Function host is not running.' };
      if (s.code.includes('broken') && (!s.code.includes('broken-live') || req.params.slot === 'production')) return { status: 500, body: { status: 'error', code: s.code } };
      return { body: { status: 'ok', code: s.code, version: s.settings.PAVED_VERSION ?? null } };
    });
  }

  private arm(req: EmulatedRequest, handler: () => EmulatedResponse): EmulatedResponse {
    if (req.headers.authorization !== `Bearer ${this.token}`) return armError(401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.');
    if (req.params.app && req.params.app !== this.app) return armError(404, 'ResourceNotFound', `The Resource 'Microsoft.Web/sites/${req.params.app}' was not found.`);
    return handler();
  }

  private kudu(req: EmulatedRequest, handler: (slot: SlotState) => EmulatedResponse): EmulatedResponse {
    if (req.headers.authorization !== `Bearer ${this.token}`) return { status: 401, body: 'Unauthorized' };
    const slot = this.slots.get(req.params.slot);
    return slot ? handler(slot) : { status: 404, body: 'no such slot' };
  }

  private siteJson(slot: string) {
    const name = slot === 'production' ? this.app : `${this.app}/${slot}`;
    return {
      id: `/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/sites/${name}`,
      name,
      kind: this.linux ? 'functionapp,linux' : 'functionapp',
      location: 'West Europe',
      properties: {
        state: 'Running',
        defaultHostName: this.host(slot),
        serverFarmId: '/subscriptions/sub-1/resourceGroups/rg-api/providers/Microsoft.Web/serverfarms/plan-api',
        slotSwapStatus: this.lastSwap,
        ...(this.flex ? { functionAppConfig: { deployment: {} } } : {}),
      },
    };
  }

  private deploymentJson(slot: string, d: SlotState['deployments'][number], advance: boolean): EmulatedResponse {
    if (advance && d.status < 3) {
      d.polls++;
      if (d.polls >= 2) {
        d.status = d.code.includes(this.failingCode) ? 3 : 4;
        if (d.status === 4) this.slot(slot).code = d.code;
      } else d.status = 1;
    }
    const complete = d.status >= 3;
    return {
      status: complete ? 200 : 202,
      body: { id: d.id, status: d.status, status_text: complete ? '' : 'Building', complete, message: d.message, log_url: `${this.url}/kudu/${slot}/api/deployments/${d.id}/log`, site_name: this.app },
    };
  }

  private busy(): boolean {
    return [...this.operations.values()].some((o) => !o.done);
  }

  private startSwap(source: string, target: string): EmulatedResponse {
    if (!this.slots.has(source) || !this.slots.has(target)) return armError(404, 'ResourceNotFound', `slot ${source} or ${target} not found`);
    if (this.busy()) return armError(409, 'Conflict', `Cannot modify this site because another operation is in progress. Details: Id: x, OperationName: SwapSiteSlots, CreatedTime: now, WorkerName: w, DestinationSlot: ${target}`);
    const id = `op-${++this.opSeq}`;
    const failed = this.failNextSwap;
    this.failNextSwap = false;
    this.operations.set(id, {
      polls: 0,
      done: false,
      failed,
      run: () => {
        const a = this.slot(source);
        const b = this.slot(target);
        [a.code, b.code] = [b.code, a.code];
        const moving = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([k]) => !this.sticky.has(k)));
        const staying = (s: Record<string, string>) => Object.fromEntries(Object.entries(s).filter(([k]) => this.sticky.has(k)));
        const [ma, mb] = [moving(a.settings), moving(b.settings)];
        a.settings = { ...staying(a.settings), ...mb };
        b.settings = { ...staying(b.settings), ...ma };
        a.previewApplied = false;
        this.lastSwap = { timestampUtc: new Date().toISOString(), sourceSlotName: source, destinationSlotName: target };
      },
    });
    const base = `${this.url}/subscriptions/sub-1/providers/Microsoft.Web/locations/westeurope`;
    const headers: Record<string, string> = this.lroStyle === 'async'
      ? { 'azure-asyncoperation': `${base}/operations/${id}?api-version=2024-04-01`, 'retry-after': '1' }
      : { location: `${base}/operationResults/${id}?api-version=2024-04-01`, 'retry-after': '1' };
    return { status: 202, headers, body: '' };
  }

  private pollOperation(id: string, style: 'location' | 'async'): EmulatedResponse {
    const op = this.operations.get(id);
    if (!op) return armError(404, 'NotFound', 'operation not found');
    if (!op.done) {
      op.polls++;
      if (op.polls >= this.swapPolls) {
        op.done = true;
        if (!op.failed) op.run();
      }
    }
    if (style === 'async') {
      const status = !op.done ? 'InProgress' : op.failed ? 'Failed' : 'Succeeded';
      return { body: { status, ...(op.failed && op.done ? { error: { code: 'SwapFailed', message: "The swap of 'staging' into 'production' failed: worker process could not be started." } } : {}) } };
    }
    if (!op.done) return { status: 202, headers: { 'retry-after': '2' }, body: '' };
    return op.failed ? armError(500, 'SwapFailed', "The swap of 'staging' into 'production' failed: worker process could not be started.") : { status: 200, body: '' };
  }
}

function armError(status: number, code: string, message: string): EmulatedResponse {
  return { status, body: { error: { code, message } } };
}
