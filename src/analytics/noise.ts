/**
 * Distributed Gaussian noise for a query's vector. The Gaussian mechanism with L2 sensitivity Δ
 * and noise N(0, σ²Δ²) on every component is (ε, δ)-DP for the σ that the RDP accountant gives
 * with sample rate 1 and one step (a single release over the whole dataset). Each of the m sites
 * the noise is sized for adds N(0, σ²Δ²/m), so once secure aggregation has summed m or more
 * shares the total carries at least σΔ and no party ever sees a share noised by less.
 */
import {
  addGaussianNoise,
  effectiveNoiseMultiplier,
  epsilon as epsilonOf,
  noiseForBudget,
  siteNoiseStd,
  type PrivacyStep,
} from '../privacy/index.js';
import { z } from 'zod';
import { AnalyticsError } from './errors.js';

export const NoisePlanSchema = z
  .object({
    /** The target the noise was calibrated for. */
    epsilon: z.number().gt(0),
    delta: z.number().gt(0).lt(1),
    /** σ: noise std in units of the sensitivity, for the whole sum. */
    noiseMultiplier: z.number().gt(0),
    /** Δ: the layout's L2 sensitivity. */
    sensitivity: z.number().gt(0),
    /** m: the fewest site shares a published sum may hold. */
    minimumSurvivors: z.number().int().min(1),
  })
  .strict();
export type NoisePlan = z.infer<typeof NoisePlanSchema>;

export function calibrateNoise(input: {
  epsilon: number;
  delta: number;
  sensitivity: number;
  minimumSurvivors: number;
}): NoisePlan {
  const { epsilon, delta, sensitivity, minimumSurvivors } = input;
  if (!Number.isInteger(minimumSurvivors) || minimumSurvivors < 1) {
    throw new AnalyticsError(
      `minimumSurvivors must be a whole number ≥ 1 (got ${minimumSurvivors})`,
    );
  }
  const noiseMultiplier = noiseForBudget({ epsilon, delta, sampleRate: 1, steps: 1 });
  return { epsilon, delta, noiseMultiplier, sensitivity, minimumSurvivors };
}

/** The std each site adds to each component: σΔ/√m. */
export function noiseShareStd(plan: NoisePlan): number {
  return siteNoiseStd({
    noiseMultiplier: plan.noiseMultiplier,
    clipNorm: plan.sensitivity,
    minimumSurvivors: plan.minimumSurvivors,
  });
}

/** A copy of `contribution` with this site's noise share added (CSPRNG Gaussian draws). */
export function addNoiseShare(contribution: Float64Array, plan: NoisePlan): Float64Array {
  return addGaussianNoise(contribution.slice(), noiseShareStd(plan));
}

export interface PrivacySpent {
  epsilon: number;
  delta: number;
  /** σ the published sum really carries: σ·√(r/m) for r summed shares. */
  noiseMultiplier: number;
  /** What the hub records with its RDP accountant for this release. */
  step: PrivacyStep;
}

/**
 * The (ε, δ) a sum of `survivors` shares spends. Fewer than m shares carry less noise than
 * planned, so that sum must not be published: this refuses it.
 */
export function privacySpent(plan: NoisePlan, survivors: number): PrivacySpent {
  if (!Number.isInteger(survivors) || survivors < plan.minimumSurvivors) {
    throw new AnalyticsError(
      `only ${survivors} site shares were summed; the noise was sized for at least ${plan.minimumSurvivors}, so publishing would spend more than ε = ${plan.epsilon}`,
    );
  }
  const noiseMultiplier = effectiveNoiseMultiplier(
    {
      noiseMultiplier: plan.noiseMultiplier,
      clipNorm: plan.sensitivity,
      minimumSurvivors: plan.minimumSurvivors,
    },
    survivors,
  );
  const step = { sampleRate: 1, noiseMultiplier, steps: 1 };
  return {
    epsilon: epsilonOf({ ...step, delta: plan.delta }).epsilon,
    delta: plan.delta,
    noiseMultiplier,
    step,
  };
}
