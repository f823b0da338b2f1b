/**
 * Federated analytics: count, sum, mean, variance, histograms and quantiles over every site's
 * rows, computed as one vector per site that secure aggregation sums, with distributed Gaussian
 * noise and small-cell suppression. Pure cores; the federation wires them into rounds.
 *
 * Hub:  planQuery → (SecAgg round of plan.vectorLength, plan.encoding.quantization)
 *       → decodeSecAggSum → decodeAnswer → renderTable(answer.table)
 * Site: parseQueryPlan → siteContribution → encodeForSecAgg → SecAggSite.maskInput(req, x, maxWeight)
 */
export { AnalyticsError } from './errors.js';
export { AnalyticsTable } from './table-config.js';
export {
  AnalyticsColumn,
  AnalyticsColumns,
  AnalyticsDeclaration,
  CategoricalColumn,
  NumericColumn,
  diffDeclarations,
  parseAnalyticsDeclaration,
} from './columns.js';
export {
  AnalyticsQuerySchema,
  DEFAULT_DELTA,
  MAX_BINS,
  MAX_GROUPS,
  parseQuery,
  type AnalyticsQuery,
  type Stat,
} from './query.js';
export { type AnalyticsRow, type AnalyticsValue } from './row.js';
export { binOf, groupLabel, layoutOf, type Layout } from './layout.js';
export { localContribution } from './contribution.js';
export {
  NoisePlanSchema,
  addNoiseShare,
  calibrateNoise,
  noiseShareStd,
  privacySpent,
  type NoisePlan,
  type PrivacySpent,
} from './noise.js';
export {
  AnalyticsEncodingSchema,
  DEFAULT_MAX_RECORDS_PER_SITE,
  decodeSecAggSum,
  encodeForSecAgg,
  encodingErrorBound,
  encodingRange,
  parseEncoding,
  planEncoding,
  type AnalyticsEncoding,
  type SecAggSum,
} from './encoding.js';
export {
  AnalyticsPolicySchema,
  QueryPlanSchema,
  parseQueryPlan,
  planQuery,
  siteContribution,
  usedColumns,
  type AnalyticsPolicy,
  type PlanInput,
  type QueryPlan,
} from './plan.js';
export { histogramQuantile } from './quantile.js';
export { decodeAnswer, type AnalyticsAnswer, type GroupAnswer } from './answer.js';
export { answerTable, renderTable, type AnswerTable } from './table.js';
export {
  AIR_QUALITY_HEADER,
  SEASONS,
  loadAirQualityStation,
  parseAirQualityStation,
  seasonOf,
  type Season,
  type StationData,
} from './air-quality.js';
export {
  REFERENCE_LABEL,
  exactReference,
  exactReferenceFromFiles,
  type ReferenceAnswer,
} from './reference.js';
