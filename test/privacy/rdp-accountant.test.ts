import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ORDERS,
  PrivacyParameterError,
  RdpAccountant,
  epsilon,
  noiseForBudget,
  sampledGaussianRdp,
  stepsForEpochs,
} from '../../src/privacy/index.js';
import { COPIED_VECTORS, SHARED_VECTORS, loadRdpVectors } from './support/vectors.js';

const { vectors } = loadRdpVectors();

describe('RDP accountant against the reference vectors', () => {
  it('keeps a copy with the same content as the shared vectors', () => {
    if (!existsSync(SHARED_VECTORS)) return; // only the copy exists on this checkout
    const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));
    expect(read(COPIED_VECTORS)).toEqual(read(SHARED_VECTORS));
  });

  it.each(vectors.cases)('ε at q=$sample_rate σ=$noise_multiplier steps=$steps δ=$delta', (c) => {
    const spent = epsilon({
      sampleRate: c.sample_rate,
      noiseMultiplier: c.noise_multiplier,
      steps: c.steps,
      delta: c.delta,
    });
    expect(Math.abs(spent.epsilon - c.epsilon)).toBeLessThanOrEqual(c.tolerance);
    if (c.best_order !== undefined) expect(spent.bestOrder).toBe(c.best_order);
  });

  it.each(vectors.single_step_rdp)(
    'single-step RDP at q=$sample_rate σ=$noise_multiplier α=$order',
    (c) => {
      const rdp = sampledGaussianRdp(c.sample_rate, c.noise_multiplier, c.order);
      expect(Math.abs(rdp - c.rdp) / c.rdp).toBeLessThan(1e-9);
    },
  );

  it.each(vectors.noise_for_budget)(
    'noise for ε=$target_epsilon at q=$sample_rate (epochs $epochs, steps $steps)',
    (c) => {
      const steps = c.steps ?? stepsForEpochs(c.epochs!, c.sample_rate);
      const budget = {
        epsilon: c.target_epsilon,
        delta: c.delta,
        sampleRate: c.sample_rate,
        steps,
      };
      const sigma = noiseForBudget(budget);
      expect(Math.abs(sigma - c.noise_multiplier)).toBeLessThanOrEqual(c.tolerance);
      const at = (s: number) =>
        epsilon({ sampleRate: c.sample_rate, noiseMultiplier: s, steps, delta: c.delta }).epsilon;
      // σ̂ meets the budget, and 1e-4 less would not: it is the smallest σ to the stated tolerance.
      expect(at(sigma)).toBeLessThanOrEqual(c.target_epsilon);
      expect(at(sigma - 1e-4)).toBeGreaterThan(c.target_epsilon);
    },
  );
});

describe('RDP of the sampled Gaussian', () => {
  it('matches the closed form at α = 2', () => {
    for (const [q, sigma] of [
      [0.01, 1],
      [0.2, 0.7],
      [0.5, 3],
    ] as const) {
      const closed = Math.log(1 + q * q * Math.expm1(1 / (sigma * sigma)));
      expect(sampledGaussianRdp(q, sigma, 2)).toBeCloseTo(closed, 14);
    }
  });

  it('agrees between the fractional series and the integer sum next to an integer order', () => {
    const integer = sampledGaussianRdp(0.05, 1.2, 3);
    expect(Math.abs(sampledGaussianRdp(0.05, 1.2, 3 + 1e-9) - integer) / integer).toBeLessThan(
      1e-6,
    );
    expect(Math.abs(sampledGaussianRdp(0.05, 1.2, 3 - 1e-9) - integer) / integer).toBeLessThan(
      1e-6,
    );
  });

  it('uses the signed series, below dp_accounting’s all-positive bound', () => {
    // dp_accounting expects 6.70579741e-4 here; Opacus's signed sum gives ≈ 6.5007e-4 (REFERENCES §4.2).
    const rdp = 50 * sampledGaussianRdp(0.01, 2.5, 1.5);
    expect(rdp).toBeCloseTo(6.5007e-4, 7);
    expect(rdp).toBeLessThan(6.70579741e-4);
  });

  it('handles the special cases', () => {
    expect(sampledGaussianRdp(0, 1, 5)).toBe(0);
    expect(sampledGaussianRdp(0.1, 0, 5)).toBe(Infinity);
    expect(sampledGaussianRdp(1, 2, 5)).toBe(5 / 8);
  });

  it('has Opacus’s 151 default orders, without 11', () => {
    expect(DEFAULT_ORDERS).toHaveLength(151);
    expect(DEFAULT_ORDERS[0]).toBeCloseTo(1.1, 15);
    expect(DEFAULT_ORDERS).not.toContain(11);
    expect(DEFAULT_ORDERS.at(-1)).toBe(63);
  });
});

