import type { Weights } from '../../learning/weights.js';

/** One site's answer to a round: its locally trained weights and how many examples produced them. */
export interface FitResult {
  site: string;
  numSamples: number;
  weights: Weights;
}

/** What the hub tells every site about local training in a round. */
export interface ClientConfig {
  /** FedProx: weight of the proximal term mu/2 * ||w - w_global||^2 in local training. */
  proximalMu?: number;
}

/** Server optimizer state (e.g. FedAdam's moments), persisted by the hub between rounds. */
export interface StrategyState {
  tensors: Weights;
  step: number;
}

export interface AggregateInput {
  round: number;
  global: Weights;
  results: FitResult[];
  state: StrategyState | null;
}

export interface AggregateOutput {
  weights: Weights;
  state: StrategyState | null;
}

/**
 * How a federation turns site results into the next global model. Pure: everything a round needs
 * comes in through `aggregate` (including the state the hub persisted), so a restarted hub
 * resumes exactly, and the same inputs always give the same bits.
 */
export interface Strategy {
  readonly name: string;
  clientConfig(round: number): ClientConfig;
  aggregate(input: AggregateInput): AggregateOutput;
}
