import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PrivacyParameterError,
  clipByL2Norm,
  clipVectorByL2Norm,
  effectiveNoiseMultiplier,
  fixedDenominatorMean,
  gaussianNoise,
  l2Norm,
  poissonBatch,
  privatizeBatchGradient,
  privatizeSiteUpdate,
  siteNoiseStd,
} from '../../src/privacy/index.js';
import type { Weights } from '../../src/learning/weights.js';

function moments(values: ArrayLike<number>) {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i]!;
  mean /= values.length;
  let m2 = 0;
  let m4 = 0;
  for (let i = 0; i < values.length; i++) {
    const d = values[i]! - mean;
    m2 += d * d;
    m4 += d * d * d * d;
  }
  m2 /= values.length;
  m4 /= values.length;
  return { mean, std: Math.sqrt(m2), kurtosis: m4 / (m2 * m2) };
}

const delta = () => [
  { name: 'dense/kernel', shape: [2, 2], data: Float32Array.from([3, 0, 0, 4]) },
  { name: 'dense/bias', shape: [2], data: Float32Array.from([0, 12]) },
];

afterEach(() => vi.restoreAllMocks());

describe('clipByL2Norm', () => {
  it('scales an update over the clip norm down to it, keeping its direction', () => {
    const input = delta(); // joint norm 13
    const clipped = clipByL2Norm(input, 1.3);
    expect(l2Norm(clipped)).toBeLessThanOrEqual(1.3);
    expect(l2Norm(clipped)).toBeCloseTo(1.3, 5);
    expect(clipped[1]!.data[1]! / clipped[0]!.data[3]!).toBeCloseTo(3, 5);
    expect(clipped.map((t) => [t.name, t.shape])).toEqual(input.map((t) => [t.name, t.shape]));
    expect(l2Norm(input)).toBe(13); // input untouched
  });

  it('takes and returns learning’s Weights without the core importing learning', () => {
    const weights: Weights = delta();
    const clipped: Weights = clipByL2Norm(weights, 1);
    expect(l2Norm(clipped)).toBeLessThanOrEqual(1);
  });

  it('leaves an update within the clip norm as it is', () => {
    expect(clipByL2Norm(delta(), 20).map((t) => Array.from(t.data))).toEqual(
      delta().map((t) => Array.from(t.data)),
    );
  });

  it('never exceeds the clip norm after rounding to float32', () => {
    for (let trial = 0; trial < 200; trial++) {
      const v = Float32Array.from({ length: 257 }, () => (Math.random() - 0.5) * 1e3);
      const c = Math.random() * 10 + 1e-3;
      expect(l2Norm([{ data: clipVectorByL2Norm(v, c) }])).toBeLessThanOrEqual(c);
    }
  });

  it('refuses a non-finite update or a bad clip norm', () => {
    const bad = [{ name: 'w', shape: [2], data: Float32Array.from([1, NaN]) }];
    expect(() => clipByL2Norm(bad, 1)).toThrow('value at index 1 is NaN');
    expect(() => clipByL2Norm(delta(), 0)).toThrow(PrivacyParameterError);
    expect(() => clipByL2Norm(delta(), NaN)).toThrow('clip norm must be a finite number > 0');
  });
});

describe('Gaussian noise', () => {
  it('has mean 0, the requested std and Gaussian tails', () => {
    const m = moments(gaussianNoise(200_000, 2.5));
    expect(Math.abs(m.mean)).toBeLessThan((5 * 2.5) / Math.sqrt(200_000));
    expect(m.std).toBeCloseTo(2.5, 1);
    expect(m.kurtosis).toBeCloseTo(3, 1);
  });

  it('draws from the CSPRNG, never Math.random', () => {
    const spy = vi.spyOn(Math, 'random');
    gaussianNoise(1000, 1);
    privatizeBatchGradient([new Float32Array(10)], 1, 1, 1);
    poissonBatch(1000, 0.1);
    expect(spy).not.toHaveBeenCalled();
  });
});

describe('client-level DP-FedAvg noise in shares', () => {
  const plan = { noiseMultiplier: 1.2, clipNorm: 0.5, minimumSurvivors: 10 };

  it('gives each site σC/√m, so m shares sum to σC', () => {
    expect(siteNoiseStd(plan)).toBeCloseTo((1.2 * 0.5) / Math.sqrt(10), 15);
    const zero = [{ name: 'w', shape: [50_000], data: new Float32Array(50_000) }];
    const sum = new Float64Array(50_000);
    for (let site = 0; site < 10; site++) {
      const { update } = privatizeSiteUpdate(zero, plan);
      update[0]!.data.forEach((v, i) => (sum[i] = sum[i]! + v));
    }
    expect(moments(sum).std).toBeCloseTo(1.2 * 0.5, 1);
  });

  it('clips before adding noise and reports the norm', () => {
    const quiet = { ...plan, noiseMultiplier: 0 };
    const result = privatizeSiteUpdate(delta(), quiet);
    expect(result.norm).toBe(13);
    expect(result.clipped).toBe(true);
    expect(l2Norm(result.update)).toBeLessThanOrEqual(0.5);
  });

  it('reports the noise the sum really carries when fewer sites survive', () => {
    expect(effectiveNoiseMultiplier(plan, 10)).toBeCloseTo(1.2, 15);
    expect(effectiveNoiseMultiplier(plan, 5)).toBeCloseTo(1.2 * Math.sqrt(0.5), 15);
  });

  it('divides by the expected number of contributors', () => {
    expect(Array.from(fixedDenominatorMean(Float32Array.from([4, 8]), 4))).toEqual([1, 2]);
  });
});

describe('DP-SGD', () => {
  it('clips each example, sums and divides by the expected batch size', () => {
    const grads = [Float32Array.from([3, 4]), Float32Array.from([0, 0.5])];
    const out = privatizeBatchGradient(grads, 1, 0, 4);
    expect(out[0]).toBeCloseTo(0.6 / 4, 5);
    expect(out[1]).toBeCloseTo((0.8 + 0.5) / 4, 5);
  });

  it('adds N(0, σ²C²) to the sum', () => {
    const grads = Array.from({ length: 3 }, () => new Float32Array(100_000));
    const m = moments(privatizeBatchGradient(grads, 2, 1.5, 10));
    expect(m.std).toBeCloseTo((1.5 * 2) / 10, 2);
  });

  it('releases pure noise for an empty Poisson batch, given the parameter count', () => {
    expect(privatizeBatchGradient([], 1, 1, 8, 5)).toHaveLength(5);
    expect(() => privatizeBatchGradient([], 1, 1, 8)).toThrow(/needs parameterCount/);
  });

  it('refuses ragged or non-finite gradients', () => {
    const ragged = [new Float32Array(3), new Float32Array(4)];
    expect(() => privatizeBatchGradient(ragged, 1, 1, 2)).toThrow(
      'gradient 1 has 4 entries, expected 3',
    );
    expect(() => privatizeBatchGradient([Float32Array.from([Infinity])], 1, 1, 2)).toThrow(
      'gradient 0 has Infinity at index 0',
    );
    expect(() => privatizeBatchGradient([new Float32Array(1)], 1, -1, 2)).toThrow(
      PrivacyParameterError,
    );
  });

  it('samples each record independently with probability q', () => {
    const batch = poissonBatch(100_000, 0.01);
    expect(Math.abs(batch.length - 1000)).toBeLessThan(5 * Math.sqrt(1000));
    expect(new Set(batch).size).toBe(batch.length);
  });
});
