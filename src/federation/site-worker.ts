import {
  deriveSeed,
  evaluate,
  featurize,
  localStatistics,
  schemaHash,
  trainLocal,
} from '../learning/index.js';
import type { DatasetConfig, ModelSpec, Preprocessing, SiteDataset } from '../learning/index.js';
import type { Weights } from '../learning/weights.js';
import type { Evaluation, JobReport as Report, JobTask as Task } from './protocol.js';

export interface LoadedDataset {
  config: DatasetConfig;
  data: SiteDataset;
}

type Features = ReturnType<typeof featurize>;

/**
 * What a data site does with each task. Everything it returns is an aggregate or a model:
 * counts, sums, metrics, weights; never a row.
 */
export class SiteWorker {
  private readonly featureCache = new Map<string, { train: Features; test: Features }>();

  constructor(
    readonly siteName: string,
    private readonly datasets: Map<string, LoadedDataset>,
  ) {}

  async perform(
    task: Task,
    tensors: Weights,
  ): Promise<{ report: Report; tensors: Weights; afterwards?: () => Promise<Report> }> {
    const ds = this.datasets.get(task.dataset);
    if (!ds) throw new Error(`this site holds no dataset '${task.dataset}'`);
    const base = { taskId: task.taskId, jobId: task.jobId, round: task.round };
    const schema = ds.config.schema;
    switch (task.kind) {
      case 'schema':
        return {
          report: {
            ...base,
            kind: 'schema',
            schema,
            schemaHash: schemaHash(schema),
            rows: {
              train: ds.data.train.length,
              test: ds.data.test.length,
              dropped: ds.data.dropped,
            },
          },
          tensors: [],
        };
      case 'statistics':
        return {
          report: {
            ...base,
            kind: 'statistics',
            statistics: localStatistics(ds.data.train, schema),
          },
          tensors: [],
        };
      case 'baseline': {
        const f = this.features(ds, task.preprocessing);
        const trained = await trainLocal(task.model, tensors, f.train, {
          ...task.local,
          seed: deriveSeed(task.seed, 'local-only', this.siteName),
        });
        return {
          report: {
            ...base,
            kind: 'baseline',
            numSamples: trained.numSamples,
            trainMs: trained.trainMs,
            loss: trained.loss,
            evaluation: await evaluation(task.model, trained.weights, f.test),
          },
          tensors: trained.weights,
        };
      }
      case 'train': {
        const f = this.features(ds, task.preprocessing);
        const trained = await trainLocal(task.model, tensors, f.train, {
          ...task.local,
          seed: deriveSeed(task.seed, 'round', task.round, this.siteName),
          ...(task.proximalMu !== undefined ? { proximalMu: task.proximalMu } : {}),
        });
        return {
          report: {
            ...base,
            kind: 'train',
            numSamples: trained.numSamples,
            trainMs: trained.trainMs,
            loss: trained.loss,
          },
          tensors: trained.weights,
          // The incoming model is the previous round's global model: evaluated once the update is sent.
          ...(task.round > 1
            ? {
                afterwards: async (): Promise<Report> => ({
                  ...base,
                  round: task.round - 1,
                  kind: 'metrics',
                  evaluation: await evaluation(task.model, tensors, f.test),
                }),
              }
            : {}),
        };
      }
      case 'evaluate': {
        const f = this.features(ds, task.preprocessing);
        const results: Record<string, Evaluation> = {};
        const byModel = new Map<string, Weights>();
        for (const name of task.models) {
          const prefix = `${name}/`;
          const weights = tensors
            .filter((t) => t.name.startsWith(prefix))
            .map((t) => ({ ...t, name: t.name.slice(prefix.length) }));
          byModel.set(name, weights);
          results[name] = await evaluation(task.model, weights, f.test);
        }
        if (task.personalize && byModel.has('global')) {
          const { trainable, ...budget } = task.personalize;
          const tuned = await trainLocal(task.model, byModel.get('global')!, f.train, {
            ...budget,
            ...(trainable ? { trainable } : {}),
            seed: deriveSeed(task.seed, 'personalise', this.siteName),
          });
          results['personalized'] = await evaluation(task.model, tuned.weights, f.test);
        }
        return { report: { ...base, kind: 'evaluate', results }, tensors: [] };
      }
    }
  }

  private features(ds: LoadedDataset, prep: Preprocessing) {
    const key = `${ds.config.id}:${JSON.stringify(prep)}`;
    let cached = this.featureCache.get(key);
    if (!cached) {
      cached = {
        train: featurize(ds.data.train, ds.config.schema, prep),
        test: featurize(ds.data.test, ds.config.schema, prep),
      };
      this.featureCache.set(key, cached);
    }
    return cached;
  }
}

async function evaluation(model: ModelSpec, weights: Weights, data: Features): Promise<Evaluation> {
  const e = await evaluate(model, weights, data);
  return { loss: e.loss, accuracy: e.accuracy, correct: e.correct, n: e.n };
}
