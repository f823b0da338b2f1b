import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUDGET_FILE,
  BudgetExceeded,
  DpSgdSpec,
  PrivacyBudgets,
  TrainJobSpec,
  planDpSgd,
  spentThrough,
} from '../../src/federation/index.js';
import { epsilonReport } from '../../src/cli/dp-report.js';
import { quickJob } from '../support/heart-network.js';

const budget = { epsilon: 3, delta: 1e-5 };
const round = { sampleRate: 0.02, noiseMultiplier: 1.1, steps: 100 };
const charge = (job: string, r: number) => ({ job, round: r, ...round, at: r });

describe('PrivacyBudgets', () => {
  it('charges durably: a reopened store (a restarted site) sees every charge', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-budget-'));
    const a = await PrivacyBudgets.open(dir);
    expect(a.status('heart', budget).spent).toBe(0);
    await a.charge('heart', budget, { ...round, steps: 300 }, 'job j1', charge('j1', 1));
    await a.charge('heart', budget, { ...round, steps: 200 }, 'job j1', charge('j1', 2));
    const b = await PrivacyBudgets.open(dir);
    expect(b.charges('heart')).toHaveLength(2);
    expect(b.status('heart', budget).spent).toBeCloseTo(a.status('heart', budget).spent, 12);
    // Two rounds of 100 steps compose to the accountant's ε for 200 steps.
    const expected = epsilonReport({ ...round, steps: 200, delta: budget.delta }).epsilon;
    expect(b.status('heart', budget).spent).toBeCloseTo(expected, 10);
    expect(b.status('heart', budget).remaining).toBeCloseTo(budget.epsilon - expected, 10);
  });

  it('refuses a plan that does not fit what remains, naming the numbers, and charges nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-budget-'));
    const store = await PrivacyBudgets.open(dir);
    await store.charge('heart', budget, round, 'job j1', charge('j1', 1));
    const refusal = store.charge(
      'heart',
      budget,
      { ...round, steps: 5_000 },
      'job j2 (50 rounds)',
      charge('j2', 1),
    );
    await expect(refusal).rejects.toBeInstanceOf(BudgetExceeded);
    await expect(refusal).rejects.toThrow(
      /dataset 'heart' privacy budget exceeded: job j2 \(50 rounds\) would spend ε = [\d.]+ \(δ = 0\.00001; q = 0\.02, σ = 1\.1, 5000 steps\), taking the total to ε = [\d.]+; budget ε = 3 at δ = 0\.00001, spent [\d.]+, remaining [\d.]+/,
    );
    expect((await PrivacyBudgets.open(dir)).charges('heart')).toHaveLength(1);
  });

  it('refuses to start from a damaged file rather than hand spent budget back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-budget-'));
    await writeFile(join(dir, BUDGET_FILE), '{"version":1,"datasets":{"heart":[{"job":1}]}}');
    await expect(PrivacyBudgets.open(dir)).rejects.toThrow(/damaged.*refusing to start/);
    expect(await readFile(join(dir, BUDGET_FILE), 'utf8')).toContain('"job":1');
  });
});

describe('site DP plan', () => {
  it('reports the same ε as `converge dp epsilon` for its q, σ and steps so far', () => {
    const plan = planDpSgd(
      { mode: 'dp-sgd', clipNorm: 1, delta: 1e-5, noiseMultiplier: 1.3, rounds: 15 },
      { steps: 100, batchSize: 4 },
      199,
    );
    for (const r of [1, 7, 15]) {
      const cli = epsilonReport({
        sampleRate: 4 / 199,
        noiseMultiplier: 1.3,
        steps: 100 * r,
        delta: 1e-5,
      });
      const report = spentThrough(plan, r);
      expect(report.epsilon).toBe(cli.epsilon);
      expect(report.steps).toBe(100 * r);
    }
  });

  it('calibrates σ per site so the whole job spends the target ε', () => {
    for (const n of [30, 199]) {
      const plan = planDpSgd(
        { mode: 'dp-sgd', clipNorm: 1, delta: 1e-5, epsilon: 3, rounds: 15 },
        { steps: 100, batchSize: 4 },
        n,
      );
      const spent = spentThrough(plan, 15).epsilon;
      expect(spent).toBeLessThanOrEqual(3);
      expect(spent).toBeGreaterThan(2.99);
    }
  });
});

describe('job spec privacy block', () => {
  it('takes exactly one of noiseMultiplier and epsilon, and no noiseless extras', () => {
    const dp = { mode: 'dp-sgd', clipNorm: 1, delta: 1e-5 };
    expect(DpSgdSpec.safeParse({ ...dp, epsilon: 1 }).success).toBe(true);
    expect(DpSgdSpec.safeParse({ ...dp, noiseMultiplier: 1 }).success).toBe(true);
    expect(DpSgdSpec.safeParse(dp).error?.issues[0]?.message).toMatch(/exactly one/);
    expect(DpSgdSpec.safeParse({ ...dp, epsilon: 1, noiseMultiplier: 1 }).success).toBe(false);
    const withExtras = TrainJobSpec.safeParse({ ...quickJob(), privacy: { ...dp, epsilon: 1 } });
    expect(withExtras.error?.issues[0]?.message).toMatch(/omit localBaseline and personalization/);
    const clean = quickJob({
      personalization: undefined,
      privacy: { mode: 'dp-sgd', clipNorm: 1, delta: 1e-5, epsilon: 1 },
    });
    expect(TrainJobSpec.safeParse(clean).success).toBe(true);
  });
});
