// The quality-gate action: the same settings and core as `paved quality-gate`, delivered through the
// GitHub face. The ratchet's baseline file travels between runs in the Actions cache: restored
// before the gate (newest entry written by the default branch), saved when the gate recorded it.

import * as cache from '@actions/cache';
import * as path from 'node:path';
import { runAction } from '../../src/platform/github';
import { runQualityGate } from '../../src/gate/gate';
import { gateOptions } from '../../src/gate/options';

runAction('quality-gate', async (inputs, face) => {
  const root = path.resolve(inputs.string('working-directory') ?? process.env.GITHUB_WORKSPACE ?? process.cwd());
  const options = gateOptions(
    {
      list: (name) => inputs.list(name),
      string: (name) => inputs.string(name),
      number: (name) => inputs.number(name),
      field: (name) => `with.${name}`,
    },
    root,
    process.env,
  );
  const baseline = options.baseline ? path.resolve(root, options.baseline) : undefined;
  const keyPrefix = `paved-quality-baseline-${options.metric}-`;
  if (baseline && cache.isFeatureAvailable()) {
    try {
      const hit = await cache.restoreCache([baseline], `${keyPrefix}${process.env.GITHUB_RUN_ID ?? Date.now()}`, [keyPrefix]);
      face.info(hit ? `coverage baseline restored from cache ${hit}` : 'no coverage baseline in the cache yet; the default branch records one');
    } catch (err) {
      face.warning(`could not restore the coverage baseline from the cache: ${(err as Error).message}`);
    }
  }
  const outcome = await runQualityGate(options, face);
  if (baseline && outcome.data.files.baseline && cache.isFeatureAvailable()) {
    try {
      // Keys are immutable, so each recording gets its own; restores take the newest by prefix.
      await cache.saveCache([baseline], `${keyPrefix}${process.env.GITHUB_RUN_ID ?? Date.now()}-${process.env.GITHUB_RUN_ATTEMPT ?? '1'}`);
      face.info(`coverage baseline ${outcome.data.coverage?.[options.metric]?.percent}% saved to the cache`);
    } catch (err) {
      face.warning(`could not save the coverage baseline to the cache: ${(err as Error).message}`);
    }
  }
  return outcome;
});
