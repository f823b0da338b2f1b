/**
 * Fed-Heart-Disease with record-level DP-SGD, in one process, through the functions the sites and
 * the hub use (featurize with federated statistics, planDpSgd + privateSgdFor at each site,
 * trainLocal, strategy.aggregate, evaluate): pooled-test accuracy of the final global model at
 * target ε per site (each site calibrates its own σ for its q = batch/n over rounds × steps).
 *
 *   npx tsx bench/dp-heart.ts [--epsilons 1,3,8] [--seeds 0-2] [--delta 1e-5] [--clip 1]
 *                             [--json bench/results/dp-heart.json]
 *
 * The noise comes from the OS CSPRNG, so a seed fixes the initial model and the data, not the run.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { planDpSgd, privateSgdFor } from '../src/federation/dp-plan.js';
import { heartJobSpec } from '../src/cli/demo/run-demo.js';
import { createStrategy, type StrategyState } from '../src/federation/strategies/index.js';
import {
  HEART_DISEASE_DEFAULTS as job,
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
  type Weights,
} from '../src/learning/index.js';

const { values } = parseArgs({
  options: {
    epsilons: { type: 'string', default: '1,3,8' },
    seeds: { type: 'string', default: '0-2' },
    delta: { type: 'string', default: '1e-5' },
    clip: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const [from, to] = values.seeds.split('-').map(Number) as [number, number];
const seeds = Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
const epsilons = values.epsilons.split(',').map(Number);
const delta = Number(values.delta);
const clipNorm = Number(values.clip);

const loaded = await Promise.all(
  HEART_DISEASE_SITES.map(async ({ site, dataset }) => ({
    site,
    data: await loadSiteDataset(dataset, '.'),
  })),
);
const prep = combineStatistics(
  loaded.map(({ data }) => localStatistics(data.train, schema)),
  schema,
);
const sites = loaded.map(({ site, data }) => ({
  site,
  train: featurize(data.train, schema, prep),
  test: featurize(data.test, schema, prep),
}));
const pooledTest = featurize(
  loaded.flatMap(({ data }) => data.test),
  schema,
  prep,
);
// The demo's own local-training settings, so the DP figures compare with the demo's.
const localOpts = heartJobSpec(0).local;

/** One federated run; epsilon undefined: no DP (the reference). */
async function run(seed: number, epsilon: number | undefined) {
  const strategy = createStrategy(job.strategy as Parameters<typeof createStrategy>[0]);
  let global: Weights = await initModel(job.model, prep.featureNames.length, seed);
  let state: StrategyState | null = null;
  const plans = sites.map((s) =>
    epsilon === undefined
      ? undefined
      : planDpSgd(
          { mode: 'dp-sgd', clipNorm, delta, epsilon, rounds: job.rounds },
          localOpts,
          s.train.n,
        ),
  );
  for (let round = 1; round <= job.rounds; round++) {
    const results = [];
    for (const [i, site] of sites.entries()) {
      const plan = plans[i];
      const fit = await trainLocal(
        job.model,
        global,
        site.train,
        { ...localOpts, seed: deriveSeed(seed, 'round', round, site.site) },
        plan ? privateSgdFor(plan) : undefined,
      );
      results.push({ site: site.site, numSamples: fit.numSamples, weights: fit.weights });
    }
    ({ weights: global, state } = strategy.aggregate({ round, global, results, state }));
  }
  const pooled = (await evaluate(job.model, global, pooledTest)).accuracy;
  const sigma = Object.fromEntries(
    sites.map((s, i) => [s.site, plans[i] ? Number(plans[i].noiseMultiplier.toFixed(3)) : 0]),
  );
  return { pooled, sigma };
}

const started = performance.now();
const rows: {
  epsilon: number | null;
  seed: number;
  pooledTestAccuracy: number;
  sigma: Record<string, number>;
}[] = [];
for (const epsilon of [undefined, ...epsilons]) {
  for (const seed of seeds) {
    const r = await run(seed, epsilon);
    rows.push({ epsilon: epsilon ?? null, seed, pooledTestAccuracy: r.pooled, sigma: r.sigma });
    console.log(
      `ε ${epsilon ?? '∞ (no DP)'}  seed ${seed}  pooled-test accuracy ${r.pooled.toFixed(3)}  σ ${JSON.stringify(r.sigma)}`,
    );
  }
}
const summary = [undefined, ...epsilons].map((e) => {
  const accs = rows.filter((r) => r.epsilon === (e ?? null)).map((r) => r.pooledTestAccuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  return {
    epsilon: e ?? null,
    mean: Number(mean.toFixed(4)),
    min: Math.min(...accs),
    max: Math.max(...accs),
  };
});
for (const s of summary)
  console.log(
    `ε ${s.epsilon ?? '∞'}: mean ${s.mean.toFixed(3)} (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)})`,
  );
if (values.json) {
  await writeFile(
    values.json,
    JSON.stringify(
      {
        command: `npx tsx bench/dp-heart.ts --epsilons ${values.epsilons} --seeds ${values.seeds} --delta ${values.delta} --clip ${values.clip}`,
        job: {
          rounds: job.rounds,
          ...localOpts,
          strategy: job.strategy,
          privacy: { mode: 'dp-sgd', clipNorm, delta, epsilon: 'per row' },
          sampling: 'Poisson, q = batchSize / n per site; σ calibrated per site by noiseForBudget',
        },
        runs: rows,
        summary,
        wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      },
      null,
      2,
    ) + '\n',
  );
}
