import type { AggregateInput, AggregateOutput, ClientConfig, Strategy } from './strategy.js';

/**
 * FedProx (Li et al. 2020) changes only local training: each site adds mu/2 * ||w - w_global||^2
 * to its loss. Aggregation is whatever the wrapped strategy does (FedAvg in the paper).
 */
export class FedProx implements Strategy {
  readonly name: string;

  constructor(
    private readonly inner: Strategy,
    private readonly mu: number,
  ) {
    if (!(mu >= 0) || !Number.isFinite(mu))
      throw new Error(`FedProx: mu must be a finite number >= 0, got ${mu}`);
    this.name = inner.name === 'fedavg' ? 'fedprox' : `fedprox(${inner.name})`;
  }

  clientConfig(round: number): ClientConfig {
    return { ...this.inner.clientConfig(round), proximalMu: this.mu };
  }

  aggregate(input: AggregateInput): AggregateOutput {
    return this.inner.aggregate(input);
  }
}
