/**
 * Fed-Heart-Disease in one process: the 4 hospitals of FLamby's split, trained with the same public
 * functions the hub and the sites use (loadSiteDataset, localStatistics -> combineStatistics,
 * featurize, initModel, trainLocal, strategy.aggregate, evaluate), against local-only and
 * centralized baselines.
 *
 *   npx tsx bench/simulate-heart.ts [--seeds 0-4] [--json FILE] [--md FILE] [--sweep]
 *
 * --sweep also tries a small grid of jobs around the defaults and records each one's score.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createStrategy, type FitResult, type StrategyState } from '../src/federation/strategies/index.js';
import {
  HEART_DISEASE_DEFAULTS,
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
  type FederatedJobDefaults,
  type Row,
  type Weights,
} from '../src/learning/index.js';

interface Site {
  site: string;
  train: Examples; // scaled with the federated (global) statistics
  test: Examples;
  ownTrain: Examples; // scaled with the site's own statistics: all a hospital alone would have
  ownTest: Examples;
}

interface Federation {
  sites: Site[];
  pooledTrain: Examples;
  pooledTest: Examples;
}

type Accuracies = Record<string, number>;

interface FederatedRun {
  pooled: number;
  perSite: Accuracies;
  personalised: Accuracies;
  personalisedPooled: number;
  msPerStep: number;
}

async function loadFederation(): Promise<Federation> {
  const loaded = await Promise.all(
    HEART_DISEASE_SITES.map(async ({ site, dataset }) => ({ site, data: await loadSiteDataset(dataset, '.') })),
  );
  // What the hub sees: one LocalStatistics per site, never a row.
  const prep = combineStatistics(
    loaded.map(({ data }) => localStatistics(data.train, schema)),
    schema,
  );
  const sites = loaded.map(({ site, data }) => {
    const own = combineStatistics([localStatistics(data.train, schema)], schema);
    // Own categories may lack a level seen elsewhere; keep the global one-hot layout for comparability.
    const ownPrep = { ...own, categories: prep.categories, featureNames: prep.featureNames };
    return {
      site,
      train: featurize(data.train, schema, prep),
      test: featurize(data.test, schema, prep),
      ownTrain: featurize(data.train, schema, ownPrep),
      ownTest: featurize(data.test, schema, ownPrep),
      rows: data,
    };
  });
  const pooled = (pick: (rows: { train: Row[]; test: Row[] }) => Row[]): Examples =>
    featurize(loaded.flatMap(({ data }) => pick(data)), schema, prep);
  return { sites, pooledTrain: pooled((d) => d.train), pooledTest: pooled((d) => d.test) };
}

type Job = FederatedJobDefaults;

async function runFederated(fed: Federation, job: Job, seed: number): Promise<FederatedRun> {
  const strategy = createStrategy(job.strategy as Parameters<typeof createStrategy>[0]);
  let global: Weights = await initModel(job.model, fed.pooledTrain.d, seed);
  let state: StrategyState | null = null;
  let trainMs = 0;
  for (let round = 1; round <= job.rounds; round++) {
    const { proximalMu } = strategy.clientConfig(round);
    const results: FitResult[] = [];
    for (const site of fed.sites) {
      const fit = await trainLocal(job.model, global, site.train, {
        steps: job.steps,
        batchSize: job.batchSize,
        learningRate: job.learningRate,
        optimizer: job.optimizer,
        proximalMu,
        seed: deriveSeed(seed, 'round', round, site.site),
      });
      trainMs += fit.trainMs;
      results.push({ site: site.site, numSamples: fit.numSamples, weights: fit.weights });
    }
    ({ weights: global, state } = strategy.aggregate({ round, global, results, state }));
  }
  const perSite: Accuracies = {};
  const personalised: Accuracies = {};
  let personalisedCorrect = 0;
  for (const site of fed.sites) {
    perSite[site.site] = (await evaluate(job.model, global, site.test)).accuracy;
    const tuned = await trainLocal(job.model, global, site.train, {
      ...job.personalization,
      seed: deriveSeed(seed, 'personalise', site.site),
    });
    const own = await evaluate(job.model, tuned.weights, site.test);
    personalised[site.site] = own.accuracy;
    personalisedCorrect += own.correct;
  }
  return {
    pooled: (await evaluate(job.model, global, fed.pooledTest)).accuracy,
    perSite,
    personalised,
    personalisedPooled: personalisedCorrect / fed.pooledTest.n,
    msPerStep: trainMs / (job.rounds * job.steps * fed.sites.length),
  };
}

/** Each hospital alone, on its own statistics and with job.localOnly's budget. */
async function runLocalOnly(fed: Federation, job: Job, seed: number): Promise<Accuracies> {
  const accuracies: Accuracies = {};
  for (const site of fed.sites) {
    const start = await initModel(job.model, site.ownTrain.d, seed);
    const fit = await trainLocal(job.model, start, site.ownTrain, {
      ...job.localOnly,
      seed: deriveSeed(seed, 'local-only', site.site),
    });
    accuracies[site.site] = (await evaluate(job.model, fit.weights, site.ownTest)).accuracy;
  }
  return accuracies;
}

