// OPA's own conformance suite (../shared/opa-conformance): tier-1 categories must pass at the target rate.

import { describeShared } from '../helpers/shared';
import { loadTiers, runCategory, SUITE_DIR } from '../../scripts/conformance';

const TIER1_TARGET = 0.9;

describeShared('OPA conformance suite', () => {
  test(`tier 1 (core language and everyday built-ins) passes at least ${TIER1_TARGET * 100}%`, () => {
    const tiers = loadTiers(SUITE_DIR);
    const results = [...tiers].filter(([, tier]) => tier === '1-core').flatMap(([cat]) => runCategory(cat, SUITE_DIR));
    const passed = results.filter((r) => r.pass).length;
    expect(results.length).toBeGreaterThan(1000);
    expect(passed / results.length).toBeGreaterThanOrEqual(TIER1_TARGET);
  });
});
