/** The SecAgg encoding: parameters it picks, and exactness at the edges of its range. */
import { describe, expect, it } from 'vitest';
import {
  decodeSecAggSum,
  encodeForSecAgg,
  encodingRange,
  planEncoding,
} from '../../src/analytics/index.js';
import { parseRoundConfig } from '../../src/privacy/index.js';

describe('planEncoding', () => {
  it('keeps sites·T below 2^32 and the grid as fine as the records allow', () => {
    expect(planEncoding({ sites: 6 })).toEqual({
      quantization: { clippingRange: 1, quantizationRange: 2 ** 25, maxWeight: 1 },
      resolution: 1 / 16,
    });
    expect(
      planEncoding({ sites: 6, maxRecordsPerSite: 40_000, noiseShareStd: 2.3 }).resolution,
    ).toBe(1 / 256);
    const many = planEncoding({ sites: 200, maxRecordsPerSite: 1000 });
    expect(many.quantization.quantizationRange).toBe(2 ** 24);
    expect(encodingRange(many)).toBeGreaterThanOrEqual(1000);
    // SecAgg accepts the round the encoding asks for.
    const sites = Array.from({ length: 200 }, (_, i) => `s${i}`);
    expect(() =>
      parseRoundConfig({
        round: 'r',
        sites,
        neighbours: 16,
        threshold: 9,
        graphSeed: new Uint8Array(32),
        vectorLength: 1,
        quantization: many.quantization,
      }),
    ).not.toThrow();
  });

  it('a range holding the noise headroom: ten share std above the records', () => {
    const e = planEncoding({ sites: 3, maxRecordsPerSite: 2 ** 10, noiseShareStd: 1 });
    expect(encodingRange(e)).toBeGreaterThanOrEqual(2 ** 10 + 10);
  });
});

describe('encodeForSecAgg / decodeSecAggSum', () => {
  it('carries whole numbers exactly up to the range, and reals within r/2 each', () => {
    const encoding = planEncoding({ sites: 3, maxRecordsPerSite: 1000 });
    const range = encodingRange(encoding);
    const values = [
      Float64Array.of(range, -range, 0, 0.3, 17),
      Float64Array.of(range, 0, 1, -0.7, 1e-9),
      Float64Array.of(-range, -range, 999, 0.125, 3),
    ];
    const weightedSum = new Float64Array(5);
    for (const v of values)
      encodeForSecAgg(v, encoding).forEach((x, i) => (weightedSum[i] = weightedSum[i]! + x));
    const sum = decodeSecAggSum(
      { weightedSum, weightTotal: 3, survivors: ['a', 'b', 'c'] },
      encoding,
    );
    expect([sum[0], sum[1], sum[2], sum[4]]).toEqual([range, -2 * range, 1000, 20]);
    expect(Math.abs(sum[3]! - (0.3 - 0.7 + 0.125))).toBeLessThanOrEqual(
      (3 * encoding.resolution) / 2,
    );
  });
});
