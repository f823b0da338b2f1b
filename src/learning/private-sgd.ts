import type { NamedTensorMap, Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Optimizer } from '@tensorflow/tfjs-core';
import type { TensorFlow } from './backend.js';
import { perExampleGradients } from './per-example.js';
import type { Examples } from './preprocessing.js';

/**
 * The two random steps of DP-SGD, supplied by the caller: the learning core imports no privacy
 * code (the federation layer wires the privacy core's CSPRNG sampler and noise in), and tests can
 * pass deterministic stand-ins.
 */
export interface PrivateSgd {
  /** The next batch: indices of 0..n−1, each kept with probability q (Poisson sampling). */
  sampleBatch(n: number): number[];
  /**
   * Clip each example's gradient, sum, add Gaussian noise, divide by the expected batch size;
   * `perExample` may be empty (an empty Poisson batch still releases noise).
   */
  privatize(perExample: readonly Float32Array[], parameterCount: number): Float32Array;
}

/**
 * One DP-SGD step: per-example gradients of the data loss on a sampled batch, privatized, plus
 * the gradient of the data-independent penalty (L2, proximal), which costs no privacy.
 */
export function privateStep(
  tf: TensorFlow,
  dp: PrivateSgd,
  optimizer: Optimizer,
  params: readonly Variable[],
  trainable: readonly boolean[],
  data: Examples,
  penalty: (() => Scalar) | undefined,
): void {
  const batch = dp.sampleBatch(data.n);
  const { d } = data;
  const x = new Float32Array(batch.length * d);
  const y = new Float32Array(batch.length);
  batch.forEach((row, k) => {
    x.set(data.x.subarray(row * d, row * d + d), k * d);
    y[k] = data.y[row] as number;
  });
  const trained = params.filter((_, i) => trainable[i]);
  const parameterCount = trained.reduce((a, p) => a + p.size, 0);
  const perExample =
    batch.length > 0 ? perExampleGradients(tf, params, trainable, x, y, batch.length, d) : [];
  const noisy = dp.privatize(perExample, parameterCount);
  tf.tidy(() => {
    const extra = penalty ? tf.variableGrads(penalty, trained).grads : {};
    let offset = 0;
    const grads: NamedTensorMap = {};
    for (const p of trained) {
      const g: Tensor = tf.tensor(noisy.subarray(offset, offset + p.size), p.shape);
      offset += p.size;
      const reg = extra[p.name];
      grads[p.name] = reg ? tf.add(g, reg) : g;
    }
    optimizer.applyGradients(grads);
  });
}
