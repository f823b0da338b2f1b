/**
 * Record-level DP-SGD (Abadi et al., CCS 2016; as Opacus): Poisson-sample a batch with rate q,
 * clip each example's gradient to C, sum, add N(0, σ²C²), divide by the expected batch size qN.
 * Account each step with RdpAccountant.record({ sampleRate: q, noiseMultiplier: σ, steps: 1 }).
 */
import { secureUniform } from '../secure-random.js';
import { clipFactor } from './clipping.js';
import { PrivacyParameterError } from './errors.js';
import { addGaussianNoise } from './gaussian.js';
import {
  noiseMultiplierSchema,
  parseParameters,
  positiveSchema,
  sampleRateSchema,
} from './parameters.js';

/**
 * The noisy mean gradient of one batch. `parameterCount` is needed only for an empty batch, which
 * Poisson sampling can draw and which must still release pure noise to keep the guarantee.
 */
export function privatizeBatchGradient(
  perExampleGrads: readonly Float32Array[],
  clip: number,
  noiseMultiplier: number,
  expectedBatchSize: number,
  parameterCount: number | undefined = perExampleGrads[0]?.length,
): Float32Array {
  parseParameters(positiveSchema, clip, 'privatizeBatchGradient clip');
  parseParameters(noiseMultiplierSchema, noiseMultiplier, 'privatizeBatchGradient noiseMultiplier');
  parseParameters(positiveSchema, expectedBatchSize, 'privatizeBatchGradient expectedBatchSize');
  if (parameterCount === undefined) {
    throw new PrivacyParameterError(
      'privatizeBatchGradient: an empty batch needs parameterCount to release its noise',
    );
  }
  const sum = new Float64Array(parameterCount);
  perExampleGrads.forEach((grad, k) => {
    if (grad.length !== parameterCount) {
      throw new PrivacyParameterError(
        `privatizeBatchGradient: gradient ${k} has ${grad.length} entries, expected ${parameterCount}`,
      );
    }
    let squares = 0;
    for (let i = 0; i < grad.length; i++) {
      const v = grad[i] as number;
      if (!Number.isFinite(v)) {
        throw new PrivacyParameterError(
          `privatizeBatchGradient: gradient ${k} has ${v} at index ${i}`,
        );
      }
      squares += v * v;
    }
    const factor = clipFactor(Math.sqrt(squares), clip);
    for (let i = 0; i < grad.length; i++)
      sum[i] = (sum[i] as number) + (grad[i] as number) * factor;
  });
  addGaussianNoise(sum, noiseMultiplier * clip);
  const mean = new Float32Array(parameterCount);
  for (let i = 0; i < parameterCount; i++) mean[i] = (sum[i] as number) / expectedBatchSize;
  return mean;
}

/**
 * A Poisson sample of indices 0..datasetSize−1: each is kept independently with probability q,
 * decided by the CSPRNG. The batch size varies; that is what the accountant assumes.
 */
export function poissonBatch(datasetSize: number, sampleRate: number): number[] {
  const q = parseParameters(sampleRateSchema, sampleRate, 'poissonBatch sampleRate');
  if (!Number.isInteger(datasetSize) || datasetSize < 0) {
    throw new PrivacyParameterError(
      `poissonBatch: datasetSize must be a whole number ≥ 0 (got ${datasetSize})`,
    );
  }
  const batch: number[] = [];
  for (let i = 0; i < datasetSize; i++) if (secureUniform.nextOpenUnit() <= q) batch.push(i);
  return batch;
}
