// Azure Functions slot swap as a lifecycle strategy: zip deploy to the staging slot (Kudu, polled to the
// end), health-check the slot on its real host name (read from the slot resource), optionally apply
// production's settings first (swap with preview), then swap with ARM's slotsswap long-running operation
// and health-check production; a failed check swaps back. The version travels with the code as the
// non-sticky app setting PAVED_VERSION, so after any swap each slot says what it runs.

import { InputError, describeError } from '../../platform/errors';
import { isLoopbackHost } from '../../platform/http';
import { DeployError, DeployInProgressError, type Candidate, type DeployContext, type DeployStrategy, type Endpoint, type LiveState } from '../lifecycle';
import { PRODUCTION, type ArmClient, type Site } from './arm';
import { KuduClient, type PublishMethod } from './kudu';

export const VERSION_SETTING = 'PAVED_VERSION';
/** Shown as the live version when production was deployed without paved. */
export const UNRECORDED = 'unrecorded';
/** Attempts at a swap that meets 409 "another operation is in progress". */
const SWAP_ATTEMPTS = 3;

export interface SlotSwapOptions {
  arm: ArmClient;
  token: string;
  subscription: string;
  resourceGroup: string;
  app: string;
  slot: string;
  /** Required to deploy; a rollback swaps what is already there. */
  zip?: Buffer;
  version?: string;
  publishMethod: PublishMethod | 'auto';
  swapPreview: boolean;
  url?: string;
  warmupPath: string;
  readyTimeoutMs: number;
  swapTimeoutMs: number;
  environmentName: string;
}

export class FunctionsSlotSwap implements DeployStrategy {
  readonly kind = 'functions';
  readonly strategy = 'slot-swap';
  readonly target: string;
  private site?: Site;
  private slotSite?: Site;
  private kudu?: KuduClient;
  private method: PublishMethod = 'zipdeploy';
  private previewApplied = false;
  private swapped = false;

  constructor(private readonly o: SlotSwapOptions) {
    this.target = `functions ${o.resourceGroup}/${o.app}`;
  }

  private get arm(): ArmClient {
    return this.o.arm;
  }

  async inspect(ctx: DeployContext): Promise<LiveState> {
    const { arm, o } = this;
    if (o.slot === PRODUCTION) throw new InputError('the slot to deploy to cannot be production', { field: 'slot', hint: 'deploy to a staging slot and let the swap move it' });
    const site = await arm.getSite();
    await this.refusePlansWithoutSlots(site);
    const slot = await arm.getSlot(o.slot);
    this.site = site;
    this.slotSite = slot;
    const [prodSettings, slotSettings] = await Promise.all([arm.appSettings(PRODUCTION), arm.appSettings(o.slot)]);
    if (ctx.operation === 'rollback') {
      if (!slotSettings[VERSION_SETTING]) {
        throw new InputError(`the ${o.slot} slot records no previous version (${VERSION_SETTING})`, { field: 'rollback', hint: 'a rollback needs a swap made by paved before it; redeploy the version you want instead' });
      }
    } else {
      this.kudu = new KuduClient(await arm.scmUri(o.slot), o.token, { slot: o.slot, sleep: ctx.sleep, now: ctx.now });
      await this.kudu.assertIdle();
    }
    const swap = site.properties.slotSwapStatus;
    return {
      version: prodSettings[VERSION_SETTING] ?? UNRECORDED,
      endpoint: o.url ? { url: o.url } : hostEndpoint(site, 'production'),
      details: {
        app: o.app,
        slot: o.slot,
        productionHost: site.properties.defaultHostName,
        slotHost: slot.properties.defaultHostName,
        slotVersion: slotSettings[VERSION_SETTING],
        lastSwap: swap?.timestampUtc ? `${swap.sourceSlotName} → ${swap.destinationSlotName} at ${swap.timestampUtc}` : undefined,
        publishMethod: ctx.operation === 'deploy' ? this.method : undefined,
      },
    };
  }

  /** Flex Consumption has no slots; Linux Consumption deploys by run-from-package, not Kudu. */
  private async refusePlansWithoutSlots(site: Site): Promise<void> {
    const plan = site.properties.serverFarmId ? await this.o.arm.getPlan(site.properties.serverFarmId) : undefined;
    const tier = plan?.sku?.tier ?? site.properties.sku ?? '';
    if (/flex/i.test(tier) || site.properties.functionAppConfig) {
      throw new InputError(`${this.o.app} runs on a Flex Consumption plan, which has no deployment slots`, {
        field: 'app',
        hint: 'slot swap needs a Premium (Elastic Premium) or Dedicated plan; on Flex Consumption deploy straight to the app (OneDeploy) instead',
      });
    }
    const linux = /linux/i.test(site.kind ?? '');
    if (/^dynamic$/i.test(tier) && linux) {
      throw new InputError(`${this.o.app} runs on a Linux Consumption plan, which deploys through WEBSITE_RUN_FROM_PACKAGE, not Kudu`, {
        field: 'app',
        hint: 'move to Premium or Dedicated for slot swaps (Linux Consumption is retired in 2028)',
      });
    }
    this.method = this.o.publishMethod === 'auto' ? 'zipdeploy' : this.o.publishMethod;
  }

