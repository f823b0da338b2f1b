/**
 * Fed-Heart-Disease in one process: FLamby's 4 hospitals and split, trained with the public functions
 * the hub and the sites use (loadSiteDataset, localStatistics -> combineStatistics, featurize,
 * initModel, trainLocal, strategy.aggregate, evaluate), against local-only and centralized baselines.
 *
 *   npx tsx bench/simulate-heart.ts [--seeds 0-4] [--json FILE] [--md FILE] [--sweep] [--job JSON]
 *
 * --sweep adds the tuning evidence: 5-fold CV of the L2 penalty on training rows, a small grid of
 * jobs and fine-tuning variants. --job '{"learningRate":0.003}' overrides HEART_DISEASE_DEFAULTS.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createStrategy, type StrategyState } from '../src/federation/strategies/index.js';
import {
  HEART_DISEASE_DEFAULTS,
  HEART_DISEASE_SCHEMA as schema,
  HEART_DISEASE_SITES,
  SeededRandom,
  combineStatistics,
  deriveSeed,
  evaluate,
  featurize,
  initModel,
  loadSiteDataset,
  localStatistics,
  trainLocal,
  type Examples,
  type FederatedJobDefaults as Job,
  type Row,
  type Weights,
} from '../src/learning/index.js';

type Accuracies = Record<string, number>;
type Tuning = Job['personalization'];

interface Site {
  site: string;
  train: Examples; // scaled with the federation's statistics
  test: Examples;
  own: { train: Examples; test: Examples; pooledTest: Examples }; // scaled with its own only
}

interface Federation {
  sites: Site[];
  pooledTrain: Examples;
  pooledTest: Examples;
}

async function loadFederation(): Promise<Federation> {
  const loaded = await Promise.all(
    HEART_DISEASE_SITES.map(async ({ site, dataset }) => ({
      site,
      data: await loadSiteDataset(dataset, '.'),
    })),
  );
  // All the hub ever sees of the data: one LocalStatistics per site.
  const prep = combineStatistics(
    loaded.map(({ data }) => localStatistics(data.train, schema)),
    schema,
  );
  const pooledTestRows: Row[] = loaded.flatMap(({ data }) => data.test);
  const sites = loaded.map(({ site, data }) => {
    // A hospital alone scales by its own statistics, keeping the shared one-hot layout.
    const own = {
      ...combineStatistics([localStatistics(data.train, schema)], schema),
      categories: prep.categories,
    };
    const ownPrep = { ...own, featureNames: prep.featureNames };
    return {
      site,
      train: featurize(data.train, schema, prep),
      test: featurize(data.test, schema, prep),
      own: {
        train: featurize(data.train, schema, ownPrep),
        test: featurize(data.test, schema, ownPrep),
        pooledTest: featurize(pooledTestRows, schema, ownPrep),
      },
    };
  });
  const pooledTrain = featurize(
    loaded.flatMap(({ data }) => data.train),
    schema,
    prep,
  );
  return { sites, pooledTrain, pooledTest: featurize(pooledTestRows, schema, prep) };
}

const local = (job: Pick<Job, 'steps' | 'batchSize' | 'learningRate' | 'optimizer' | 'l2'>) => ({
  steps: job.steps,
  batchSize: job.batchSize,
  learningRate: job.learningRate,
  optimizer: job.optimizer,
  l2: job.l2,
});

/** The federation: each round every site trains from the global model, the strategy aggregates. */
async function runFederated(fed: Federation, job: Job, seed: number) {
  const strategy = createStrategy(job.strategy as Parameters<typeof createStrategy>[0]);
  let global: Weights = await initModel(job.model, fed.pooledTrain.d, seed);
  let state: StrategyState | null = null;
  let trainMs = 0;
  for (let round = 1; round <= job.rounds; round++) {
    const { proximalMu } = strategy.clientConfig(round);
    const results = [];
    for (const site of fed.sites) {
      const fit = await trainLocal(job.model, global, site.train, {
        ...local(job),
        proximalMu,
        seed: deriveSeed(seed, 'round', round, site.site),
      });
      trainMs += fit.trainMs;
      results.push({ site: site.site, numSamples: fit.numSamples, weights: fit.weights });
    }
    ({ weights: global, state } = strategy.aggregate({ round, global, results, state }));
  }
  const perSite: Accuracies = {};
  for (const site of fed.sites)
    perSite[site.site] = (await evaluate(job.model, global, site.test)).accuracy;
  const pooled = (await evaluate(job.model, global, fed.pooledTest)).accuracy;
  return {
    global,
    pooled,
    perSite,
    msPerStep: trainMs / (job.rounds * job.steps * fed.sites.length),
  };
}

