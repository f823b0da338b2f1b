import { z } from 'zod';
import type { Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { TensorFlow } from './backend.js';
import { SeededRandom } from './random.js';
import type { TensorLayout } from './update-check.js';
import type { Weights } from './weights.js';

/** The model families a job may train. Logistic regression is FLamby's Fed-Heart-Disease baseline. */
export const ModelSpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('logistic') }).strict(),
  z
    .object({ kind: z.literal('mlp'), hidden: z.array(z.number().int().positive()).min(1) })
    .strict(),
]);
export type ModelSpec = z.infer<typeof ModelSpec>;

/** Tensor names and shapes, in order: dense0/kernel, dense0/bias, dense1/kernel, ... (last layer has 1 unit). */
export function modelLayout(spec: ModelSpec, inputDim: number): TensorLayout[] {
  if (!Number.isInteger(inputDim) || inputDim < 1)
    throw new Error(`modelLayout: inputDim must be a positive integer, got ${inputDim}`);
  const widths = [inputDim, ...(spec.kind === 'mlp' ? spec.hidden : []), 1];
  const layout: TensorLayout[] = [];
  for (let layer = 0; layer + 1 < widths.length; layer++) {
    const fanIn = widths[layer] as number;
    const fanOut = widths[layer + 1] as number;
    layout.push({ name: `dense${layer}/kernel`, shape: [fanIn, fanOut] });
    layout.push({ name: `dense${layer}/bias`, shape: [fanOut] });
  }
  return layout;
}

/**
 * Seeded initial weights, PyTorch's nn.Linear default (kernel and bias uniform in +-1/sqrt(fan_in)),
 * which FLamby's baseline uses. Async for symmetry with the other model functions.
 */
export async function initModel(spec: ModelSpec, inputDim: number, seed: number): Promise<Weights> {
  const random = new SeededRandom(seed);
  let fanIn = inputDim;
  return modelLayout(spec, inputDim).map(({ name, shape }) => {
    // A bias shares its layer's fan-in, which the kernel (always listed first) sets.
    if (name.endsWith('/kernel')) fanIn = shape[0] as number;
    const bound = 1 / Math.sqrt(fanIn);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = random.uniform(-bound, bound);
    return { name, shape, data };
  });
}

/** Forward pass to logits [n, 1]; `params` are in modelLayout order. ReLU between hidden layers. */
export function forwardLogits(tf: TensorFlow, params: readonly Tensor[], x: Tensor2D): Tensor2D {
  let h = x;
  const layers = params.length / 2;
  for (let layer = 0; layer < layers; layer++) {
    // One fused kernel per layer (matmul + bias + activation) keeps per-step overhead low.
    h = tf.fused.matMul({
      a: h,
      b: params[2 * layer] as Tensor2D,
      bias: params[2 * layer + 1] as Tensor1D,
      activation: layer + 1 < layers ? 'relu' : 'linear',
    }) as Tensor2D;
  }
  return h;
}
