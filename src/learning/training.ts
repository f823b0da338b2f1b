import type { Optimizer, Scalar, Tensor, Tensor2D, Variable } from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { tensorflow, type TensorFlow } from './backend.js';
import { forwardLogits, modelLayout, type ModelSpec } from './model.js';
import type { Examples } from './preprocessing.js';
import { privateStep, type PrivateSgd } from './private-sgd.js';
import { SeededRandom } from './random.js';
import { checkLayout } from './update-check.js';
import type { Weights } from './weights.js';

export const TrainingOptions = z
  .object({
    steps: z.number().int().nonnegative(),
    batchSize: z.number().int().positive(),
    learningRate: z.number().positive(),
    optimizer: z.enum(['sgd', 'adam']),
    /** FedProx: adds mu/2 * ||w - w_start||^2, pulling local training towards the global model. */
    proximalMu: z.number().nonnegative().optional(),
    /** L2 penalty l2/2 * ||kernels||^2 (biases exempt), added to the mean loss at every site alike. */
    l2: z.number().nonnegative().optional(),
    seed: z.number().int(),
    /** Names of the tensors to train (e.g. only 'dense0/bias' for a cheap local recalibration); default all. */
    trainable: z.array(z.string()).optional(),
  })
  .strict();
export type TrainingOptions = z.infer<typeof TrainingOptions>;

export interface TrainingResult {
  weights: Weights;
  /** Mean binary cross-entropy of the returned weights on the whole local training set. */
  loss: number;
  trainMs: number;
  /** Local training-set size: the weight FedAvg gives this update. */
  numSamples: number;
}

export interface Evaluation {
  /** Mean binary cross-entropy. */
  loss: number;
  /** Fraction correct, predicting positive when p > 0.5. */
  accuracy: number;
  correct: number;
  n: number;
}

/**
 * Minibatch training from `weights`. Deterministic given opts.seed: batches come from a seeded
 * shuffle per epoch (last batch of an epoch may be short, as in PyTorch's DataLoader), never from
 * tfjs's Math.random. Every tensor it creates is disposed before it returns.
 *
 * With `privateSgd`, every step is DP-SGD instead: a batch drawn by its sampler (Poisson), each
 * example's gradient privatized by it; opts.batchSize and opts.seed are then not used for batches.
 */
export async function trainLocal(
  spec: ModelSpec,
  weights: Weights,
  data: Examples,
  opts: TrainingOptions,
  privateSgd?: PrivateSgd,
): Promise<TrainingResult> {
  const options = TrainingOptions.parse(opts);
  checkLayout(modelLayout(spec, data.d), weights, 'model weights');
  if (data.n === 0) throw new Error('trainLocal: no training examples');
  const tf = await tensorflow();
  const started = performance.now();
  const trainable = new Set(options.trainable ?? weights.map((t) => t.name));
  for (const name of trainable) {
    if (!weights.some((t) => t.name === name))
      throw new Error(`trainLocal: trainable tensor '${name}' is not in the model`);
  }
  // tidy frees each initial tensor; the variable keeps its own reference to the data.
  const params = weights.map((t) =>
    tf.tidy(() => tf.variable(tf.tensor(t.data, t.shape), trainable.has(t.name))),
  );
  const anchors = options.proximalMu ? weights.map((t) => tf.tensor(t.data, t.shape)) : [];
  const kernels = params.filter((_, i) => (weights[i] as Weights[number]).name.endsWith('/kernel'));
  const varList = params.filter((_, i) => trainable.has((weights[i] as Weights[number]).name));
  const optimizer: Optimizer =
    options.optimizer === 'adam'
      ? tf.train.adam(options.learningRate)
      : tf.train.sgd(options.learningRate);
  const batches = new BatchStream(data, options.batchSize, options.seed);
  const penalty =
    options.proximalMu || options.l2
      ? () => {
          let p: Scalar = tf.scalar(0);
          if (options.proximalMu)
            p = tf.add(p, proximalTerm(tf, params, anchors, options.proximalMu));
          if (options.l2) p = tf.add(p, l2Term(tf, kernels, options.l2));
          return p;
        }
      : undefined;
  const isTrained = weights.map((t) => trainable.has(t.name));
  try {
    for (let step = 0; step < options.steps; step++) {
      if (privateSgd) {
        privateStep(tf, privateSgd, optimizer, params, isTrained, data, penalty);
        continue;
      }
      const { x, y, size } = batches.next();
      tf.tidy(() => {
        const xb = tf.tensor2d(x, [size, data.d]);
        const yb = tf.tensor2d(y, [size, 1]);
        optimizer.minimize(
          () => {
            let loss = meanCrossEntropy(tf, forwardLogits(tf, params, xb), yb);
            if (options.proximalMu)
              loss = tf.add(loss, proximalTerm(tf, params, anchors, options.proximalMu));
            if (options.l2) loss = tf.add(loss, l2Term(tf, kernels, options.l2));
            return loss as Scalar;
          },
          false,
          varList,
        );
      });
    }
    const trained: Weights = weights.map((t, i) => ({
      name: t.name,
      shape: [...t.shape],
      data: new Float32Array((params[i] as Variable).dataSync()),
    }));
    const loss = lossOf(tf, params, data);
    return { weights: trained, loss, trainMs: performance.now() - started, numSamples: data.n };
  } finally {
    optimizer.dispose();
    for (const tensor of [...params, ...anchors]) tensor.dispose();
  }
}

