import { z } from 'zod';
import { ModelSpec } from '../learning/index.js';
import { DpFedAvgSpec, DpSgdSpec } from './privacy-spec.js';
import { SecureAggregationSpec } from './secure-aggregation-spec.js';
import { StrategySpec } from './strategies/index.js';

export const LocalTraining = z.object({
  steps: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive(),
  optimizer: z.enum(['sgd', 'adam']),
  /** L2 penalty on the weights (ridge); regularises small sites. */
  l2: z.number().min(0).optional(),
});
export type LocalTraining = z.infer<typeof LocalTraining>;

/** What a member asks the hub to run: one federated training job over one dataset id. */
export const TrainJobSpec = z
  .object({
    kind: z.literal('train'),
    dataset: z.string().min(1),
    model: ModelSpec,
    strategy: StrategySpec,
    rounds: z.number().int().positive().max(10_000),
    local: LocalTraining,
    /**
     * After the last round each site may fine-tune the global model on its own training rows
     * (a personalised model, evaluated on its own test split only); omit to skip.
     */
    personalization: LocalTraining.extend({ trainable: z.array(z.string()).optional() }).optional(),
    /** Budget of the local-only baselines each site trains for comparison; omit to skip them. */
    localBaseline: LocalTraining.optional(),
    minSites: z.number().int().positive().default(2),
    /** A site that has not reported this long after a round opened is dropped from that round. */
    roundTimeoutMs: z.number().int().positive().default(30_000),
    /** Setup phases (schema check, statistics, baselines) wait this long for every site. */
    setupTimeoutMs: z.number().int().positive().default(60_000),
    seed: z.number().int().min(0).default(0),
    /** Record-level differential privacy (DP-SGD at every site); omit to train without it. */
    privacy: DpSgdSpec.optional(),
    /**
     * SecAgg+ in every training round: the hub sees only the sum of the sites' updates (needs
     * at least 3 participating sites). `{}` takes the defaults; omit to send updates in clear.
     */
    secureAggregation: SecureAggregationSpec.optional(),
    /** Client-level DP-FedAvg: noise added in shares by the sites; needs secure aggregation. */
    clientPrivacy: DpFedAvgSpec.optional(),
  })
  // Baselines and personalised fine-tuning train on the same rows without noise: not in a DP job.
  // Each site's noise share alone protects nothing: only the secure sum carries the full noise.
  .refine((s) => !s.clientPrivacy || s.secureAggregation, {
    message: 'client-level DP (dp-fedavg) adds noise in shares and needs secureAggregation',
    path: ['clientPrivacy'],
  })
  .refine((s) => !s.clientPrivacy || (!s.localBaseline && !s.personalization), {
    message:
      'a client-level DP job cannot also share local-only or personalised models; omit localBaseline and personalization',
    path: ['clientPrivacy'],
  })
  .refine((s) => !s.privacy || (!s.localBaseline && !s.personalization), {
    message:
      'a DP job cannot also train local-only baselines or personalise without noise; omit localBaseline and personalization',
    path: ['privacy'],
  });
export type TrainJobSpec = z.infer<typeof TrainJobSpec>;
