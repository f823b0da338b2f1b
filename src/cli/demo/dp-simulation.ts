/**
 * The demo's heart-disease job with record-level DP-SGD at each site, SIMULATED IN ONE PROCESS
 * through the functions the sites and the hub run (featurize with federated statistics,
 * planDpSgd + privateSgdFor, trainLocal, strategy.aggregate, evaluate). Three more networked
 * jobs would triple the demo's wall time; the network reproduces this arithmetic (same seeds,
 * same code), except that here the hub averages in float64 instead of through SecAgg+.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { planDpSgd, privateSgdFor, type TrainJobSpec } from '../../federation/index.js';
import { createStrategy, type StrategyState } from '../../federation/strategies/index.js';
import {
  HEART_DISEASE_SCHEMA as schema,
  HEART_DISEASE_SITES,
  combineStatistics,
  deriveSeed,
  evaluate,
  featurize,
  initModel,
  loadSiteDataset,
  localStatistics,
  trainLocal,
  type Examples,
  type Weights,
} from '../../learning/index.js';
import { absoluteDataset } from './heart-network.js';

export const SIMULATION_LABEL =
  'in-process simulation of the same job (the sites’ own DP-SGD code; aggregation in float64, not through SecAgg+)';

/** The four hospitals' features, scaled by the statistics the sites would compute federatedly. */
export interface HeartFederation {
  sites: { site: string; train: Examples; test: Examples }[];
  pooledTest: Examples;
}

export async function loadHeartFederation(): Promise<HeartFederation> {
  const loaded = await Promise.all(
    HEART_DISEASE_SITES.map(async ({ site, dataset }) => ({
      site,
      data: await loadSiteDataset(absoluteDataset(dataset), '/'),
    })),
  );
  // All the hub ever learns of the rows: one LocalStatistics per site.
  const prep = combineStatistics(
    loaded.map(({ data }) => localStatistics(data.train, schema)),
    schema,
  );
  return {
    sites: loaded.map(({ site, data }) => ({
      site,
      train: featurize(data.train, schema, prep),
      test: featurize(data.test, schema, prep),
    })),
    pooledTest: featurize(
      loaded.flatMap(({ data }) => data.test),
      schema,
      prep,
    ),
  };
}

export interface DpRun {
  /** Target ε of every site over the whole job; null: the same job without DP. */
  epsilon: number | null;
  delta: number;
  clipNorm: number;
  pooledTestAccuracy: number;
  /** Uniform mean of the four hospitals' own test-split accuracies (FLamby's DP metric). */
  meanClientAccuracy: number;
  /** Each hospital's own test split. */
  perSite: { site: string; accuracy: number; correct: number; n: number }[];
  /** Each site's noise multiplier σ, calibrated for its own q = batch / n. */
  noiseMultiplier: Record<string, number>;
  ms: number;
}

/** One run of `job` (its model, strategy, rounds, local training, seed) at target ε. */
export async function simulateDpJob(
  fed: HeartFederation,
  job: TrainJobSpec,
  privacy: { epsilon: number | null; delta: number; clipNorm: number },
): Promise<DpRun> {
  const started = performance.now();
  const { epsilon, delta, clipNorm } = privacy;
  const seed = job.seed ?? 0;
  const strategy = createStrategy(job.strategy);
  let global: Weights = await initModel(job.model, fed.pooledTest.d, seed);
  let state: StrategyState | null = null;
  const plans = fed.sites.map((s) =>
    epsilon === null
      ? undefined
      : planDpSgd(
          { mode: 'dp-sgd', clipNorm, delta, epsilon, rounds: job.rounds },
          job.local,
          s.train.n,
        ),
  );
  for (let round = 1; round <= job.rounds; round++) {
    const results = [];
    for (const [i, site] of fed.sites.entries()) {
      const plan = plans[i];
      const fit = await trainLocal(
        job.model,
        global,
        site.train,
        { ...job.local, seed: deriveSeed(seed, 'round', round, site.site) },
        plan ? privateSgdFor(plan) : undefined,
      );
      results.push({ site: site.site, numSamples: fit.numSamples, weights: fit.weights });
    }
    ({ weights: global, state } = strategy.aggregate({ round, global, results, state }));
    // Training runs synchronously: let whatever else shares this thread through between rounds.
    await turn();
  }
  const { accuracy } = await evaluate(job.model, global, fed.pooledTest);
  const perSite = [];
  for (const site of fed.sites) {
    const e = await evaluate(job.model, global, site.test);
    perSite.push({ site: site.site, accuracy: e.accuracy, correct: e.correct, n: e.n });
  }
  return {
    epsilon,
    delta,
    clipNorm,
    pooledTestAccuracy: accuracy,
    meanClientAccuracy: perSite.reduce((a, e) => a + e.accuracy, 0) / perSite.length,
    perSite,
    noiseMultiplier: Object.fromEntries(
      fed.sites.map((s, i) => [s.site, plans[i]?.noiseMultiplier ?? 0]),
    ),
    ms: performance.now() - started,
  };
}

/** `job` at each target ε in turn, reporting each as it finishes. */
export async function simulateDpEpsilons(
  job: TrainJobSpec,
  /** Target ε per run; null: the same job without DP. */
  epsilons: readonly (number | null)[],
  privacy: { delta: number; clipNorm: number },
  say: (line: string) => void = () => {},
): Promise<DpRun[]> {
  const fed = await loadHeartFederation();
  const runs: DpRun[] = [];
  for (const epsilon of epsilons) {
    const run = await simulateDpJob(fed, job, { ...privacy, epsilon });
    say(
      `  ${epsilon === null ? 'without DP (simulated)' : `DP-SGD (simulated) at ε = ${epsilon}`}: pooled-test accuracy ${run.pooledTestAccuracy.toFixed(3)} (${(run.ms / 1000).toFixed(1)} s)`,
    );
    runs.push(run);
  }
  return runs;
}
