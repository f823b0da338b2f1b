/**
 * Privacy: differential privacy (clipping, noise, the RDP accountant) and SecAgg+ secure
 * aggregation, as pure cores without I/O. The federation layer wires them into rounds.
 */
export { PrivacyParameterError, AccountingError } from './dp/errors.js';
export {
  DEFAULT_ORDERS,
  composedRdp,
  rdpToEpsilon,
  sampledGaussianRdp,
  type PrivacySpent,
} from './dp/rdp.js';
export {
  RdpAccountant,
  epsilon,
  noiseForBudget,
  stepsForEpochs,
  type PrivacyBudget,
  type PrivacyStep,
} from './dp/accountant.js';
export { privacyStepSchema } from './dp/parameters.js';
export { erfc, logErfc } from './dp/log-math.js';
export {
  clipByL2Norm,
  clipFactor,
  clipVectorByL2Norm,
  l2Norm,
  type UpdateTensor,
} from './dp/clipping.js';
export { GaussianNoise, addGaussianNoise, gaussianNoise } from './dp/gaussian.js';
export {
  effectiveNoiseMultiplier,
  fixedDenominatorMean,
  privatizeSiteUpdate,
  siteNoiseStd,
  type DistributedNoisePlan,
  type PrivatizedUpdate,
} from './dp/distributed-noise.js';
export { poissonBatch, privatizeBatchGradient } from './dp/dp-sgd.js';

export {
  DEFAULT_QUANTIZATION,
  MODULUS,
  parseRoundConfig,
  planNeighbourhood,
  roundConfigSchema,
  type Neighbourhood,
  type QuantizationConfig,
  type RoundConfig,
} from './secagg/config.js';
export {
  RoundFailedError,
  SecAggConfigError,
  SecAggRefusal,
  type Phase,
  type RefusalReason,
} from './secagg/errors.js';
export { neighbourGraph, type NeighbourGraph } from './secagg/graph.js';
export { QuantizationError, quantizationErrorBound } from './secagg/quantization.js';
export {
  secAggMessageSchema,
  type AdvertiseKeys,
  type HubMessage,
  type MaskedInput,
  type MaskedInputRequest,
  type SecAggMessage,
  type ShareKeys,
  type ShareKeysRequest,
  type SiteMessage,
  type UnmaskRequest,
  type UnmaskResponse,
} from './secagg/messages.js';
export { SecAggSite, type SitePhase } from './secagg/site.js';
export { SecAggHub, type AggregateResult, type HubPhase } from './secagg/hub.js';
export { decodeMessage, encodeMessage } from './secagg/wire.js';
export { flattenTensors, unflattenTensors } from './secagg/vector.js';
