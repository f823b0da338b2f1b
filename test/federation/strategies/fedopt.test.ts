import { describe, expect, it } from 'vitest';
import {
  AdamServerOptimizer,
  FedOpt,
  createStrategy,
  type StrategyState,
} from '../../../src/federation/strategies/index.js';
import { result, values, weights } from './fixtures.js';

const options = { serverLearningRate: 0.1, beta1: 0.9, tau: 1e-3 };

/**
 * Global [1, 1] / 0; the sites average to [0.6, 1.2] / 0 (weights 1 and 3), so the
 * pseudo-gradient is g = global - average = [0.4, -0.2] / 0.
 */
const global = weights([1, 1], 0);
const results = [result('a', 1, [0, 0], 0), result('b', 3, [0.8, 1.6], 0)];

describe('FedOpt', () => {
  it('FedAdam, round 1: m = 0.1 g, v = 0.001 g^2, w = w - lr m / (sqrt v + tau)', () => {
    const out = createStrategy({ name: 'fedadam', beta2: 0.999, ...options }).aggregate({
      round: 1,
      global,
      results,
      state: null,
    });
    // kernel[0]: m = 0.04, v = 0.00016, sqrt v = 0.012649..., step = 0.1 * 0.04 / 0.013649... = 0.29306..., w = 0.70694...
    const step = (g: number) => (0.1 * 0.1 * g) / (Math.sqrt(0.001 * g * g) + 1e-3);
    const [kernel, bias] = values(out.weights);
    expect(kernel?.[0]).toBeCloseTo(1 - step(0.4), 6);
    expect(kernel?.[1]).toBeCloseTo(1 - step(-0.2), 6);
    expect(kernel?.[0]).toBeCloseTo(0.70694, 5);
    expect(bias).toEqual([0]);
    expect(out.state?.step).toBe(1);
    expect(out.state?.tensors.map((t) => t.name)).toEqual([
      'dense0/kernel/m',
      'dense0/kernel/v',
      'dense0/bias/m',
      'dense0/bias/v',
    ]);
    const m = values(out.state!.tensors)[0];
    expect(m?.[0]).toBeCloseTo(0.04, 6);
    expect(m?.[1]).toBeCloseTo(-0.02, 6);
  });

  it('FedYogi, round 2 from a given state: v moves by (1 - beta2) g^2 towards g^2', () => {
    const state: StrategyState = {
      step: 1,
      tensors: [
        { name: 'dense0/kernel/m', shape: [2, 1], data: new Float32Array([0.1, 0]) },
        { name: 'dense0/kernel/v', shape: [2, 1], data: new Float32Array([1, 0]) },
        { name: 'dense0/bias/m', shape: [1], data: new Float32Array([0]) },
        { name: 'dense0/bias/v', shape: [1], data: new Float32Array([0]) },
      ],
    };
    const yogi = createStrategy({ name: 'fedyogi', beta2: 0.99, ...options });
    const out = yogi.aggregate({ round: 2, global, results, state });
    // kernel[0]: g = 0.4, m = 0.09 + 0.04 = 0.13; v = 1 - 0.01 * 0.16 * sign(1 - 0.16) = 0.9984
    // kernel[1]: g = -0.2, m = -0.02; v = 0 - 0.01 * 0.04 * sign(0 - 0.04) = 0.0004
    const [m, v] = values(out.state!.tensors);
    expect(m?.[0]).toBeCloseTo(0.13, 6);
    expect(m?.[1]).toBeCloseTo(-0.02, 6);
    expect(v?.[0]).toBeCloseTo(0.9984, 6);
    expect(v?.[1]).toBeCloseTo(0.0004, 8);
    const [kernel] = values(out.weights);
    expect(kernel?.[0]).toBeCloseTo(1 - (0.1 * 0.13) / (Math.sqrt(0.9984) + 1e-3), 6);
    expect(kernel?.[1]).toBeCloseTo(1 + (0.1 * 0.02) / (0.02 + 1e-3), 5);
    expect(out.state?.step).toBe(2);
  });

  it('FedAdagrad accumulates g^2', () => {
    const adagrad = createStrategy({ name: 'fedadagrad', ...options });
    const first = adagrad.aggregate({ round: 1, global, results, state: null });
    const second = adagrad.aggregate({ round: 2, global, results, state: first.state });
    expect(values(second.state!.tensors)[1]?.[0]).toBeCloseTo(2 * 0.16, 6);
  });

  it('names itself after its server optimizer and has FLamby defaults', () => {
    expect(new FedOpt(new AdamServerOptimizer(0.999), options).name).toBe('fedadam');
    expect(createStrategy({ name: 'fedyogi' }).name).toBe('fedyogi');
    // Defaults: server lr 0.01, beta1 0.9, beta2 0.999, tau 1e-8; round 1 step = 0.01 * 0.1 g / (sqrt(0.001) |g|)
    const out = createStrategy({ name: 'fedadam' }).aggregate({
      round: 1,
      global,
      results,
      state: null,
    });
    expect(values(out.weights)[0]?.[0]).toBeCloseTo(1 - 0.001 / Math.sqrt(0.001), 6);
  });

  it('refuses a state that does not belong to this model', () => {
    const state: StrategyState = { step: 1, tensors: [] };
    expect(() =>
      createStrategy({ name: 'fedadam' }).aggregate({ round: 2, global, results, state }),
    ).toThrow('FedOpt state has 0 tensors, expected 4');
  });

  it('refuses an unknown strategy name', () => {
    expect(() => createStrategy({ name: 'scaffold' } as never)).toThrow();
  });
});