  async deployCandidate(ctx: DeployContext, live: LiveState): Promise<Candidate> {
    const { arm, o } = this;
    let version: string;
    if (ctx.operation === 'rollback') {
      version = (await arm.appSettings(o.slot))[VERSION_SETTING];
      if (version === live.version) throw new DeployError(`the ${o.slot} slot runs ${version} too: there is nothing different to roll back to`);
      ctx.log(`the ${o.slot} slot holds the previous version ${version}`);
    } else {
      version = o.version as string;
      ctx.log(`recording ${VERSION_SETTING}=${version} on the ${o.slot} slot`);
      await arm.setAppSettings(o.slot, { [VERSION_SETTING]: version });
      ctx.log(`${this.method} of ${o.zip?.length ?? 0} bytes to the ${o.slot} slot`);
      await (this.kudu as KuduClient).deploy(o.zip as Buffer, this.method, { message: `paved ${version} (${ctx.deployId})`, deadlineMs: o.readyTimeoutMs, log: ctx.log });
    }
    const preview = hostEndpoint(this.slotSite as Site, o.slot);
    if (o.swapPreview) {
      ctx.log(`swap with preview: applying production's settings to the ${o.slot} slot`);
      await arm.applySlotConfig(o.slot, PRODUCTION);
      this.previewApplied = true;
    }
    if (preview) await this.warmUp(ctx, preview);
    return { version, preview, endpoint: o.url ? { url: o.url } : hostEndpoint(this.site as Site, 'production'), details: { slot: o.slot, swapPreview: o.swapPreview } };
  }

  /** Wakes the slot (cold start) so the health check measures the app, not the platform's start-up. */
  private async warmUp(ctx: DeployContext, endpoint: Endpoint): Promise<void> {
    const url = endpoint.url.replace(/\/+$/, '') + this.o.warmupPath;
    const deadline = ctx.now() + Math.min(this.o.readyTimeoutMs, 300000);
    for (let attempt = 1; ; attempt++) {
      let status: number | string;
      try {
        status = (await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(30000) })).status;
      } catch (err) {
        status = describeError(err);
      }
      if (typeof status === 'number' && status < 500) {
        ctx.log(`  warm-up ${url}: ${status}`);
        return;
      }
      if (ctx.now() + 2000 * attempt > deadline) {
        ctx.warn(`warm-up of ${url} got no answer below 500 (last: ${status}); the health check decides`);
        return;
      }
      await ctx.sleep(2000 * attempt);
    }
  }

  async switchTraffic(ctx: DeployContext, live: LiveState, candidate: Candidate): Promise<void> {
    await this.swap(ctx, candidate.version, live.version);
    this.swapped = true;
  }

  async switchBack(ctx: DeployContext, live: LiveState, candidate: Candidate | undefined): Promise<void> {
    await this.swap(ctx, live.version as string, candidate?.version);
    this.swapped = false;
  }

  /**
   * slotsswap with retries on 409 (another site operation), then proof from the settings: production
   * must now report `expectLive`. A failed swap that left production unchanged is a clean "not moved".
   */
  private async swap(ctx: DeployContext, expectLive: string, leaving: string | undefined): Promise<void> {
    const { arm, o } = this;
    ctx.log(`swapping ${o.slot} (${expectLive}) into production (${leaving ?? '?'})`);
    for (let attempt = 1; ; attempt++) {
      try {
        await arm.swap(o.slot, PRODUCTION, o.swapTimeoutMs, ctx.log);
        break;
      } catch (err) {
        if (err instanceof DeployInProgressError && attempt < SWAP_ATTEMPTS) {
          ctx.warn(`${err.message}; retrying in ${30 * attempt} s`);
          await ctx.sleep(30000 * attempt);
          continue;
        }
        const now = await this.productionVersion().catch(() => undefined);
        if (now === expectLive && expectLive !== leaving) {
          ctx.warn(`the swap reported an error, but production now runs ${expectLive}: ${describeError(err)}`);
          break;
        }
        throw err;
      }
    }
    const now = await this.productionVersion();
    if (now !== expectLive && expectLive !== UNRECORDED) {
      throw new DeployError(`after the swap production reports ${VERSION_SETTING}=${now ?? '(none)'}, expected ${expectLive}`);
    }
  }

  private async productionVersion(): Promise<string | undefined> {
    return (await this.o.arm.appSettings(PRODUCTION))[VERSION_SETTING];
  }

  async discardCandidate(ctx: DeployContext): Promise<void> {
    if (this.previewApplied && !this.swapped) {
      ctx.log(`swap with preview cancelled: resetting the ${this.o.slot} slot's settings`);
      await this.o.arm.resetSlotConfig(this.o.slot);
    }
  }

  rollbackCommand(): string {
    const { o } = this;
    return `paved deploy functions --rollback --environment ${o.environmentName} --subscription ${o.subscription} --resource-group ${o.resourceGroup} --app ${o.app} --slot ${o.slot}`;
  }
}

/**
 * `https://<defaultHostName>` of a slot as ARM reports it (never built from the app name: custom
 * domains and regional names differ). A loopback host (test emulators) has no TLS and gets http.
 */
export function hostEndpoint(site: Site, slot: string): Endpoint | undefined {
  const host = site.properties.defaultHostName;
  if (!host) return undefined;
  const hostname = host.split('/')[0].replace(/:\d+$/, '');
  const scheme = isLoopbackHost(hostname) ? 'http' : 'https';
  return { url: `${scheme}://${host}`, label: `${slot} (${host})` };
}
