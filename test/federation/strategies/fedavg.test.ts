import { describe, expect, it } from 'vitest';
import { FedAvg, FedProx, createStrategy } from '../../../src/federation/strategies/index.js';
import { result, values, weights } from './fixtures.js';

const global = weights([0, 0], 0);

describe('FedAvg', () => {
  it('averages weighted by numSamples', () => {
    // (1*[1,2] + 3*[5,6]) / 4 = [4, 5]; bias (1*1 + 3*-3) / 4 = -2
    const out = new FedAvg().aggregate({
      round: 1,
      global,
      results: [result('a', 1, [1, 2], 1), result('b', 3, [5, 6], -3)],
      state: null,
    });
    expect(values(out.weights)).toEqual([[4, 5], [-2]]);
    expect(out.weights.map((t) => [t.name, t.shape])).toEqual([
      ['dense0/kernel', [2, 1]],
      ['dense0/bias', [1]],
    ]);
    expect(out.state).toBeNull();
  });

  it('gives the same bits whatever order the sites answered in', () => {
    const results = [
      result('c', 7, [0.1, 0.7], 0.3),
      result('a', 3, [0.2, 0.11], 0.9),
      result('b', 5, [0.3, 0.13], 0.01),
    ];
    const forward = new FedAvg().aggregate({ round: 1, global, results, state: null });
    const backward = new FedAvg().aggregate({
      round: 1,
      global,
      results: [...results].reverse(),
      state: null,
    });
    expect(backward.weights).toEqual(forward.weights);
  });

  it('refuses a site twice, no results, a bad sample count or a malformed update', () => {
    const agg = (results: ReturnType<typeof result>[]) => () =>
      new FedAvg().aggregate({ round: 1, global, results, state: null });
    expect(agg([])).toThrow('aggregate: no results to aggregate');
    expect(agg([result('a', 1, [0, 0], 0), result('a', 2, [0, 0], 0)])).toThrow(
      "site 'a' answered twice",
    );
    expect(agg([result('a', 0, [0, 0], 0)])).toThrow("site 'a' reports numSamples 0");
    expect(agg([result('a', 1, [0, Number.NaN], 0)])).toThrow(
      "aggregate: site 'a': update tensor 'dense0/kernel' has NaN at index 1",
    );
  });
});

describe('FedProx', () => {
  it('asks sites for a proximal term and aggregates like the strategy it wraps', () => {
    const prox = new FedProx(new FedAvg(), 0.01);
    expect(prox.name).toBe('fedprox');
    expect(prox.clientConfig(3)).toEqual({ proximalMu: 0.01 });
    const input = {
      round: 1,
      global,
      results: [result('a', 1, [1, 2], 1), result('b', 3, [5, 6], -3)],
      state: null,
    };
    expect(prox.aggregate(input)).toEqual(new FedAvg().aggregate(input));
  });

  it('comes from a spec with FLamby default mu', () => {
    expect(createStrategy({ name: 'fedprox' }).clientConfig(1)).toEqual({ proximalMu: 0.01 });
    expect(createStrategy({ name: 'fedavg' }).clientConfig(1)).toEqual({});
  });

  it('refuses a negative mu', () => {
    expect(() => new FedProx(new FedAvg(), -1)).toThrow(
      'FedProx: mu must be a finite number >= 0, got -1',
    );
  });
});
