import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecAggHub, SecAggSite, decodeMessage, encodeMessage } from '../../src/privacy/index.js';
import {
  exactWeightedSum,
  maxDifference,
  randomUpdates,
  roundConfig,
  runRound,
} from './support/secagg-round.js';

describe('a SecAgg+ round without dropouts', () => {
  const config = roundConfig({ sites: 12, neighbours: 6, threshold: 4, vectorLength: 5000 });
  const updates = randomUpdates(config, 3);
  const counts = new Map(config.sites.map((s) => [s, 1 + randomInt(1000)]));
  const { result } = runRound(config, updates, { sampleCounts: counts });

  it('recovers the weighted sum exactly up to the quantization bound', () => {
    const exact = exactWeightedSum(config, updates, counts, config.sites);
    const bound =
      (12 * 2 * config.quantization.clippingRange) / config.quantization.quantizationRange;
    expect(result.errorBound).toBe(bound);
    expect(maxDifference(result.weightedSum, exact.sum)).toBeLessThan(bound);
    expect(result.weightTotal).toBe(exact.weightTotal);
  });

  it('returns the weighted mean and who took part', () => {
    const exact = exactWeightedSum(config, updates, counts, config.sites);
    const mean = exact.sum.map((v) => v / exact.weightTotal);
    expect(maxDifference(result.mean!, mean)).toBeLessThan(
      result.errorBound / result.weightTotal + 1e-6,
    );
    expect(result.survivors).toEqual(config.sites);
    expect(result.dropped).toEqual([]);
  });

  it('clips each weighted value to the clipping range, as Flower does', () => {
    const big = new Map(
      config.sites.map((s) => [s, new Float32Array(config.vectorLength).fill(100)]),
    );
    const run = runRound(config, big);
    const c = config.quantization.clippingRange;
    expect(
      maxDifference(run.result.weightedSum, new Float64Array(config.vectorLength).fill(12 * c)),
    ).toBeLessThan(1e-9);
  });
});

describe('a round through the binary wire format', () => {
  it('gives the same sum when every message is encoded and decoded', () => {
    const config = roundConfig({ sites: 7, neighbours: 4, threshold: 3, vectorLength: 300 });
    const updates = randomUpdates(config);
    const hub = new SecAggHub(config);
    const sites = new Map(config.sites.map((s) => [s, new SecAggSite(config, s)]));
    const wire = <T>(m: T) =>
      decodeMessage(encodeMessage(m as Parameters<typeof encodeMessage>[0]));
    for (const site of sites.values()) hub.receive(wire(site.advertise()));
    for (const r of hub.closeAdvertise()) hub.receive(wire(sites.get(r.site)!.shareKeys(wire(r))));
    for (const r of hub.closeShareKeys()) {
      hub.receive(wire(sites.get(r.site)!.maskInput(wire(r), updates.get(r.site)!, 1000)));
    }
    for (const r of hub.closeMaskedInput()) hub.receive(wire(sites.get(r.site)!.unmask(wire(r))));
    const result = hub.finish();
    const exact = exactWeightedSum(config, updates, new Map(), config.sites);
    expect(maxDifference(result.weightedSum, exact.sum)).toBeLessThan(result.errorBound);
  });
});