export async function evaluate(
  spec: ModelSpec,
  weights: Weights,
  data: Examples,
): Promise<Evaluation> {
  checkLayout(modelLayout(spec, data.d), weights, 'model weights');
  if (data.n === 0) return { loss: 0, accuracy: 0, correct: 0, n: 0 };
  const tf = await tensorflow();
  const logits = tf.tidy(() => {
    const params = weights.map((t) => tf.tensor(t.data, t.shape));
    return forwardLogits(tf, params, tf.tensor2d(data.x, [data.n, data.d])).dataSync();
  });
  let lossSum = 0;
  let correct = 0;
  for (let i = 0; i < data.n; i++) {
    const z = logits[i] as number;
    const y = data.y[i] as number;
    lossSum += softplus(z) - y * z;
    if ((z > 0 ? 1 : 0) === y) correct++;
  }
  return {
    loss: data.n ? lossSum / data.n : 0,
    accuracy: data.n ? correct / data.n : 0,
    correct,
    n: data.n,
  };
}

/** Stable BCE on logits: softplus(z) - y*z, averaged over the batch. */
function meanCrossEntropy(tf: TensorFlow, logits: Tensor2D, labels: Tensor2D): Scalar {
  return tf.mean(tf.sub(tf.softplus(logits), tf.mul(labels, logits)));
}

function proximalTerm(tf: TensorFlow, params: Variable[], anchors: Tensor[], mu: number): Scalar {
  const squares = params.map((p, i) => tf.sum(tf.squaredDifference(p, anchors[i] as Tensor)));
  return tf.mul(mu / 2, tf.addN(squares));
}

function l2Term(tf: TensorFlow, kernels: Variable[], l2: number): Scalar {
  return tf.mul(l2 / 2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))));
}

function lossOf(tf: TensorFlow, params: Variable[], data: Examples): number {
  return tf.tidy(() => {
    const x = tf.tensor2d(data.x, [data.n, data.d]);
    const y = tf.tensor2d(data.y, [data.n, 1]);
    return meanCrossEntropy(tf, forwardLogits(tf, params, x), y).dataSync()[0] as number;
  });
}

function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Seeded epochs of minibatches, copied out of the row-major design matrix. */
class BatchStream {
  private readonly random: SeededRandom;
  private order: Int32Array;
  private position = 0;

  constructor(
    private readonly data: Examples,
    private readonly batchSize: number,
    seed: number,
  ) {
    this.random = new SeededRandom(seed);
    this.order = this.random.permutation(data.n);
  }

  next(): { x: Float32Array; y: Float32Array; size: number } {
    if (this.position >= this.data.n) {
      this.order = this.random.permutation(this.data.n);
      this.position = 0;
    }
    const size = Math.min(this.batchSize, this.data.n - this.position);
    const { d } = this.data;
    const x = new Float32Array(size * d);
    const y = new Float32Array(size);
    for (let k = 0; k < size; k++) {
      const row = this.order[this.position + k] as number;
      x.set(this.data.x.subarray(row * d, row * d + d), k * d);
      y[k] = this.data.y[row] as number;
    }
    this.position += size;
    return { x, y, size };
  }
}
