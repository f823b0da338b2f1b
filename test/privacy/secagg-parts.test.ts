import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUANTIZATION,
  SecAggConfigError,
  flattenTensors,
  neighbourGraph,
  parseRoundConfig,
  planNeighbourhood,
  unflattenTensors,
} from '../../src/privacy/index.js';
import { quantizeUpdate, dequantizeSum } from '../../src/privacy/secagg/quantization.js';
import { combineShares, splitSecret } from '../../src/privacy/secagg/shamir.js';
import { roundConfig } from './support/secagg-round.js';

describe('Shamir sharing over GF(2^8)', () => {
  const secret = new Uint8Array(randomBytes(32));

  it('recovers the secret from any t of k shares', () => {
    const shares = splitSecret(secret, 4, [1, 2, 3, 5, 8, 13, 255]);
    for (const pick of [
      [0, 1, 2, 3],
      [6, 4, 2, 0],
      [3, 4, 5, 6],
    ]) {
      expect(
        combineShares(
          pick.map((i) => shares[i]!),
          4,
        ),
      ).toEqual(secret);
    }
  });

  it('gives a single share that is uniform whatever the secret (t ≥ 2)', () => {
    const counts = new Array<number>(256).fill(0);
    const zero = new Uint8Array(1);
    for (let i = 0; i < 25_600; i++) counts[splitSecret(zero, 2, [7, 9])[0]!.y[0]!]! += 1;
    const chi2 = counts.reduce((s, c) => s + (c - 100) ** 2 / 100, 0);
    expect(chi2).toBeLessThan(255 + 6 * Math.sqrt(2 * 255)); // p ≈ 1e-9 of a false alarm
  });

  it('refuses too few shares, repeated points and points outside 1..255', () => {
    const shares = splitSecret(secret, 3, [1, 2, 3]);
    expect(() => combineShares(shares.slice(0, 2), 3)).toThrow('need 3 shares');
    expect(() => combineShares([shares[0]!, shares[0]!, shares[1]!], 3)).toThrow('appears twice');
    expect(() => splitSecret(secret, 2, [0, 1])).toThrow('1..255');
    expect(() => splitSecret(secret, 2, [1, 256])).toThrow('1..255');
  });
});

describe('neighbour graph', () => {
  const config = roundConfig({ sites: 40, neighbours: 8, threshold: 5, vectorLength: 1 });

  it('is k-regular and symmetric', () => {
    const graph = neighbourGraph(config);
    for (const [site, neighbours] of graph) {
      expect(neighbours).toHaveLength(8);
      expect(neighbours).not.toContain(site);
      for (const v of neighbours) expect(graph.get(v)).toContain(site);
    }
  });

  it('is the same for everyone with the seed, and changes with it', () => {
    expect(neighbourGraph({ ...config })).toEqual(neighbourGraph(config));
    const reseeded = { ...config, graphSeed: new Uint8Array(randomBytes(32)) };
    expect(neighbourGraph(reseeded)).not.toEqual(neighbourGraph(config));
  });

  it('is complete when k = n − 1', () => {
    const full = roundConfig({ sites: 6, neighbours: 5, threshold: 3, vectorLength: 1 });
    for (const neighbours of neighbourGraph(full).values()) expect(neighbours).toHaveLength(5);
  });
});

describe('round configuration', () => {
  const good = roundConfig({ sites: 10, neighbours: 4, threshold: 3, vectorLength: 5 });

  it.each([
    [{ neighbours: 5 }, 'neighbours must be even'],
    [{ neighbours: 10 }, 'neighbours must be in 2..9'],
    [{ threshold: 5 }, 'threshold must be ≤ neighbours (4)'],
    [{ threshold: 1 }, 'threshold must be ≥ 2'],
    [{ sites: ['a', 'b', 'a', 'c', 'd'] }, 'sites must not repeat a site'],
    [{ graphSeed: new Uint8Array(16) }, 'graphSeed must be 32 bytes'],
    [{ round: '' }, 'round must not be empty'],
    [
      { quantization: { ...DEFAULT_QUANTIZATION, quantizationRange: 2 ** 30 } },
      'sites × quantizationRange must stay below 2^32',
    ],
  ])('refuses %o', (change, message) => {
    expect(() => parseRoundConfig({ ...good, ...change })).toThrow(SecAggConfigError);
    expect(() => parseRoundConfig({ ...good, ...change })).toThrow(message);
  });

  it('plans a logarithmic neighbourhood with a majority threshold, growing with dropout', () => {
    expect(planNeighbourhood({ sites: 100, dropoutRate: 0 })).toEqual({
      neighbours: 14,
      threshold: 8,
    });
    expect(planNeighbourhood({ sites: 100, dropoutRate: 0.1 })).toEqual({
      neighbours: 34,
      threshold: 18,
    });
    expect(planNeighbourhood({ sites: 100, dropoutRate: 0.3 })).toEqual({
      neighbours: 99,
      threshold: 50,
    });
    expect(planNeighbourhood({ sites: 10_000, dropoutRate: 0.05 }).neighbours).toBeLessThan(60);
  });
});

describe('quantization', () => {
  const q = { clippingRange: 2, quantizationRange: 2 ** 10, maxWeight: 100 };

  it('rounds stochastically without bias', () => {
    const value = Float32Array.from({ length: 100_000 }, () => 0.123456);
    const { weightedSum } = dequantizeSum(quantizeUpdate(value, 100, q), 1, q);
    const mean = weightedSum.reduce((s, v) => s + v, 0) / weightedSum.length;
    const step = (2 * q.clippingRange) / q.quantizationRange;
    expect(Math.abs(mean - 0.123456)).toBeLessThan((5 * step) / Math.sqrt(100_000));
    for (const v of weightedSum) expect(Math.abs(v - 0.123456)).toBeLessThan(step);
  });

  it('clips to the range and carries the weight last', () => {
    const out = quantizeUpdate(Float32Array.from([-50, 50]), 50, q);
    expect(Array.from(out)).toEqual([0, 1024, 512]);
  });

  it('refuses a sample count above maxWeight and non-finite values', () => {
    expect(() => quantizeUpdate(new Float32Array(1), 101, q)).toThrow(
      'sampleCount must be in [0, maxWeight = 100]',
    );
    expect(() => quantizeUpdate(Float32Array.from([NaN]), 1, q)).toThrow('index 0 is NaN');
  });
});

describe('flat vectors for aggregation', () => {
  it('flattens tensors in order and restores them by layout', () => {
    const tensors = [
      { name: 'kernel', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 'bias', shape: [3], data: Float32Array.from([7, 8, 9]) },
    ];
    const flat = flattenTensors(tensors);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(unflattenTensors(flat, tensors)).toEqual(tensors);
    expect(() => unflattenTensors(flat.subarray(1), tensors)).toThrow('the layout needs 9');
  });
});
