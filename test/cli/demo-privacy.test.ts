/**
 * The demo's privacy section on real runs: the heart-disease job simulated in process with and
 * without DP-SGD (shortened to 3 rounds), the JSON's accuracy-per-ε block beside FLamby's
 * published figures, the spend of a job with and without DP, and the printed table.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DP_CLIP_NORM,
  DP_DELTA,
  FLAMBY_DP_PUBLISHED,
  dpAccuracy,
  formatDemoPrivacy,
  heartSpend,
} from '../../src/cli/demo/demo-privacy.js';
import {
  SIMULATION_LABEL,
  loadHeartFederation,
  simulateDpJob,
  type DpRun,
  type HeartFederation,
} from '../../src/cli/demo/dp-simulation.js';
import { simulateDpInWorker } from '../../src/cli/demo/in-worker.js';
import { heartJobSpec } from '../../src/cli/demo/run-demo.js';
import { planDpSgd, type JobSummary } from '../../src/federation/index.js';

const job = { ...heartJobSpec(0, 3), localBaseline: undefined, personalization: undefined };
let fed: HeartFederation;
let clear: DpRun;
let private8: DpRun;

beforeAll(async () => {
  fed = await loadHeartFederation();
  clear = await simulateDpJob(fed, job, { epsilon: null, delta: DP_DELTA, clipNorm: DP_CLIP_NORM });
  private8 = await simulateDpJob(fed, job, { epsilon: 8, delta: DP_DELTA, clipNorm: DP_CLIP_NORM });
});

/** A finished job's summary as the hub gives it, its evaluation taken from a simulated run. */
function summaryOf(run: DpRun, privacy: JobSummary['rounds'][number]['privacySpent']): JobSummary {
  const sites = run.perSite.map((p) => p.site);
  return {
    id: 'job-sim',
    collab: 'heart',
    status: 'finished',
    phase: 'done',
    error: null,
    spec: job,
    participants: sites,
    rounds: Array.from({ length: job.rounds }, (_, i) => ({
      round: i + 1,
      status: 'closed',
      startedAt: 0,
      completedAt: 1,
      participants: sites,
      dropped: [],
      globalModelSha256: null,
      trainLoss: null,
      trainMs: {},
      updateBytes: {},
      metrics: null,
      privacySpent: privacy,
    })),
    baselines: {},
    evaluation: {
      global: Object.fromEntries(
        run.perSite.map((p) => [
          p.site,
          { loss: 0, accuracy: p.accuracy, correct: p.correct, n: p.n },
        ]),
      ),
    },
  };
}

describe('the heart job simulated in process', () => {
  it('evaluates the four hospitals’ 254 test patients, pooled and per hospital', () => {
    for (const run of [clear, private8]) {
      expect(run.perSite.map((p) => p.n)).toEqual([104, 89, 16, 45]);
      const correct = run.perSite.reduce((a, p) => a + p.correct, 0);
      expect(run.pooledTestAccuracy).toBeCloseTo(correct / 254, 12);
      const mean = run.perSite.reduce((a, p) => a + p.accuracy, 0) / 4;
      expect(run.meanClientAccuracy).toBeCloseTo(mean, 12);
      expect(run.pooledTestAccuracy).toBeGreaterThan(0.5);
    }
  });

  it('calibrates each site’s σ for its own q over the whole job, as the sites do', () => {
    expect(Object.values(clear.noiseMultiplier)).toEqual([0, 0, 0, 0]);
    for (const site of fed.sites) {
      const plan = planDpSgd(
        { mode: 'dp-sgd', clipNorm: DP_CLIP_NORM, delta: DP_DELTA, epsilon: 8, rounds: job.rounds },
        job.local,
        site.train.n,
      );
      expect(private8.noiseMultiplier[site.site]).toBe(plan.noiseMultiplier);
    }
    // Switzerland's 30 training rows make its q the largest, so its σ is the largest.
    const sigma = private8.noiseMultiplier;
    expect(sigma['switzerland']).toBeGreaterThan(Math.max(sigma['cleveland']!, sigma['hungary']!));
  });

  it('is repeatable without DP: the seed fixes everything', async () => {
    const again = await simulateDpJob(fed, job, {
      epsilon: null,
      delta: DP_DELTA,
      clipNorm: DP_CLIP_NORM,
    });
    expect(again.perSite).toEqual(clear.perSite);
  });
});

describe('the simulation on a worker thread, as the demo runs it', () => {
  it('gives the in-process run to the last digit (without DP: the seed fixes everything)', async () => {
    const lines: string[] = [];
    const [there] = await simulateDpInWorker(
      job,
      [null],
      { delta: DP_DELTA, clipNorm: DP_CLIP_NORM },
      (l) => lines.push(l),
    );
    expect(there!.perSite).toEqual(clear.perSite);
    expect(there!.pooledTestAccuracy).toBe(clear.pooledTestAccuracy);
    expect(lines).toEqual([
      expect.stringContaining('without DP (simulated): pooled-test accuracy'),
    ]);
  });
});

describe("the demo's privacy block", () => {
  it('sets accuracy per ε beside the job without DP and FLamby’s published DP figures', () => {
    const accuracy = dpAccuracy(summaryOf(clear, null), [private8]);
    expect(accuracy.note).toBe(SIMULATION_LABEL);
    expect(accuracy.withoutDp.pooledTestAccuracy).toBeCloseTo(clear.pooledTestAccuracy, 12);
    expect(accuracy.withoutDp.meanClientAccuracy).toBeCloseTo(clear.meanClientAccuracy, 12);
    expect(accuracy.published).toBe(FLAMBY_DP_PUBLISHED);
    expect(accuracy.job).toEqual({ strategy: 'fedyogi', rounds: 3, steps: 100, batchSize: 4 });
    expect(JSON.parse(JSON.stringify(accuracy))).toEqual(accuracy);

    const text = formatDemoPrivacy({
      spent: [heartSpend(summaryOf(clear, null), 'heart')],
      accuracy,
    });
    expect(text).toContain(SIMULATION_LABEL);
    expect(text).toContain(`no DP (network)`);
    expect(text).toMatch(
      new RegExp(
        `\\n  8 +${private8.pooledTestAccuracy.toFixed(3)} +${private8.meanClientAccuracy.toFixed(3)}`,
      ),
    );
    expect(text).toMatch(/\n {2}no DP \(network\) .* 0\.713\n/);
    expect(text).toMatch(/\n {2}8 .* ≈ 0\.700\n/);
    expect(text).toMatch(/\n {2}0\.1 +not run .* 0\.606 \(δ = 1e-4\)\n/);
    expect(text).toContain('heart (heart, 4 sites): ε = 0; the job ran without DP');
  });

  it('reports a DP job’s spend per site from its rounds', () => {
    const perSite = private8.perSite.map((p, i) => ({ site: p.site, epsilon: 7 + i / 10 }));
    const spend = heartSpend(
      summaryOf(private8, { epsilon: 7.3, delta: DP_DELTA, perSite }),
      'heart',
    );
    expect(spend.epsilon).toBe(7.3);
    expect(spend.delta).toBe(DP_DELTA);
    expect(spend.perSite.map((s) => s.epsilon)).toEqual(perSite.map((p) => p.epsilon));
    expect(spend.perSite.every((s) => s.releases === job.rounds)).toBe(true);
  });
});