describe('ε', () => {
  const base = { sampleRate: 0.02, noiseMultiplier: 1.1, steps: 500, delta: 1e-5 };

  it('falls as noise grows and rises with steps', () => {
    expect(epsilon({ ...base, noiseMultiplier: 1.5 }).epsilon).toBeLessThan(epsilon(base).epsilon);
    expect(epsilon({ ...base, steps: 1000 }).epsilon).toBeGreaterThan(epsilon(base).epsilon);
  });

  it('is exactly 0 when no data was touched', () => {
    expect(epsilon({ ...base, sampleRate: 0 })).toEqual({ epsilon: 0, bestOrder: null });
    expect(epsilon({ ...base, steps: 0 })).toEqual({ epsilon: 0, bestOrder: null });
  });

  it('is infinite without noise', () => {
    expect(epsilon({ ...base, noiseMultiplier: 0 }).epsilon).toBe(Infinity);
  });

  it.each([
    [{ sampleRate: 1.5 }, 'sampleRate must be in [0, 1] (got 1.5)'],
    [{ sampleRate: -0.1 }, 'sampleRate must be in [0, 1]'],
    [{ sampleRate: NaN }, 'sampleRate must be in [0, 1], a finite number (got NaN)'],
    [{ noiseMultiplier: -1 }, 'noiseMultiplier must be ≥ 0 (got -1)'],
    [{ delta: 0 }, 'delta must be in (0, 1) (got 0)'],
    [{ delta: 1 }, 'delta must be in (0, 1) (got 1)'],
    [{ delta: NaN }, 'delta must be in (0, 1), a finite number'],
    [{ steps: 2.5 }, 'steps must be a whole number ≥ 0 (got 2.5)'],
    [{ orders: [1, 2] }, 'orders.0 must be > 1 (got 1)'],
  ])('refuses %o', (bad, message) => {
    expect(() => epsilon({ ...base, ...bad })).toThrow(PrivacyParameterError);
    expect(() => epsilon({ ...base, ...bad })).toThrow(message);
  });
});

describe('noiseForBudget', () => {
  it('refuses a budget no noise can meet', () => {
    expect(() =>
      noiseForBudget({ epsilon: 1e-9, delta: 1e-5, sampleRate: 1, steps: 1000 }),
    ).toThrow(/budget is too small/);
  });

  it('needs no noise when nothing is sampled', () => {
    expect(noiseForBudget({ epsilon: 1, delta: 1e-5, sampleRate: 0, steps: 10 })).toBe(0);
  });

  it('counts steps from epochs as Math.floor, not Python’s //', () => {
    expect(stepsForEpochs(90, 0.04)).toBe(2250);
  });
});

describe('RdpAccountant', () => {
  const a = { sampleRate: 0.01, noiseMultiplier: 1.0, steps: 300 };
  const b = { sampleRate: 0.05, noiseMultiplier: 2.0, steps: 100 };

  it('composes heterogeneous steps by adding RDP order by order', () => {
    const accountant = new RdpAccountant();
    accountant.record(a);
    accountant.record(b);
    const total = accountant.rdp([2, 8.5]);
    for (const [k, order] of [2, 8.5].entries()) {
      const expected =
        a.steps * sampledGaussianRdp(a.sampleRate, a.noiseMultiplier, order) +
        b.steps * sampledGaussianRdp(b.sampleRate, b.noiseMultiplier, order);
      expect(total[k]).toBeCloseTo(expected, 12);
    }
    const both = accountant.epsilon(1e-5).epsilon;
    expect(both).toBeGreaterThan(epsilon({ ...a, delta: 1e-5 }).epsilon);
    expect(both).toBeGreaterThan(epsilon({ ...b, delta: 1e-5 }).epsilon);
  });

  it('merges repeated steps and matches a single call', () => {
    const accountant = new RdpAccountant();
    for (let round = 0; round < 3; round++) accountant.record({ ...a, steps: 100 });
    expect(accountant.history).toEqual([a]);
    expect(accountant.epsilon(1e-5)).toEqual(epsilon({ ...a, delta: 1e-5 }));
  });

  it('replays from its stored history', () => {
    const first = new RdpAccountant([a, b]);
    const replayed = new RdpAccountant(JSON.parse(JSON.stringify(first.history)));
    expect(replayed.epsilon(1e-6)).toEqual(first.epsilon(1e-6));
  });

  it('tells whether a release fits the budget, without recording it', () => {
    const accountant = new RdpAccountant([a]);
    const spent = accountant.epsilon(1e-5).epsilon;
    const after = accountant.epsilonAfter(b, 1e-5).epsilon;
    expect(accountant.allows(b, { epsilon: after + 0.01, delta: 1e-5 })).toBe(true);
    expect(accountant.allows(b, { epsilon: after - 0.01, delta: 1e-5 })).toBe(false);
    expect(accountant.epsilon(1e-5).epsilon).toBe(spent);
  });

  it('refuses an invalid step and keeps its history', () => {
    const accountant = new RdpAccountant([a]);
    expect(() => accountant.record({ ...b, sampleRate: 2 })).toThrow(
      'RdpAccountant.record: sampleRate must be in [0, 1] (got 2)',
    );
    expect(accountant.history).toEqual([a]);
  });
});
