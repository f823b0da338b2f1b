import { describe, expect, it } from 'vitest';
import {
  epsilonReport,
  formatEpsilonReport,
  formatNoiseReport,
  noiseReport,
} from '../../src/cli/dp-report.js';
import { parseNumberFlag, RANGES } from '../../src/cli/number-flags.js';
import { epsilon, stepsForEpochs } from '../../src/privacy/index.js';
import { loadRdpVectors } from '../privacy/support/vectors.js';
import { runCli } from './support/run-cli.js';

const { vectors } = loadRdpVectors();

describe('converge dp epsilon', () => {
  it.each(vectors.cases)('matches the vector at q=$sample_rate σ=$noise_multiplier', (c) => {
    const r = epsilonReport({
      sampleRate: c.sample_rate,
      noiseMultiplier: c.noise_multiplier,
      steps: c.steps,
      delta: c.delta,
    });
    expect(Math.abs(r.epsilon - c.epsilon)).toBeLessThanOrEqual(c.tolerance);
    if (c.best_order !== undefined) expect(r.bestOrder).toBe(c.best_order);
  });

  it('prints ε and the best order', () => {
    const r = epsilonReport({ sampleRate: 0.04, noiseMultiplier: 1.5, steps: 2250, delta: 1e-5 });
    expect(formatEpsilonReport(r)).toContain('ε = 7.3291 at δ = 1e-5 (best RDP order α = 3.9)');
  });
});

describe('converge dp noise', () => {
  it.each(vectors.noise_for_budget)(
    'matches the vector for ε=$target_epsilon at q=$sample_rate',
    (c) => {
      const steps = c.steps ?? stepsForEpochs(c.epochs!, c.sample_rate);
      const target = {
        epsilon: c.target_epsilon,
        delta: c.delta,
        sampleRate: c.sample_rate,
        steps,
      };
      const r = noiseReport(target);
      expect(Math.abs(r.noiseMultiplier - c.noise_multiplier)).toBeLessThanOrEqual(c.tolerance);
      // The printed σ meets the budget, is on the 1e-4 grid, and little less would not.
      expect(r.epsilon).toBeLessThanOrEqual(c.target_epsilon);
      expect(r.noiseMultiplier.toFixed(4)).toBe(String(r.noiseMultiplier));
      const below = epsilon({ ...target, noiseMultiplier: r.noiseMultiplier - 3e-4 }).epsilon;
      expect(below).toBeGreaterThan(c.target_epsilon);
      expect(formatNoiseReport(r)).toContain(
        `σ = ${r.noiseMultiplier} keeps ε ≤ ${c.target_epsilon} at δ = 1e-5`,
      );
    },
  );
});

describe('number flags', () => {
  it('refuse text, NaN, hex, infinities and empty values, naming the flag', () => {
    for (const raw of ['abc', 'NaN', '0x10', 'Infinity', '1e400', '', ' ', '1,5']) {
      expect(() => parseNumberFlag('--delta', raw, RANGES.openUnit)).toThrow(
        `--delta: expected a number in (0, 1), got '${raw}'`,
      );
    }
  });

  it('refuse values out of range', () => {
    expect(() => parseNumberFlag('--sample-rate', '0', RANGES.rate)).toThrow(/--sample-rate/);
    expect(() => parseNumberFlag('--sample-rate', '1.01', RANGES.rate)).toThrow(/\(0, 1\]/);
    expect(() => parseNumberFlag('--delta', '1', RANGES.openUnit)).toThrow(/--delta/);
    expect(() => parseNumberFlag('--noise-multiplier', '-1', RANGES.positive)).toThrow(/> 0/);
    expect(() => parseNumberFlag('--steps', '2.5', RANGES.positiveInteger)).toThrow(/whole/);
    expect(() => parseNumberFlag('--steps', '0', RANGES.positiveInteger)).toThrow(/whole/);
  });

  it('accept plain decimals and exponents', () => {
    expect(parseNumberFlag('--sample-rate', '1', RANGES.rate)).toBe(1);
    expect(parseNumberFlag('--delta', '1e-5', RANGES.openUnit)).toBe(1e-5);
    expect(parseNumberFlag('--epsilon', '.5', RANGES.positive)).toBe(0.5);
    expect(parseNumberFlag('--steps', '2250', RANGES.positiveInteger)).toBe(2250);
  });
});

describe('the dp commands as a process', () => {
  it('prints ε as JSON, and refuses a bad flag with one line', async () => {
    const c = vectors.cases[0]!;
    const ok = await runCli([
      'dp',
      'epsilon',
      '--sample-rate',
      String(c.sample_rate),
      '--noise-multiplier',
      String(c.noise_multiplier),
      '--steps',
      String(c.steps),
      '--delta',
      String(c.delta),
      '--json',
    ]);
    expect(ok.code).toBe(0);
    const out = JSON.parse(ok.stdout) as { epsilon: number; bestOrder: number };
    expect(Math.abs(out.epsilon - c.epsilon)).toBeLessThanOrEqual(c.tolerance);

    const bad = await runCli([
      'dp',
      'noise',
      '--epsilon',
      'eight',
      '--delta',
      '1e-5',
      '--sample-rate',
      '0.04',
      '--steps',
      '2000',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe("converge: --epsilon: expected a number > 0, got 'eight'");
    expect(bad.stdout).toBe('');
  });
});