/** Each site fine-tunes the final global model on its own rows and keeps it for its own patients. */
async function personalise(
  fed: Federation,
  job: Job,
  tuning: Tuning,
  global: Weights,
  seed: number,
) {
  const perSite: Accuracies = {};
  let correct = 0;
  for (const site of fed.sites) {
    const options = { ...tuning, seed: deriveSeed(seed, 'personalise', site.site) };
    const tuned =
      tuning.steps === 0
        ? global
        : (await trainLocal(job.model, global, site.train, options)).weights;
    const own = await evaluate(job.model, tuned, site.test);
    perSite[site.site] = own.accuracy;
    correct += own.correct;
  }
  return { perSite, pooled: correct / fed.pooledTest.n };
}

/**
 * Each hospital alone with job.localOnly's budget, scaled by its own statistics (all it has alone)
 * and, as the hub protocol's 'baseline' task does, by the federation's. The bar is the better one.
 */
async function runLocalOnly(fed: Federation, job: Job, seed: number) {
  const own: Accuracies = {};
  const globalScaling: Accuracies = {};
  const onPooledTest: Accuracies = {};
  for (const site of fed.sites) {
    const start = await initModel(job.model, site.train.d, seed);
    const options = { ...job.localOnly, seed: deriveSeed(seed, 'local-only', site.site) };
    const alone = (await trainLocal(job.model, start, site.own.train, options)).weights;
    own[site.site] = (await evaluate(job.model, alone, site.own.test)).accuracy;
    onPooledTest[site.site] = (await evaluate(job.model, alone, site.own.pooledTest)).accuracy;
    const scaled = (await trainLocal(job.model, start, site.train, options)).weights;
    globalScaling[site.site] = (await evaluate(job.model, scaled, site.test)).accuracy;
  }
  const bar = Object.fromEntries(
    Object.keys(own).map((s) => [s, Math.max(own[s] ?? 0, globalScaling[s] ?? 0)]),
  );
  return { own, globalScaling, bar, onPooledTest };
}

/** Pooled training on all 486 rows: FLamby's recipe (Adam lr 0.001, batch 4, 50 epochs), optionally with L2. */
async function runCentralized(fed: Federation, job: Job, seed: number, l2?: number) {
  const start = await initModel(job.model, fed.pooledTrain.d, seed);
  const options = {
    steps: Math.ceil(fed.pooledTrain.n / 4) * 50,
    batchSize: 4,
    learningRate: 0.001,
  };
  const fit = await trainLocal(job.model, start, fed.pooledTrain, {
    ...options,
    optimizer: 'adam',
    l2,
    seed: deriveSeed(seed, 'centralized'),
  });
  return (await evaluate(job.model, fit.weights, fed.pooledTest)).accuracy;
}

