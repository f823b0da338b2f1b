/**
 * Distributed noise: m sites each add N(0, σ²Δ²/m), so the summed vector carries σΔ on every
 * component; σ is the RDP accountant's for (ε, δ) at sample rate 1 and one step. Statistical
 * checks use generous bounds (the estimates' relative standard error is about 1–2 %).
 */
import { describe, expect, it } from 'vitest';
import {
  calibrateNoise,
  decodeAnswer,
  decodeSecAggSum,
  encodeForSecAgg,
  layoutOf,
  localContribution,
  noiseShareStd,
  parseQuery,
  planQuery,
  privacySpent,
  siteContribution,
} from '../../src/analytics/index.js';
import { epsilon } from '../../src/privacy/index.js';
import { SYNTHETIC_COLUMNS, sumVectors, syntheticSites } from './support/synthetic.js';

const SITES = 4;
const rows = syntheticSites({ a: 400, b: 300, c: 200, d: 100 }, SITES);
const policy = { minimumCohort: 10, differentialPrivacy: true };

function std(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
}

describe('noise calibration', () => {
  it('σ is the smallest noise multiplier whose one-step Gaussian spends at most ε', () => {
    for (const [eps, delta] of [
      [0.5, 1e-5],
      [1, 1e-5],
      [3, 1e-6],
    ] as const) {
      const plan = calibrateNoise({
        epsilon: eps,
        delta,
        sensitivity: Math.SQRT2,
        minimumSurvivors: 3,
      });
      const at = (sigma: number) =>
        epsilon({ sampleRate: 1, noiseMultiplier: sigma, steps: 1, delta }).epsilon;
      expect(at(plan.noiseMultiplier)).toBeLessThanOrEqual(eps);
      expect(at(plan.noiseMultiplier - 1e-3)).toBeGreaterThan(eps);
      expect(noiseShareStd(plan)).toBeCloseTo(
        (plan.noiseMultiplier * Math.SQRT2) / Math.sqrt(3),
        12,
      );
    }
  });

  it('the sensitivity is √(components a record touches)', () => {
    const sensitivity = (q: object) =>
      layoutOf(parseQuery(q, SYNTHETIC_COLUMNS), SYNTHETIC_COLUMNS).sensitivity;
    expect(sensitivity({ stat: 'count', column: 'level', by: ['zone'] })).toBe(1);
    expect(sensitivity({ stat: 'sum', column: 'level' })).toBe(Math.SQRT2);
    expect(sensitivity({ stat: 'mean', column: 'level', by: ['zone', 'shift'] })).toBe(Math.SQRT2);
    expect(sensitivity({ stat: 'variance', column: 'level' })).toBe(Math.sqrt(3));
    expect(sensitivity({ stat: 'histogram', column: 'level', bins: 10 })).toBe(1);
    expect(sensitivity({ stat: 'quantile', column: 'level', bins: 10, quantiles: [0.5] })).toBe(1);
  });

  it('survivors beyond m spend less; fewer than m are refused', () => {
    const plan = calibrateNoise({ epsilon: 1, delta: 1e-5, sensitivity: 1, minimumSurvivors: 4 });
    expect(privacySpent(plan, 4).epsilon).toBeLessThanOrEqual(1);
    expect(privacySpent(plan, 6).epsilon).toBeLessThan(privacySpent(plan, 4).epsilon);
    expect(privacySpent(plan, 6).noiseMultiplier).toBeCloseTo(
      plan.noiseMultiplier * Math.sqrt(6 / 4),
      12,
    );
    expect(() => privacySpent(plan, 3)).toThrow(
      /only 3 site shares were summed; the noise was sized for at least 4/,
    );
  });
});

describe('the summed noise has the calibrated standard deviation', () => {
  const query = { stat: 'mean', column: 'level', by: ['zone'], epsilon: 1 };
  const plan = planQuery({
    query,
    columns: SYNTHETIC_COLUMNS,
    policy,
    sites: SITES,
    maxRecordsPerSite: 1000,
  });
  const exact = sumVectors(rows.map((r) => localContribution(r, plan.query, SYNTHETIC_COLUMNS)));
  const target = plan.noise!.noiseMultiplier * plan.noise!.sensitivity; // σΔ

  it('per component, over 500 rounds (4000 draws): within 10 % of σΔ', () => {
    const deviations: number[] = [];
    for (let t = 0; t < 500; t++) {
      const sum = sumVectors(rows.map((r) => siteContribution(r, plan, SYNTHETIC_COLUMNS)));
      sum.forEach((v, i) => deviations.push(v - exact[i]!));
    }
    expect(Math.abs(deviations.reduce((a, b) => a + b, 0) / deviations.length)).toBeLessThan(
      0.1 * target,
    );
    expect(std(deviations) / target).toBeGreaterThan(0.9);
    expect(std(deviations) / target).toBeLessThan(1.1);
  });

  it('through the SecAgg encoding, the decoded means vary as the answer says (delta method)', () => {
    const means = new Map<string, number[]>();
    let predicted = new Map<string, number>();
    for (let t = 0; t < 400; t++) {
      const weightedSum = sumVectors(
        rows.map((r) =>
          Float64Array.from(
            encodeForSecAgg(siteContribution(r, plan, SYNTHETIC_COLUMNS), plan.encoding),
          ),
        ),
      );
      const sum = decodeSecAggSum(
        { weightedSum, weightTotal: SITES, survivors: ['1', '2', '3', '4'] },
        plan.encoding,
      );
      const answer = decodeAnswer(sum, plan, { survivors: SITES });
      for (const g of answer.groups) means.set(g.label, [...(means.get(g.label) ?? []), g.value!]);
      predicted = new Map(answer.groups.map((g) => [g.label, g.noiseStd!]));
    }
    for (const [label, values] of means) {
      const ratio = std(values) / predicted.get(label)!;
      expect(ratio, label).toBeGreaterThan(0.85);
      expect(ratio, label).toBeLessThan(1.15);
    }
  });
});
