export type {
  AggregateInput,
  AggregateOutput,
  ClientConfig,
  FitResult,
  Strategy,
  StrategyState,
} from './strategy.js';
export { weightedAverage } from './weighted-average.js';
export { FedAvg } from './fedavg.js';
export { FedProx } from './fedprox.js';
export { FedOpt, type FedOptOptions } from './fedopt.js';
export {
  AdagradServerOptimizer,
  AdamServerOptimizer,
  YogiServerOptimizer,
  type ServerOptimizer,
} from './server-optimizer.js';
export { StrategySpec, createStrategy, type StrategySpecInput } from './spec.js';
