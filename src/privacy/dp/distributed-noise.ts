/**
 * Client-level DP-FedAvg with noise added in shares (McMahan et al., arXiv 1710.06963): each site
 * clips its update to norm C and adds N(0, σ²C²/m); once any m shares are summed, as secure
 * aggregation sums them, the total carries N(0, σ²C²) and the hub never sees an un-noised update.
 */
import { z } from 'zod';
import { clipFactor, l2Norm, type UpdateTensor } from './clipping.js';
import { PrivacyParameterError } from './errors.js';
import { addGaussianNoise } from './gaussian.js';
import { noiseMultiplierSchema, parseParameters, positiveSchema } from './parameters.js';

const planSchema = z.object({
  noiseMultiplier: noiseMultiplierSchema,
  clipNorm: positiveSchema,
  minimumSurvivors: z
    .number({ error: 'must be a whole number ≥ 1' })
    .int('must be a whole number ≥ 1')
    .min(1, 'must be a whole number ≥ 1'),
});

/**
 * σ (noise multiplier), C (clip norm) and m: the fewest contributions a round may publish. Noise
 * is sized for m, so a sum of r ≥ m shares carries at least σC; set m to the secure-aggregation
 * round's minimum, or to the number of sites when no dropout is allowed.
 */
export type DistributedNoisePlan = z.infer<typeof planSchema>;

/** The standard deviation each site adds per coordinate: σC/√m. */
export function siteNoiseStd(plan: DistributedNoisePlan): number {
  const p = parseParameters(planSchema, plan, 'siteNoiseStd');
  return (p.noiseMultiplier * p.clipNorm) / Math.sqrt(p.minimumSurvivors);
}

export interface PrivatizedUpdate {
  update: UpdateTensor[];
  /** The norm before clipping: for adaptive clipping, which must itself be noised before use. */
  norm: number;
  clipped: boolean;
}

/** Clips `delta` to C and adds this site's noise share; the input is not modified. */
export function privatizeSiteUpdate(
  delta: readonly UpdateTensor[],
  plan: DistributedNoisePlan,
): PrivatizedUpdate {
  const std = siteNoiseStd(plan);
  const norm = l2Norm(delta);
  const factor = clipFactor(norm, plan.clipNorm);
  const update = delta.map((t) => ({
    name: t.name,
    shape: [...t.shape],
    data: addGaussianNoise(
      t.data.map((v) => v * factor),
      std,
    ),
  }));
  return { update, norm, clipped: factor < 1 };
}

/**
 * The noise multiplier the published sum really carries when `survivors` shares were summed:
 * σ·√(r/m). Record this one with the accountant; it is below σ if fewer than m sites survived.
 */
export function effectiveNoiseMultiplier(plan: DistributedNoisePlan, survivors: number): number {
  const p = parseParameters(planSchema, plan, 'effectiveNoiseMultiplier');
  if (!Number.isInteger(survivors) || survivors < 0) {
    throw new PrivacyParameterError(
      `effectiveNoiseMultiplier: survivors must be a whole number ≥ 0 (got ${survivors})`,
    );
  }
  return p.noiseMultiplier * Math.sqrt(survivors / p.minimumSurvivors);
}

/**
 * DP-FedAvg's fixed-denominator estimate Σ/E[r]: dividing by the expected rather than the actual
 * number of contributors keeps the sensitivity of the mean at C/E[r].
 */
export function fixedDenominatorMean(
  sum: Float32Array,
  expectedContributors: number,
): Float32Array {
  const n = parseParameters(positiveSchema, expectedContributors, 'fixedDenominatorMean');
  return sum.map((v) => v / n);
}
