import {
  combineStatistics,
  deriveSeed,
  evaluate,
  featurize,
  initModel,
  loadSiteDataset,
  localStatistics,
  trainLocal,
} from '../../learning/index.js';
import type { DatasetConfig, ModelSpec } from '../../learning/index.js';

export interface CentralizedBudget {
  epochs: number;
  batchSize: number;
  learningRate: number;
  optimizer: 'sgd' | 'adam';
}

export interface CentralizedResult {
  pooledTestAccuracy: number;
  trainRows: number;
  testRows: number;
}

/**
 * The centralized reference: every hospital's training rows pooled in one place. Only the
 * demo computes it, to show what federation is measured against; no node ever does this.
 */
export async function centralizedReference(
  datasets: DatasetConfig[],
  model: ModelSpec,
  budget: CentralizedBudget,
  seed: number,
): Promise<CentralizedResult> {
  const loaded = await Promise.all(datasets.map((d) => loadSiteDataset(d, '/')));
  const schema = datasets[0]!.schema;
  const train = loaded.flatMap((d) => d.train);
  const test = loaded.flatMap((d) => d.test);
  const prep = combineStatistics([localStatistics(train, schema)], schema);
  const trainSet = featurize(train, schema, prep);
  const testSet = featurize(test, schema, prep);
  const initial = await initModel(model, trainSet.d, seed);
  const steps = Math.ceil(trainSet.n / budget.batchSize) * budget.epochs;
  const trained = await trainLocal(model, initial, trainSet, {
    steps,
    batchSize: budget.batchSize,
    learningRate: budget.learningRate,
    optimizer: budget.optimizer,
    seed: deriveSeed(seed, 'centralized'),
  });
  const e = await evaluate(model, trained.weights, testSet);
  return { pooledTestAccuracy: e.accuracy, trainRows: trainSet.n, testRows: testSet.n };
}
