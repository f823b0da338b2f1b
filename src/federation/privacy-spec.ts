import { z } from 'zod';

/**
 * Record-level DP-SGD for a training job: every site Poisson-samples its batches (rate
 * q = batchSize / its own n), clips each example's gradient to `clipNorm` and adds Gaussian noise
 * of std noiseMultiplier · clipNorm to the sum. Give either the noise multiplier (every site then
 * spends its own ε, larger where n is small) or a target `epsilon` (every site calibrates its own
 * noise multiplier so that the whole job, rounds × steps, spends exactly that ε at `delta`).
 */
const DpSgdFields = z
  .object({
    mode: z.literal('dp-sgd'),
    clipNorm: z.number().positive().finite(),
    delta: z.number().gt(0).lt(1),
    noiseMultiplier: z.number().positive().finite().optional(),
    epsilon: z.number().positive().finite().optional(),
  })
  .strict();
const oneOfNoiseOrEpsilon = (p: {
  noiseMultiplier?: number | undefined;
  epsilon?: number | undefined;
}) => (p.noiseMultiplier === undefined) !== (p.epsilon === undefined);

export const DpSgdSpec = DpSgdFields.refine(oneOfNoiseOrEpsilon, {
  message: 'give exactly one of noiseMultiplier and epsilon',
});
export type DpSgdSpec = z.infer<typeof DpSgdSpec>;

/** What a site needs to plan and account a DP job: the spec plus the job's planned rounds. */
export const DpTask = DpSgdFields.extend({ rounds: z.number().int().positive() }).refine(
  oneOfNoiseOrEpsilon,
  { message: 'give exactly one of noiseMultiplier and epsilon' },
);
export type DpTask = z.infer<typeof DpTask>;

/** The (ε, δ) one site has spent on one job so far, sent with its update. */
export const PrivacyReport = z.object({
  epsilon: z.number().min(0),
  delta: z.number().gt(0).lt(1),
  /** DP-SGD steps taken in this job so far (rounds done × local steps). */
  steps: z.number().int().min(0),
  sampleRate: z.number().gt(0).max(1),
  noiseMultiplier: z.number().positive(),
});
export type PrivacyReport = z.infer<typeof PrivacyReport>;

/**
 * Client-level DP-FedAvg (McMahan et al. 2018) for many small sites: each site clips its whole
 * update to `clipNorm` and adds its share N(0, σ²C²/m) of the noise, so that the secure sum of
 * any m updates carries σC; the hub divides by the number of participants. Give a noise
 * multiplier, or a target ε for the whole job (every site in every round: sampling rate 1).
 * `minimumSurvivors` (default: every participant) is m, the fewest updates a round may publish.
 */
export const DpFedAvgSpec = z
  .object({
    mode: z.literal('dp-fedavg'),
    clipNorm: z.number().positive().finite(),
    delta: z.number().gt(0).lt(1),
    noiseMultiplier: z.number().positive().finite().optional(),
    epsilon: z.number().positive().finite().optional(),
    minimumSurvivors: z.number().int().min(1).optional(),
  })
  .strict()
  .refine(oneOfNoiseOrEpsilon, { message: 'give exactly one of noiseMultiplier and epsilon' });
export type DpFedAvgSpec = z.infer<typeof DpFedAvgSpec>;

/** What every site needs for one round of DP-FedAvg: the resolved σ, C and m. */
export const ClientNoise = z.object({
  clipNorm: z.number().positive(),
  noiseMultiplier: z.number().positive(),
  minimumSurvivors: z.number().int().min(1),
});
export type ClientNoise = z.infer<typeof ClientNoise>;
