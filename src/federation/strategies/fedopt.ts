import type { Weights } from '../../learning/weights.js';
import type { ServerOptimizer } from './server-optimizer.js';
import type {
  AggregateInput,
  AggregateOutput,
  ClientConfig,
  Strategy,
  StrategyState,
} from './strategy.js';
import { weightedAverage } from './weighted-average.js';

export interface FedOptOptions {
  serverLearningRate: number;
  /** Momentum of the pseudo-gradient. */
  beta1: number;
  /** Adaptivity: floor of the denominator sqrt(v) + tau. */
  tau: number;
}

/**
 * FedAdam / FedYogi / FedAdagrad: sites train with plain SGD; the hub treats
 * g = global - weightedAverage(results) as a gradient and takes one adaptive step:
 *   m <- beta1 m + (1 - beta1) g;  v <- optimizer.secondMoment(v, g^2);  w <- global - lr m / (sqrt(v) + tau)
 * m and v start at 0 without bias correction, as in Reddi et al. and FLamby. They travel in
 * StrategyState as tensors '<name>/m' and '<name>/v', per model tensor, in model order.
 */
export class FedOpt implements Strategy {
  readonly name: string;

  constructor(
    private readonly optimizer: ServerOptimizer,
    private readonly options: FedOptOptions,
  ) {
    this.name = `fed${optimizer.name}`;
  }

  clientConfig(): ClientConfig {
    return {};
  }

  aggregate({ global, results, state }: AggregateInput): AggregateOutput {
    const average = weightedAverage(global, results);
    const moments = state === null ? zeroMoments(global) : checkedMoments(global, state);
    const { serverLearningRate, beta1, tau } = this.options;
    const weights: Weights = [];
    const tensors: Weights = [];
    global.forEach((tensor, k) => {
      const size = tensor.data.length;
      const m = new Float32Array(moments.tensors[2 * k]?.data ?? new Float32Array(size));
      const v = new Float32Array(moments.tensors[2 * k + 1]?.data ?? new Float32Array(size));
      const next = new Float32Array(size);
      const averaged = (average[k] as Weights[number]).data;
      for (let i = 0; i < size; i++) {
        const w = tensor.data[i] as number;
        const g = w - (averaged[i] as number);
        const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
        const vi = this.optimizer.secondMoment(v[i] as number, g * g);
        m[i] = mi;
        v[i] = vi;
        next[i] = w - (serverLearningRate * mi) / (Math.sqrt(Math.max(vi, 0)) + tau);
      }
      weights.push({ name: tensor.name, shape: [...tensor.shape], data: next });
      tensors.push({ name: `${tensor.name}/m`, shape: [...tensor.shape], data: m });
      tensors.push({ name: `${tensor.name}/v`, shape: [...tensor.shape], data: v });
    });
    return { weights, state: { tensors, step: moments.step + 1 } };
  }
}

function zeroMoments(global: Weights): StrategyState {
  const tensors = global.flatMap((t) => [
    { name: `${t.name}/m`, shape: [...t.shape], data: new Float32Array(t.data.length) },
    { name: `${t.name}/v`, shape: [...t.shape], data: new Float32Array(t.data.length) },
  ]);
  return { tensors, step: 0 };
}

function checkedMoments(global: Weights, state: StrategyState): StrategyState {
  const expected = zeroMoments(global).tensors;
  if (state.tensors.length !== expected.length) {
    throw new Error(
      `FedOpt state has ${state.tensors.length} tensors, expected ${expected.length}`,
    );
  }
  expected.forEach((want, i) => {
    const got = state.tensors[i] as Weights[number];
    if (got.name !== want.name || got.data.length !== want.data.length) {
      throw new Error(
        `FedOpt state tensor #${i} is '${got.name}' with ${got.data.length} values, expected '${want.name}' with ${want.data.length}`,
      );
    }
  });
  return state;
}
