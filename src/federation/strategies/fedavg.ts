import type { AggregateInput, AggregateOutput, ClientConfig, Strategy } from './strategy.js';
import { weightedAverage } from './weighted-average.js';

/** FedAvg (McMahan et al. 2017): the new global model is the numSamples-weighted mean of the sites' models. */
export class FedAvg implements Strategy {
  readonly name = 'fedavg';

  clientConfig(): ClientConfig {
    return {};
  }

  aggregate({ global, results }: AggregateInput): AggregateOutput {
    return { weights: weightedAverage(global, results), state: null };
  }
}
