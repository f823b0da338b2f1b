import type { Scalar, Tensor, Tensor2D, Tensor3D, Variable } from '@tensorflow/tfjs-core';
import type { TensorFlow } from './backend.js';

/**
 * Per-example gradients of the cross-entropy for the dense models of model.ts, in one backward
 * pass: every trainable tensor is tiled once per example ([B, ...shape]) and the batch runs as a
 * batched matmul, so the gradient with respect to copy i is example i's gradient alone. Returns
 * one flat vector per example: the trainable tensors' gradients concatenated in layout order.
 */
export function perExampleGradients(
  tf: TensorFlow,
  params: readonly Variable[],
  trainable: readonly boolean[],
  x: Float32Array,
  y: Float32Array,
  size: number,
  inputDim: number,
): Float32Array[] {
  return tf.tidy(() => {
    const xb = tf.reshape(tf.tensor2d(x, [size, inputDim]), [size, 1, inputDim]) as Tensor3D;
    const yb = tf.tensor2d(y, [size, 1]);
    const trainedIdx = params.map((_, i) => i).filter((i) => trainable[i]);
    const tiled = trainedIdx.map((i) => {
      const p = params[i] as Variable;
      return tf.tile(tf.expandDims(p, 0), [size, ...p.shape.map(() => 1)]);
    });
    const lossOf = (...copies: Tensor[]): Scalar => {
      // Per layer: the example's own copy when trained, else the shared tensor broadcast.
      const tensorAt = (i: number): Tensor => {
        const k = trainedIdx.indexOf(i);
        return k >= 0 ? (copies[k] as Tensor) : tf.expandDims(params[i] as Variable, 0);
      };
      let h: Tensor3D = xb;
      const layers = params.length / 2;
      for (let layer = 0; layer < layers; layer++) {
        const kernel = tensorAt(2 * layer) as Tensor3D;
        const fanOut = (params[2 * layer] as Variable).shape[1] as number;
        const k3 = kernel.shape[0] === size ? kernel : tf.tile(kernel, [size, 1, 1]);
        const bias = tf.reshape(tensorAt(2 * layer + 1), [-1, 1, fanOut]);
        h = tf.add(tf.matMul(h, k3 as Tensor3D), bias) as Tensor3D;
        if (layer + 1 < layers) h = tf.relu(h);
      }
      const logits = tf.reshape(h, [size, 1]) as Tensor2D;
      return tf.sum(tf.sub(tf.softplus(logits), tf.mul(yb, logits)));
    };
    const grads = tf.grads(lossOf)(tiled);
    const flat = tf.concat(
      grads.map((g) => tf.reshape(g, [size, -1])),
      1,
    );
    const data = flat.dataSync() as Float32Array;
    const width = flat.shape[1] as number;
    return Array.from({ length: size }, (_, i) => data.slice(i * width, (i + 1) * width));
  });
}
