import type { FitResult } from '../../../src/federation/strategies/index.js';
import type { Weights } from '../../../src/learning/weights.js';

/** A two-tensor model small enough to check by hand: kernel [2,1] and bias [1]. */
export function weights(kernel: [number, number], bias: number): Weights {
  return [
    { name: 'dense0/kernel', shape: [2, 1], data: new Float32Array(kernel) },
    { name: 'dense0/bias', shape: [1], data: new Float32Array([bias]) },
  ];
}

export function result(
  site: string,
  numSamples: number,
  kernel: [number, number],
  bias: number,
): FitResult {
  return { site, numSamples, weights: weights(kernel, bias) };
}

export const values = (w: Weights): number[][] => w.map((t) => Array.from(t.data));
