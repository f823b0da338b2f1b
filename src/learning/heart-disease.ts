/**
 * The UCI Heart Disease federation (FLamby Fed-Heart-Disease): four hospitals, FLamby's exact
 * train/test split, and the job settings chosen by bench/simulate-heart.ts (results and the
 * sweep behind them: bench/results/simulate-heart.md).
 */
import type { DatasetConfig, DatasetSchemaInput } from './dataset-schema.js';
import { DatasetSchema } from './dataset-schema.js';
import type { ModelSpec } from './model.js';
import type { TrainingOptions } from './training.js';

/** FLamby's preprocessing: drop slope, ca, thal; one-hot cp and restecg (drop_first); label num > 0. */
export const HEART_DISEASE_SCHEMA_INPUT: DatasetSchemaInput = {
  header: false,
  columns: ['age', 'sex', 'cp', 'trestbps', 'chol', 'fbs', 'restecg', 'thalach', 'exang', 'oldpeak', 'slope', 'ca', 'thal', 'num'],
  missing: ['?'],
  features: ['age', 'sex', 'trestbps', 'chol', 'fbs', 'thalach', 'exang', 'oldpeak'],
  categorical: ['cp', 'restecg'],
  label: { column: 'num', positive: { above: 0 } },
};
export const HEART_DISEASE_SCHEMA: DatasetSchema = DatasetSchema.parse(HEART_DISEASE_SCHEMA_INPUT);

const SPLIT_FILE = 'data/uci-heart-disease/flamby-split.csv';

function site(id: string, file: string): { site: string; dataset: DatasetConfig } {
  return {
    site: id,
    dataset: {
      id: `uci-heart-disease/${id}`,
      path: `data/uci-heart-disease/processed.${file}.data`,
      schema: HEART_DISEASE_SCHEMA,
      split: { kind: 'file', path: SPLIT_FILE, match: { file } },
    },
  };
}

/** The four data sites; dataset paths are relative to the repository root. */
export const HEART_DISEASE_SITES = [
  site('cleveland', 'cleveland'),
  site('hungary', 'hungarian'),
  site('switzerland', 'switzerland'),
  site('long-beach', 'va'),
] as const;

type LocalTraining = Pick<TrainingOptions, 'steps' | 'batchSize' | 'learningRate' | 'optimizer'>;

export interface FederatedJobDefaults extends LocalTraining {
  model: ModelSpec;
  /** Parse with StrategySpec from federation/strategies (learning does not import federation). */
  strategy: { name: string } & Record<string, unknown>;
  rounds: number;
  /** After the last round each site may fine-tune the global model on its own data (personalised model). */
  personalization: LocalTraining & { trainable?: string[] };
  /** What a hospital alone gets to train with, for the local-only baseline. */
  localOnly: LocalTraining;
}

export const HEART_DISEASE_DEFAULTS: FederatedJobDefaults = {
  model: { kind: 'logistic' },
  strategy: { name: 'fedavg' },
  rounds: 15,
  steps: 100,
  batchSize: 4,
  learningRate: 0.01,
  optimizer: 'sgd',
  personalization: { steps: 50, batchSize: 4, learningRate: 0.01, optimizer: 'sgd' },
  localOnly: { steps: 1500, batchSize: 4, learningRate: 0.01, optimizer: 'sgd' },
};