/** 5-fold CV of the L2 penalty on the pooled training rows only (never the test rows). */
async function crossValidateL2(fed: Federation, job: Job, penalties: number[]) {
  const { x, y, d, n } = fed.pooledTrain;
  const fold = new SeededRandom(2024).permutation(n).map((_, k) => k % 5);
  const subset = (keep: (i: number) => boolean): Examples => {
    const rows = Array.from({ length: n }, (_, i) => i).filter(keep);
    const xs = new Float32Array(rows.length * d);
    rows.forEach((row, k) => xs.set(x.subarray(row * d, row * d + d), k * d));
    return { x: xs, y: Float32Array.from(rows, (row) => y[row] ?? 0), n: rows.length, d };
  };
  const scores = [];
  for (const l2 of penalties) {
    let correct = 0;
    const losses: number[] = [];
    for (let f = 0; f < 5; f++) {
      const start = await initModel(job.model, d, f);
      const options = {
        steps: 3000,
        batchSize: 16,
        learningRate: 0.01,
        optimizer: 'adam' as const,
      };
      const train = subset((i) => fold[i] !== f);
      const fit = await trainLocal(job.model, start, train, { ...options, l2, seed: f });
      const held = await evaluate(
        job.model,
        fit.weights,
        subset((i) => fold[i] === f),
      );
      correct += held.correct;
      losses.push(held.loss);
    }
    const loss = mean(losses);
    const se = Math.sqrt(mean(losses.map((l) => (l - loss) ** 2)) / (losses.length - 1));
    scores.push({ l2, accuracy: correct / n, loss, se });
    console.log(
      `CV l2=${l2}: accuracy ${pct(correct / n)}, loss ${loss.toFixed(4)} +- ${se.toFixed(4)}`,
    );
  }
  return scores;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const meanBySite = (runs: Accuracies[]): Accuracies =>
  Object.fromEntries(Object.keys(runs[0] ?? {}).map((s) => [s, mean(runs.map((r) => r[s] ?? 0))]));
const below = (acc: Accuracies, bar: Accuracies) =>
  Object.keys(acc).filter((s) => (acc[s] ?? 0) + 1e-9 < (bar[s] ?? 0));
const pct = (x: number | undefined): string => (x === undefined ? '-' : (100 * x).toFixed(1));
const describe = (job: Job): string =>
  `${JSON.stringify(job.strategy)} lr=${job.learningRate} ${job.optimizer} l2=${job.l2 ?? 0} rounds=${job.rounds} steps=${job.steps} batch=${job.batchSize}`;

const localOnlyCache = new Map<string, Awaited<ReturnType<typeof runLocalOnly>>>();

async function scoreJob(fed: Federation, job: Job, seeds: number[]) {
  const runs = [];
  for (const seed of seeds) {
    const key = JSON.stringify([job.model, job.localOnly, seed]);
    const localOnly = localOnlyCache.get(key) ?? (await runLocalOnly(fed, job, seed));
    localOnlyCache.set(key, localOnly);
    const federated = await runFederated(fed, job, seed);
    const personalised = await personalise(fed, job, job.personalization, federated.global, seed);
    runs.push({ seed, federated, personalised, localOnly });
  }
  const localBar = meanBySite(runs.map((r) => r.localOnly.bar));
  const perSite = meanBySite(runs.map((r) => r.federated.perSite));
  const personalised = meanBySite(runs.map((r) => r.personalised.perSite));
  return {
    job,
    runs,
    pooled: mean(runs.map((r) => r.federated.pooled)),
    pooledBySeed: runs.map((r) => r.federated.pooled),
    personalisedPooled: mean(runs.map((r) => r.personalised.pooled)),
    perSite,
    personalised,
    localOnly: meanBySite(runs.map((r) => r.localOnly.own)),
    localOnlyGlobalScaling: meanBySite(runs.map((r) => r.localOnly.globalScaling)),
    localBar,
    globalBelowLocal: below(perSite, localBar),
    personalisedBelowLocal: below(personalised, localBar),
    msPerStep: mean(runs.map((r) => r.federated.msPerStep)),
  };
}
type Score = Awaited<ReturnType<typeof scoreJob>>;

/** A modest grid around the defaults: strategy, client lr, L2, local steps x rounds, batch, optimizer. */
function sweepJobs(base: Job): Job[] {
  const jobs: Job[] = [
    ...[0, 0.1].map((l2) => ({ ...base, l2 })),
    { ...base, learningRate: 0.01 },
    { ...base, strategy: { ...base.strategy, serverLearningRate: 0.03 } },
    { ...base, strategy: { name: 'fedadam', serverLearningRate: 0.01 } },
    ...[0.01, 0.03].map((learningRate) => ({
      ...base,
      strategy: { name: 'fedavg' },
      learningRate,
    })),
    { ...base, rounds: 30, steps: 50 },
  ];
  return jobs.map((job) => ({
    ...job,
    localOnly: { ...job.localOnly, steps: job.rounds * job.steps, l2: job.l2 },
  }));
}

const TUNINGS: Tuning[] = [
  { steps: 0, batchSize: 4, learningRate: 0.01, optimizer: 'sgd' },
  { steps: 50, batchSize: 4, learningRate: 0.01, optimizer: 'sgd' },
  ...[50, 100, 200].flatMap((steps) =>
    [0.05, 0.1].map((learningRate) => ({
      steps,
      batchSize: 4,
      learningRate,
      optimizer: 'sgd' as const,
      trainable: ['dense0/bias'],
    })),
  ),
];

async function personalisationSweep(fed: Federation, chosen: Score) {
  const scores = [];
  for (const tuning of TUNINGS) {
    const runs = [];
    for (const run of chosen.runs)
      runs.push(await personalise(fed, chosen.job, tuning, run.federated.global, run.seed));
    const perSite = meanBySite(runs.map((r) => r.perSite));
    scores.push({
      tuning,
      pooled: mean(runs.map((r) => r.pooled)),
      perSite,
      belowLocal: below(perSite, chosen.localBar),
    });
  }
  return scores;
}

function markdown(chosen: Score, centralized: number[][], extra: Record<string, unknown>): string {
  const { job, runs } = chosen;
  const sites = Object.keys(chosen.perSite);
  const bestLocal = (r: Score['runs'][number]) =>
    Math.max(...Object.values(r.localOnly.onPooledTest));
  const lines = [
    '# Fed-Heart-Disease simulation (`npx tsx bench/simulate-heart.ts`)',
    '',
    `Federated job: ${describe(job)}. Personalised = the final global model fine-tuned at each site: ${JSON.stringify(job.personalization)}. Local-only: each hospital alone, ${JSON.stringify(job.localOnly)}. Centralized: all 486 training rows, FLamby's recipe (Adam lr 0.001, batch 4, 50 epochs), without / with l2=${job.l2 ?? 0}. Accuracy in %.`,
    '',
    '## Pooled test set (254 patients)',
    '',
    '| seed | federated | personalised | centralized | centralized + L2 | best local-only |',
    '|---|---|---|---|---|---|',
    ...runs.map(
      (r, i) =>
        `| ${r.seed} | ${pct(r.federated.pooled)} | ${pct(r.personalised.pooled)} | ${pct(centralized[0]?.[i])} | ${pct(centralized[1]?.[i])} | ${pct(bestLocal(r))} |`,
    ),
    `| **mean** | **${pct(chosen.pooled)}** | ${pct(chosen.personalisedPooled)} | ${pct(mean(centralized[0] ?? []))} | ${pct(mean(centralized[1] ?? []))} | ${pct(mean(runs.map(bestLocal)))} |`,
    '',
    "## Each hospital's own test set (mean over seeds; per seed: federated / personalised / local-only bar)",
    '',
    '| hospital | n test | federated | personalised | local-only, own scaling | local-only, global scaling | ' +
      runs.map((r) => `seed ${r.seed}`).join(' | ') +
      ' |',
    '|---|---|---|---|---|---|' + runs.map(() => '---|').join(''),
    ...sites.map((s, k) => {
      const perSeed = runs.map(
        (r) =>
          `${pct(r.federated.perSite[s])} / ${pct(r.personalised.perSite[s])} / ${pct(r.localOnly.bar[s])}`,
      );
      const n = [104, 89, 16, 45][k];
      return `| ${s} | ${n} | ${pct(chosen.perSite[s])} | ${pct(chosen.personalised[s])} | ${pct(chosen.localOnly[s])} | ${pct(chosen.localOnlyGlobalScaling[s])} | ${perSeed.join(' | ')} |`;
    }),
    '',
    `Below their local-only bar on average over seeds: global model ${chosen.globalBelowLocal.join(', ') || 'none'}; personalised ${chosen.personalisedBelowLocal.join(', ') || 'none'}.`,
    `Per seed: ${runs
      .map((r) => {
        const global = below(r.federated.perSite, r.localOnly.bar).join(', ') || 'none';
        const own = below(r.personalised.perSite, r.localOnly.bar).join(', ') || 'none';
        return `seed ${r.seed} global ${global}, personalised ${own}`;
      })
      .join('; ')}.`,
    `Training time: ${chosen.msPerStep.toFixed(2)} ms per local step of batch ${job.batchSize} (tfjs wasm, one thread).`,
  ];
  const cv = extra.cv as Awaited<ReturnType<typeof crossValidateL2>> | undefined;
  if (cv) {
    lines.push(
      '',
      '## L2 penalty: 5-fold CV on the 486 training rows (Adam lr 0.01, batch 16, 3000 steps)',
      '',
      '| l2 | CV accuracy | CV loss (SE) |',
      '|---|---|---|',
    );
    for (const c of cv) {
      lines.push(`| ${c.l2} | ${pct(c.accuracy)} | ${c.loss.toFixed(4)} (${c.se.toFixed(4)}) |`);
    }
  }
  const grid = extra.grid as Score[] | undefined;
  if (grid) {
    lines.push(
      '',
      '## Grid (same seeds)',
      '',
      '| job | federated pooled (min over seeds) | personalised pooled | below local-only: global / personalised |',
      '|---|---|---|---|',
    );
    for (const e of grid) {
      lines.push(
        `| ${describe(e.job)} | ${pct(e.pooled)} (${pct(Math.min(...e.pooledBySeed))}) | ${pct(e.personalisedPooled)} | ${e.globalBelowLocal.join(', ') || 'none'} / ${e.personalisedBelowLocal.join(', ') || 'none'} |`,
      );
    }
  }
  const tunings = extra.personalisation as
    Awaited<ReturnType<typeof personalisationSweep>> | undefined;
  if (tunings) {
    lines.push(
      '',
      '## Fine-tuning variants on the chosen job',
      '',
      `| fine-tuning | pooled | ${sites.join(' | ')} | below local-only |`,
      '|---|---|' + sites.map(() => '---|').join('') + '---|',
    );
    for (const p of tunings) {
      lines.push(
        `| ${JSON.stringify(p.tuning)} | ${pct(p.pooled)} | ${sites.map((s) => pct(p.perSite[s])).join(' | ')} | ${p.belowLocal.join(', ') || 'none'} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seeds: { type: 'string', default: '0-4' },
      json: { type: 'string' },
      md: { type: 'string' },
      sweep: { type: 'boolean', default: false },
      job: { type: 'string', default: '{}' },
    },
  });
  const [from = NaN, to = from] = (values.seeds ?? '').split('-').map(Number);
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) {
    throw new Error(`--seeds: expected N or N-M, got '${values.seeds}'`);
  }
  const seeds = Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const job: Job = {
    ...HEART_DISEASE_DEFAULTS,
    ...(JSON.parse(values.job ?? '{}') as Partial<Job>),
  };
  const fed = await loadFederation();
  const extra: Record<string, unknown> = {};
  if (values.sweep) extra.cv = await crossValidateL2(fed, job, [0, 0.003, 0.01, 0.03, 0.1, 0.3]);
  if (values.sweep) {
    const grid = [];
    for (const candidate of sweepJobs(job)) {
      const score = await scoreJob(fed, candidate, seeds);
      console.log(
        `${describe(candidate)}: pooled ${pct(score.pooled)}, below ${score.globalBelowLocal.join(',') || '-'}`,
      );
      grid.push(score);
    }
    extra.grid = grid;
  }
  const chosen = await scoreJob(fed, job, seeds);
  const centralized = [[], []] as number[][];
  for (const seed of seeds) {
    centralized[0]?.push(await runCentralized(fed, job, seed));
    centralized[1]?.push(await runCentralized(fed, job, seed, job.l2));
  }
  if (values.sweep) extra.personalisation = await personalisationSweep(fed, chosen);
  const md = markdown(chosen, centralized, extra);
  console.log(md);
  // Final weights are Float32Arrays; grid entries keep their summaries only.
  const report = {
    seeds,
    chosen,
    centralized: { flamby: centralized[0], withL2: centralized[1] },
    ...extra,
  };
  const replacer = (key: string, value: unknown) =>
    value instanceof Float32Array
      ? Array.from(value)
      : key === 'runs' && value !== chosen.runs
        ? undefined
        : value;
  if (values.json) await writeFile(values.json, JSON.stringify(report, replacer, 2) + '\n');
  if (values.md) await writeFile(values.md, md);
}

await main();
