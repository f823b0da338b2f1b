import { z } from 'zod';
import { FedAvg } from './fedavg.js';
import { FedOpt } from './fedopt.js';
import { FedProx } from './fedprox.js';
import {
  AdagradServerOptimizer,
  AdamServerOptimizer,
  YogiServerOptimizer,
} from './server-optimizer.js';
import type { Strategy } from './strategy.js';

// Defaults are FLamby's (Fed-Heart-Disease benchmark): server lr 0.01, beta1 0.9, beta2 0.999, tau 1e-8.
const adaptive = {
  serverLearningRate: z.number().positive().default(0.01),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  tau: z.number().positive().default(1e-8),
};

/** A job's aggregation strategy, as written in its config, e.g. {name: 'fedyogi', serverLearningRate: 0.01}. */
export const StrategySpec = z.discriminatedUnion('name', [
  z.object({ name: z.literal('fedavg') }).strict(),
  z.object({ name: z.literal('fedprox'), mu: z.number().nonnegative().default(0.01) }).strict(),
  z.object({ name: z.literal('fedadam'), ...adaptive }).strict(),
  z.object({ name: z.literal('fedyogi'), ...adaptive }).strict(),
  z.object({ name: z.literal('fedadagrad'), ...adaptive }).strict(),
]);
export type StrategySpec = z.infer<typeof StrategySpec>;
export type StrategySpecInput = z.input<typeof StrategySpec>;

export function createStrategy(input: StrategySpecInput): Strategy {
  const spec = StrategySpec.parse(input);
  switch (spec.name) {
    case 'fedavg':
      return new FedAvg();
    case 'fedprox':
      return new FedProx(new FedAvg(), spec.mu);
    case 'fedadam':
      return new FedOpt(new AdamServerOptimizer(spec.beta2), spec);
    case 'fedyogi':
      return new FedOpt(new YogiServerOptimizer(spec.beta2), spec);
    case 'fedadagrad':
      return new FedOpt(new AdagradServerOptimizer(), spec);
  }
}
