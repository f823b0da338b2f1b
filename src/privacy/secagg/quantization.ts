/**
 * Flower's SecAgg+ quantization (REFERENCES §3.3) with stochastic rounding from the CSPRNG:
 * a site with n examples has weight w = round(n/maxWeight·T)/T; each value becomes
 * q = SR((clip(w·x, ±c) + c)·T/(2c)) ∈ [0, T], and q_w = w·T is appended so the hub learns Σw.
 * Stochastic rounding is unbiased and off by less than one step (2c/T) per value.
 */
import { secureUniform } from '../secure-random.js';
import type { QuantizationConfig } from './config.js';

const TWO_POW_32 = 2 ** 32;

export class QuantizationError extends Error {
  override name = 'QuantizationError';
}

/** The integer weight q_w = round(n/maxWeight · T) of a site with `sampleCount` examples. */
export function quantizedWeight(sampleCount: number, q: QuantizationConfig): number {
  if (!Number.isFinite(sampleCount) || sampleCount < 0 || sampleCount > q.maxWeight) {
    throw new QuantizationError(
      `sampleCount must be in [0, maxWeight = ${q.maxWeight}] (got ${sampleCount})`,
    );
  }
  return Math.round((sampleCount / q.maxWeight) * q.quantizationRange);
}

/** The update as d + 1 integers in [0, T]: d quantized values, then the weight q_w. */
export function quantizeUpdate(
  update: Float32Array,
  sampleCount: number,
  q: QuantizationConfig,
): Uint32Array {
  const weightUnits = quantizedWeight(sampleCount, q);
  const weight = weightUnits / q.quantizationRange;
  const c = q.clippingRange;
  const scale = q.quantizationRange / (2 * c);
  const random = secureUniform.fillUint32(new Uint32Array(update.length));
  const out = new Uint32Array(update.length + 1);
  for (let i = 0; i < update.length; i++) {
    const x = update[i]!;
    if (!Number.isFinite(x)) throw new QuantizationError(`update value at index ${i} is ${x}`);
    const v = (Math.min(c, Math.max(-c, weight * x)) + c) * scale;
    const floor = Math.floor(v);
    // Round up with probability v − ⌊v⌋, from a 32-bit uniform.
    out[i] = floor + (random[i]! < (v - floor) * TWO_POW_32 ? 1 : 0);
  }
  out[update.length] = weightUnits;
  return out;
}

export interface DequantizedSum {
  /** Σ over contributors of clip(w·x), per coordinate. */
  weightedSum: Float64Array;
  /** Σ w over contributors. */
  weightTotal: number;
}

/** Inverts the quantization of the sum of `contributors` quantized updates (exact mod 2^32). */
export function dequantizeSum(
  sum: Uint32Array,
  contributors: number,
  q: QuantizationConfig,
): DequantizedSum {
  const d = sum.length - 1;
  const step = (2 * q.clippingRange) / q.quantizationRange;
  const offset = contributors * q.clippingRange;
  const weightedSum = new Float64Array(d);
  for (let i = 0; i < d; i++) weightedSum[i] = sum[i]! * step - offset;
  return { weightedSum, weightTotal: sum[d]! / q.quantizationRange };
}

/** Per coordinate, |recovered Σ clip(w·x) − true Σ clip(w·x)| < contributors · 2c/T. */
export function quantizationErrorBound(contributors: number, q: QuantizationConfig): number {
  return (contributors * 2 * q.clippingRange) / q.quantizationRange;
}
