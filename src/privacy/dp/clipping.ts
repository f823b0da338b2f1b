/**
 * L2 clipping: the step that bounds one party's influence (its sensitivity) before noise.
 * Tensors are typed structurally so that learning's `Weights` passes without the privacy core
 * importing the learning module.
 */
import { PrivacyParameterError } from './errors.js';

/** Structurally identical to learning's NamedTensor. */
export interface UpdateTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Shrinks the clip factor by 2⁻²⁰ so that rounding the scaled values to float32 (relative error
 * ≤ 2⁻²⁴ each) can never push the norm back above the clip norm.
 */
const FLOAT32_MARGIN = 1 - 2 ** -20;

function requireClipNorm(clipNorm: number, context: string): void {
  if (!(clipNorm > 0) || !Number.isFinite(clipNorm)) {
    throw new PrivacyParameterError(
      `${context}: clip norm must be a finite number > 0 (got ${clipNorm})`,
    );
  }
}

function sumOfSquares(data: Float32Array, context: string): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      throw new PrivacyParameterError(
        `${context}: value at index ${i} is ${v}; updates must be finite`,
      );
    }
    sum += v * v;
  }
  return sum;
}

/** The L2 norm of all tensors together, in double precision. */
export function l2Norm(tensors: readonly { data: Float32Array }[]): number {
  return Math.sqrt(tensors.reduce((s, t) => s + sumOfSquares(t.data, 'l2Norm'), 0));
}

/** The factor that brings a vector of norm `norm` within `clipNorm` (1 when already within). */
export function clipFactor(norm: number, clipNorm: number): number {
  return norm <= clipNorm ? 1 : (clipNorm / norm) * FLOAT32_MARGIN;
}

/** A copy of `delta` scaled so that its joint L2 norm is at most `clipNorm`. */
export function clipByL2Norm(delta: readonly UpdateTensor[], clipNorm: number): UpdateTensor[] {
  requireClipNorm(clipNorm, 'clipByL2Norm');
  const factor = clipFactor(l2Norm(delta), clipNorm);
  return delta.map((t) => ({
    name: t.name,
    shape: [...t.shape],
    data: factor === 1 ? new Float32Array(t.data) : t.data.map((v) => v * factor),
  }));
}

/** A copy of `vector` scaled so that its L2 norm is at most `clipNorm`. */
export function clipVectorByL2Norm(vector: Float32Array, clipNorm: number): Float32Array {
  requireClipNorm(clipNorm, 'clipVectorByL2Norm');
  const factor = clipFactor(Math.sqrt(sumOfSquares(vector, 'clipVectorByL2Norm')), clipNorm);
  return factor === 1 ? new Float32Array(vector) : vector.map((v) => v * factor);
}