/** FLamby's pooled reference: all 486 training rows, Adam lr 0.001, batch 4, 50 epochs. */
async function runCentralized(fed: Federation, job: Job, seed: number): Promise<{ pooled: number; perSite: Accuracies }> {
  const start = await initModel(job.model, fed.pooledTrain.d, seed);
  const steps = Math.ceil(fed.pooledTrain.n / 4) * 50;
  const fit = await trainLocal(job.model, start, fed.pooledTrain, {
    steps,
    batchSize: 4,
    learningRate: 0.001,
    optimizer: 'adam',
    seed: deriveSeed(seed, 'centralized'),
  });
  const perSite: Accuracies = {};
  for (const site of fed.sites) perSite[site.site] = (await evaluate(job.model, fit.weights, site.test)).accuracy;
  return { pooled: (await evaluate(job.model, fit.weights, fed.pooledTest)).accuracy, perSite };
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const meanBySite = (runs: Accuracies[]): Accuracies =>
  Object.fromEntries(Object.keys(runs[0] ?? {}).map((site) => [site, mean(runs.map((r) => r[site] ?? 0))]));

interface Evaluated {
  job: Job;
  perSeed: { seed: number; federated: FederatedRun; localOnly: Accuracies }[];
  pooled: number;
  personalisedPooled: number;
  perSite: Accuracies;
  personalised: Accuracies;
  localOnly: Accuracies;
  /** Sites whose mean federated (global-model) accuracy falls below their mean local-only accuracy. */
  globalBelowLocal: string[];
  personalisedBelowLocal: string[];
  msPerStep: number;
}

const localOnlyCache = new Map<string, Accuracies>();

async function evaluateJob(fed: Federation, job: Job, seeds: number[]): Promise<Evaluated> {
  const perSeed: Evaluated['perSeed'] = [];
  for (const seed of seeds) {
    const key = JSON.stringify([job.model, job.localOnly, seed]);
    const localOnly = localOnlyCache.get(key) ?? (await runLocalOnly(fed, job, seed));
    localOnlyCache.set(key, localOnly);
    perSeed.push({ seed, federated: await runFederated(fed, job, seed), localOnly });
  }
  const perSite = meanBySite(perSeed.map((r) => r.federated.perSite));
  const personalised = meanBySite(perSeed.map((r) => r.federated.personalised));
  const localOnly = meanBySite(perSeed.map((r) => r.localOnly));
  const below = (acc: Accuracies) => Object.keys(acc).filter((s) => (acc[s] ?? 0) + 1e-9 < (localOnly[s] ?? 0));
  return {
    job,
    perSeed,
    pooled: mean(perSeed.map((r) => r.federated.pooled)),
    personalisedPooled: mean(perSeed.map((r) => r.federated.personalisedPooled)),
    perSite,
    personalised,
    localOnly,
    globalBelowLocal: below(perSite),
    personalisedBelowLocal: below(personalised),
    msPerStep: mean(perSeed.map((r) => r.federated.msPerStep)),
  };
}

/** A modest grid around the defaults: strategy, client lr, local steps, rounds, batch size, optimizer. */
function sweepJobs(base: Job): Job[] {
  const jobs: Job[] = [];
  const strategies = [{ name: 'fedavg' }, { name: 'fedprox', mu: 0.01 }, { name: 'fedadam', serverLearningRate: 0.01 }, { name: 'fedyogi', serverLearningRate: 0.01 }];
  for (const strategy of strategies) {
    const clientLrs = strategy.name === 'fedavg' ? [0.001, 0.003, 0.01, 0.03] : [0.003, 0.01];
    for (const learningRate of clientLrs) jobs.push({ ...base, strategy, learningRate, optimizer: 'sgd' });
  }
  for (const [rounds, steps] of [[10, 100], [20, 50], [30, 50], [15, 200]] as const) jobs.push({ ...base, rounds, steps });
  for (const batchSize of [8, 16]) jobs.push({ ...base, batchSize });
  jobs.push({ ...base, optimizer: 'adam', learningRate: 0.001 });
  return jobs.map((job) => ({ ...job, localOnly: { ...job.localOnly, steps: job.rounds * job.steps } }));
}

const describe = (job: Job): string =>
  `${JSON.stringify(job.strategy)} lr=${job.learningRate} ${job.optimizer} rounds=${job.rounds} steps=${job.steps} batch=${job.batchSize}`;
const pct = (x: number | undefined): string => (x === undefined ? '-' : (100 * x).toFixed(1));

function markdown(chosen: Evaluated, centralized: { pooled: number; perSite: Accuracies }[], sweep: Evaluated[]): string {
  const sites = Object.keys(chosen.perSite);
  const lines = [
    '# Fed-Heart-Disease simulation (bench/simulate-heart.ts)',
    '',
    `Job: ${describe(chosen.job)}; personalisation: ${JSON.stringify(chosen.job.personalization)}; local-only: ${JSON.stringify(chosen.job.localOnly)} on its own statistics; centralized: Adam lr 0.001, batch 4, 50 epochs on the pooled 486 rows. Accuracy in %, pooled test n = 254.`,
    '',
    '| seed | federated (pooled) | personalised (pooled) | centralized (pooled) | ' + sites.map((s) => `${s} fed / pers / local`).join(' | ') + ' |',
    '|---|---|---|---|' + sites.map(() => '---|').join(''),
  ];
  chosen.perSeed.forEach((run, i) => {
    const f = run.federated;
    const cells = sites.map((s) => `${pct(f.perSite[s])} / ${pct(f.personalised[s])} / ${pct(run.localOnly[s])}`);
    lines.push(`| ${run.seed} | ${pct(f.pooled)} | ${pct(f.personalisedPooled)} | ${pct(centralized[i]?.pooled)} | ${cells.join(' | ')} |`);
  });
  const meanCells = sites.map((s) => `${pct(chosen.perSite[s])} / ${pct(chosen.personalised[s])} / ${pct(chosen.localOnly[s])}`);
  lines.push(`| mean | ${pct(chosen.pooled)} | ${pct(chosen.personalisedPooled)} | ${pct(mean(centralized.map((c) => c.pooled)))} | ${meanCells.join(' | ')} |`);
  lines.push('', `Training time: ${chosen.msPerStep.toFixed(2)} ms per local step (batch ${chosen.job.batchSize}).`);
  if (sweep.length > 0) {
    lines.push('', '## Sweep (mean over the same seeds)', '', '| job | federated pooled | personalised pooled | sites below local-only (global / personalised) |', '|---|---|---|---|');
    for (const e of sweep) {
      lines.push(`| ${describe(e.job)} | ${pct(e.pooled)} | ${pct(e.personalisedPooled)} | ${e.globalBelowLocal.join(', ') || 'none'} / ${e.personalisedBelowLocal.join(', ') || 'none'} |`);
    }
  }
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seeds: { type: 'string', default: '0-4' }, json: { type: 'string' }, md: { type: 'string' }, sweep: { type: 'boolean', default: false } },
  });
  const [from, to] = (values.seeds ?? '0-4').split('-').map(Number);
  if (from === undefined || !Number.isInteger(from)) throw new Error(`--seeds: expected N or N-M, got '${values.seeds}'`);
  const seeds = Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
  const fed = await loadFederation();
  const base: Job = { ...HEART_DISEASE_DEFAULTS };
  const sweep: Evaluated[] = [];
  if (values.sweep) {
    for (const job of sweepJobs(base)) {
      const e = await evaluateJob(fed, job, seeds);
      sweep.push(e);
      console.log(`${describe(job)}: pooled ${pct(e.pooled)} pers ${pct(e.personalisedPooled)} below ${e.globalBelowLocal.join(',') || '-'} / ${e.personalisedBelowLocal.join(',') || '-'}`);
    }
  }
  const chosen = await evaluateJob(fed, base, seeds);
  const centralized = [];
  for (const seed of seeds) centralized.push(await runCentralized(fed, base, seed));
  const md = markdown(chosen, centralized, sweep);
  console.log(md);
  const report = { seeds, chosen, centralized, centralizedPooled: mean(centralized.map((c) => c.pooled)), sweep: sweep.map(({ perSeed: _perSeed, ...summary }) => summary) };
  if (values.json) await writeFile(values.json, JSON.stringify(report, null, 2) + '\n');
  if (values.md) await writeFile(values.md, md);
}

await main();
