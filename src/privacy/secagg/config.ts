/**
 * A SecAgg+ round's public parameters, published by the hub before the round, and the rule that
 * picks the neighbourhood size k and the threshold t.
 */
import { z } from 'zod';
import { SecAggConfigError } from './errors.js';
import { MAX_SHARES } from './shamir.js';

/** Masked values live in Z/2^32. */
export const MODULUS = 2 ** 32;

export const siteIdSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'is over 128 characters');

/**
 * Flower's quantization (REFERENCES §3.3): values clipped to ±clippingRange, mapped to integers
 * in [0, quantizationRange]; a site with n examples is weighted by round(n/maxWeight·T)/T.
 */
export const quantizationSchema = z.object({
  clippingRange: z.number().gt(0, 'must be > 0'),
  quantizationRange: z.number().int('must be a whole number').min(2, 'must be ≥ 2'),
  maxWeight: z.number().gt(0, 'must be > 0'),
});
export type QuantizationConfig = z.infer<typeof quantizationSchema>;

/** Flower's defaults. */
export const DEFAULT_QUANTIZATION: QuantizationConfig = {
  clippingRange: 8,
  quantizationRange: 2 ** 22,
  maxWeight: 1000,
};

export const roundConfigSchema = z
  .object({
    /** Unique across all rounds of all jobs: it binds keys, shares and masks to this round. */
    round: z.string().min(1, 'must not be empty').max(256, 'is over 256 characters'),
    sites: z.array(siteIdSchema).min(3, 'needs at least 3 sites'),
    /** k: each site's neighbour count (even, or n − 1 for the complete graph). */
    neighbours: z.number().int('must be a whole number'),
    /** t: shares needed to reconstruct a site's secrets, out of its k. */
    threshold: z.number().int('must be a whole number').min(2, 'must be ≥ 2'),
    /** 32 random bytes the hub publishes; every party derives the neighbour graph from them. */
    graphSeed: z
      .custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes')
      .refine((b) => b.length === 32, 'must be 32 bytes'),
    /** Number of parameters in one update. */
    vectorLength: z.number().int('must be a whole number').min(1, 'must be ≥ 1'),
    quantization: quantizationSchema,
  })
  .superRefine((c, ctx) => {
    const n = c.sites.length;
    const issue = (path: string, message: string) =>
      ctx.addIssue({ code: 'custom', path: [path], message });
    if (new Set(c.sites).size !== n) issue('sites', 'must not repeat a site');
    if (c.neighbours < 2 || c.neighbours > n - 1) issue('neighbours', `must be in 2..${n - 1}`);
    else if (c.neighbours % 2 !== 0 && c.neighbours !== n - 1) {
      issue('neighbours', `must be even (a ring with offsets ±1..±k/2), or ${n - 1} for all sites`);
    }
    if (c.neighbours > MAX_SHARES)
      issue('neighbours', `must be ≤ ${MAX_SHARES} (shares over GF(2^8))`);
    if (c.threshold > c.neighbours) issue('threshold', `must be ≤ neighbours (${c.neighbours})`);
    if (n * c.quantization.quantizationRange >= MODULUS) {
      issue(
        'quantization',
        `sites × quantizationRange must stay below 2^32 so that sums do not wrap`,
      );
    }
  });
export type RoundConfig = z.infer<typeof roundConfigSchema>;

/** Validates a round configuration, or throws a SecAggConfigError naming the field. */
export function parseRoundConfig(input: unknown): RoundConfig {
  const result = roundConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'config';
  throw new SecAggConfigError(`round config: ${field} ${issue?.message ?? 'is invalid'}`);
}

/** P(X ≥ m) for X ~ Binomial(k, p), summed term by term (k ≤ 255). */
function binomialUpperTail(k: number, p: number, m: number): number {
  if (p <= 0) return m <= 0 ? 1 : 0;
  let term = (1 - p) ** k; // P(X = 0)
  let tail = m <= 0 ? term : 0;
  for (let i = 1; i <= k; i++) {
    term *= ((k - i + 1) / i) * (p / (1 - p));
    if (i >= m) tail += term;
  }
  return Math.min(1, tail);
}

export interface Neighbourhood {
  neighbours: number;
  threshold: number;
}

/**
 * Chooses k and t for n sites that each drop independently with probability `dropoutRate`.
 * t = ⌊k/2⌋ + 1, a majority of each neighbourhood, so that no minority of a site's neighbours can
 * rebuild its secrets with the hub. k starts at 2⌈log₂ n⌉ (SecAgg+'s logarithmic degree; the
 * constant 2 is ours) and grows in even steps until the expected number of sites left with fewer
 * than t live neighbours is at most `failureProbability`; if no k ≤ n − 2 is enough, the
 * complete graph (k = n − 1, Bonawitz et al.) is used.
 */
export function planNeighbourhood(input: {
  sites: number;
  dropoutRate: number;
  failureProbability?: number;
}): Neighbourhood {
  const { sites: n, dropoutRate: p } = input;
  const target = input.failureProbability ?? 1e-6;
  if (!Number.isInteger(n) || n < 3) throw new SecAggConfigError(`sites must be ≥ 3 (got ${n})`);
  if (!(p >= 0 && p < 1)) throw new SecAggConfigError(`dropoutRate must be in [0, 1) (got ${p})`);
  const complete = n - 1;
  const start = Math.max(2, 2 * Math.ceil(Math.log2(n)));
  for (let k = start + (start % 2); k <= Math.min(n - 2, MAX_SHARES - 1); k += 2) {
    const threshold = Math.floor(k / 2) + 1;
    if (n * binomialUpperTail(k, p, k - threshold + 1) <= target)
      return { neighbours: k, threshold };
  }
  if (complete > MAX_SHARES) {
    throw new SecAggConfigError(
      `no neighbourhood of at most ${MAX_SHARES} sites tolerates dropout ${p} for ${n} sites`,
    );
  }
  return { neighbours: complete, threshold: Math.floor(complete / 2) + 1 };
}
