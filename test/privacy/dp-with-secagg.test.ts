/**
 * Client-level DP-FedAvg through secure aggregation: each site clips and adds its noise share,
 * SecAgg+ sums, and the hub's sum carries the full N(0, σ²C²) though no site's update was ever
 * seen noised by less. Sites use equal weights (sampleCount = maxWeight), as DP rounds must.
 */
import { describe, expect, it } from 'vitest';
import {
  RdpAccountant,
  effectiveNoiseMultiplier,
  privatizeSiteUpdate,
  type DistributedNoisePlan,
} from '../../src/privacy/index.js';
import { roundConfig, runRound } from './support/secagg-round.js';

describe('DP-FedAvg noise in shares under SecAgg+', () => {
  const config = roundConfig({ sites: 10, neighbours: 6, threshold: 4, vectorLength: 40_000 });
  const plan: DistributedNoisePlan = { noiseMultiplier: 1.1, clipNorm: 1, minimumSurvivors: 8 };

  it('releases a sum whose noise is at least σC once m or more shares are summed', () => {
    const zero = [{ name: 'w', shape: [40_000], data: new Float32Array(40_000) }];
    const updates = new Map(
      config.sites.map((s) => [s, privatizeSiteUpdate(zero, plan).update[0]!.data]),
    );
    const { result } = runRound(config, updates, {
      drops: new Map([['site-004', 'share-keys']]),
    });
    const survivors = result.survivors.length; // 9
    let squares = 0;
    for (const v of result.weightedSum) squares += v * v;
    const std = Math.sqrt(squares / result.weightedSum.length);
    const sigma = effectiveNoiseMultiplier(plan, survivors);
    expect(sigma).toBeGreaterThan(plan.noiseMultiplier);
    expect(std).toBeCloseTo(sigma * plan.clipNorm, 1);

    // The round is accounted with the noise the sum really carried.
    const accountant = new RdpAccountant();
    accountant.record({ sampleRate: 1, noiseMultiplier: sigma, steps: 1 });
    expect(accountant.epsilon(1e-5).epsilon).toBeLessThan(
      new RdpAccountant([
        { sampleRate: 1, noiseMultiplier: plan.noiseMultiplier, steps: 1 },
      ]).epsilon(1e-5).epsilon,
    );
  });
});
