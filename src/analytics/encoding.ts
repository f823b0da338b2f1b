/**
 * Carrying a query's vector through SecAgg+ without losing counts.
 *
 * SecAgg+ quantizes each value x of a site's Float32 vector to q = SR((clip(w·x, ±c) + c)·T/2c)
 * in [0, T] and sums the q mod 2^32 (src/privacy/secagg/quantization.ts). We make that exact:
 * each site rounds every value v of its (noised) vector to a grid of step r (a power of two),
 * k = round(v/r), and hands SecAgg x = k·2c/T, with c and T powers of two, |k| ≤ K = min(2^24,
 * T/2) and weight w = 1 (sampleCount = maxWeight). Then x is exact in float32, (x + c)·T/2c =
 * k + T/2 is a whole number so stochastic rounding never moves it, and the hub's dequantized sum
 * is exactly Σk·2c/T. The only error is each site's rounding to r, at most r/2 per value, so
 * |decoded − Σv| ≤ sites·r/2 per component, and counts (whole numbers, r ≤ 1) come back exact
 * when no noise is added. r is the smallest power of two with K·r ≥ the largest |v| a site may
 * send: maxRecordsPerSite plus ten noise-share standard deviations.
 *
 * Caveat: the sites round their noised values before summing, so the hub sees a function of the
 * rounded shares, not of their exact sum; like the stochastic rounding in DP-FedAvg under SecAgg
 * (src/privacy), the privacy analysis treats this sub-r rounding as post-processing.
 */
import { z } from 'zod';
import type { QuantizationConfig } from '../privacy/index.js';
import { AnalyticsError, parseOrThrow } from './errors.js';

const TWO_POW_32 = 2 ** 32;
/** Whole numbers up to 2^24 are exact in float32. */
const FLOAT32_EXACT = 2 ** 24;
/** Noise headroom in noise-share standard deviations: P(|N(0,1)| > 10) ≈ 1.5e-23. */
const NOISE_HEADROOM = 10;
export const DEFAULT_MAX_RECORDS_PER_SITE = 1_000_000;

const powerOfTwo = (what: string) =>
  z
    .number({ error: `${what} must be a power of two` })
    .refine((v) => v > 0 && Number.isInteger(Math.log2(v)), `${what} must be a power of two`);

export const AnalyticsEncodingSchema = z
  .object({
    quantization: z
      .object({
        clippingRange: powerOfTwo('clippingRange'),
        quantizationRange: powerOfTwo('quantizationRange').refine(
          (t) => t >= 2 && t <= TWO_POW_32 / 2,
          'quantizationRange must be in [2, 2^31]',
        ),
        maxWeight: z.number().gt(0, 'must be > 0'),
      })
      .strict(),
    /** r: the grid each site rounds its values to. */
    resolution: powerOfTwo('resolution'),
  })
  .strict();
export type AnalyticsEncoding = z.infer<typeof AnalyticsEncodingSchema>;

/**
 * The encoding for a round of `sites` sites: c = 1, maxWeight = 1, the largest T ≤ 2^25 with
 * sites·T < 2^32 (SecAgg's no-wrap rule), and the finest r that still holds `maxRecordsPerSite`
 * (default 1,000,000) plus the noise headroom.
 */
export function planEncoding(input: {
  sites: number;
  maxRecordsPerSite?: number;
  noiseShareStd?: number;
}): AnalyticsEncoding {
  const { sites } = input;
  const maxRecords = input.maxRecordsPerSite ?? DEFAULT_MAX_RECORDS_PER_SITE;
  const noise = input.noiseShareStd ?? 0;
  if (!Number.isInteger(sites) || sites < 1)
    throw new AnalyticsError(`sites must be a whole number ≥ 1 (got ${sites})`);
  if (!(maxRecords >= 1) || !Number.isFinite(maxRecords)) {
    throw new AnalyticsError(`maxRecordsPerSite must be a finite number ≥ 1 (got ${maxRecords})`);
  }
  if (!(noise >= 0) || !Number.isFinite(noise))
    throw new AnalyticsError(`noiseShareStd must be a finite number ≥ 0 (got ${noise})`);
  let t = 2 ** 25;
  while (sites * t >= TWO_POW_32) t /= 2;
  if (t < 2) throw new AnalyticsError(`${sites} sites leave no room below 2^32 for SecAgg sums`);
  const quantization = { clippingRange: 1, quantizationRange: t, maxWeight: 1 };
  const resolution =
    2 ** Math.ceil(Math.log2((maxRecords + NOISE_HEADROOM * noise) / gridLimit(quantization)));
  return { quantization, resolution };
}

export function parseEncoding(input: unknown): AnalyticsEncoding {
  return parseOrThrow(AnalyticsEncodingSchema, input, 'encoding');
}

/** K: the largest |k| a site may send. */
function gridLimit(q: QuantizationConfig): number {
  return Math.min(FLOAT32_EXACT, q.quantizationRange / 2);
}

/** The largest |value| a site may encode. */
export function encodingRange(encoding: AnalyticsEncoding): number {
  return gridLimit(encoding.quantization) * encoding.resolution;
}

/**
 * The site's vector for `SecAggSite.maskInput(request, encoded, encoding.quantization.maxWeight)`.
 * A value beyond the range is an error, never clipped: a clipped value would break the bound.
 */
export function encodeForSecAgg(vector: Float64Array, encoding: AnalyticsEncoding): Float32Array {
  const { quantization: q, resolution: r } = encoding;
  const limit = gridLimit(q);
  const step = (2 * q.clippingRange) / q.quantizationRange;
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i]!;
    if (!Number.isFinite(v))
      throw new AnalyticsError(`contribution value ${i} is ${v}, not a finite number`);
    const k = Math.round(v / r);
    if (Math.abs(k) > limit) {
      throw new AnalyticsError(
        `contribution value ${i} is ${v}, outside the encoding's range ±${limit * r}; plan the query with a larger maxRecordsPerSite`,
      );
    }
    out[i] = k * step;
  }
  return out;
}

/** The fields of SecAgg's AggregateResult that decoding reads. */
export interface SecAggSum {
  weightedSum: Float64Array;
  weightTotal: number;
  survivors: readonly string[];
}

/** The hub's side: Σv over the survivors, from SecAgg's dequantized sum. */
export function decodeSecAggSum(sum: SecAggSum, encoding: AnalyticsEncoding): Float64Array {
  const { quantization: q, resolution: r } = encoding;
  if (sum.weightTotal !== sum.survivors.length) {
    throw new AnalyticsError(
      `SecAgg weight total is ${sum.weightTotal}, not ${sum.survivors.length} (one per survivor): every site must mask with sampleCount = maxWeight (${q.maxWeight})`,
    );
  }
  const step = (2 * q.clippingRange) / q.quantizationRange;
  return Float64Array.from(sum.weightedSum, (x) => Math.round(x / step) * r);
}

/** Per component, |decoded − Σ exact values| ≤ this for `contributors` sites. */
export function encodingErrorBound(contributors: number, encoding: AnalyticsEncoding): number {
  return (contributors * encoding.resolution) / 2;
}
