export { type NamedTensor, type Weights, cloneWeights, parameterCount } from './weights.js';
export {
  DatasetConfig,
  PrivacyBudgetSpec,
  DatasetSchema,
  DatasetSplit,
  LabelRule,
  diffSchemas,
  schemaHash,
  type DatasetConfigInput,
  type DatasetSchemaInput,
} from './dataset-schema.js';
export { DatasetError, type DatasetLocation } from './dataset-error.js';
export { canonicalCategory, loadSiteDataset, type Row, type SiteDataset } from './dataset.js';
export {
  LocalStatistics,
  Preprocessing,
  combineStatistics,
  featurize,
  localStatistics,
  type Examples,
} from './preprocessing.js';
export { ModelSpec, initModel, modelLayout } from './model.js';
export {
  TrainingOptions,
  evaluate,
  trainLocal,
  type Evaluation,
  type TrainingResult,
} from './training.js';
export { type PrivateSgd } from './private-sgd.js';
export { UpdateError, checkLayout, checkUpdate, type TensorLayout } from './update-check.js';
export { SeededRandom, deriveSeed } from './random.js';
export { tensorflow } from './backend.js';
export {
  HEART_DISEASE_DEFAULTS,
  HEART_DISEASE_SCHEMA,
  HEART_DISEASE_SCHEMA_INPUT,
  HEART_DISEASE_SITES,
  type FederatedJobDefaults,
} from './heart-disease.js';
