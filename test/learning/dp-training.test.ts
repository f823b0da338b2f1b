import { describe, expect, it } from 'vitest';
import {
  initModel,
  tensorflow,
  trainLocal,
  type Examples,
  type PrivateSgd,
  type TrainingOptions,
  type Weights,
} from '../../src/learning/index.js';
import { perExampleGradients } from '../../src/learning/per-example.js';
import { privatizeBatchGradient } from '../../src/privacy/index.js';
import { planDpSgd, privateSgdFor } from '../../src/federation/index.js';

function toyData(n: number, d: number): Examples {
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = Math.sin(1.3 * i + 0.7 * j * j + j);
    y[i] = (x[i * d] ?? 0) + 0.5 * (x[i * d + 1] ?? 0) > 0 ? 1 : 0;
  }
  return { x, y, n, d };
}

const d = 13;
const data = toyData(60, d);
// Row 0 made an outlier: unclipped, its gradient is about 100 times any other.
for (let j = 0; j < d; j++) data.x[j] = 100;
const sgd1: TrainingOptions = {
  steps: 1,
  batchSize: 4,
  learningRate: 1,
  optimizer: 'sgd',
  seed: 0,
};

/** A fixed batch and the privacy core's clip-and-noise at a chosen σ (0: no noise). */
function fixed(batch: number[], clip: number, sigma: number, expected = 1): PrivateSgd {
  return {
    sampleBatch: () => batch,
    privatize: (g, p) => privatizeBatchGradient(g, clip, sigma, expected, p),
  };
}

function deltaOf(before: Weights, after: Weights): Float64Array {
  const out: number[] = [];
  before.forEach((t, i) => t.data.forEach((v, k) => out.push((after[i]!.data[k] as number) - v)));
  return Float64Array.from(out);
}
const norm = (v: Float64Array) => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

describe('per-example gradients', () => {
  it('equal each example differentiated alone (logistic and MLP)', async () => {
    const tf = await tensorflow();
    for (const spec of [{ kind: 'logistic' as const }, { kind: 'mlp' as const, hidden: [5] }]) {
      const w = await initModel(spec, d, 1);
      const params = w.map((t) => tf.variable(tf.tensor(t.data, t.shape)));
      const rows = [3, 7, 11];
      const x = new Float32Array(rows.flatMap((r) => [...data.x.subarray(r * d, r * d + d)]));
      const y = new Float32Array(rows.map((r) => data.y[r] as number));
      const batched = perExampleGradients(
        tf,
        params,
        w.map(() => true),
        x,
        y,
        rows.length,
        d,
      );
      rows.forEach((_, i) => {
        const alone = perExampleGradients(
          tf,
          params,
          w.map(() => true),
          x.subarray(i * d, i * d + d),
          y.subarray(i, i + 1),
          1,
          d,
        )[0]!;
        expect(batched[i]!.length).toBe(alone.length);
        batched[i]!.forEach((v, k) => expect(v).toBeCloseTo(alone[k] as number, 5));
      });
      params.forEach((p) => p.dispose());
    }
  });
});

describe('trainLocal with DP-SGD', () => {
  it('clips: one step moves the weights by at most lr·C, even for an outlier', async () => {
    const w = await initModel({ kind: 'logistic' }, d, 0);
    const clip = 0.5;
    const outlier = deltaOf(
      w,
      (await trainLocal({ kind: 'logistic' }, w, data, sgd1, fixed([0], clip, 0))).weights,
    );
    expect(norm(outlier)).toBeLessThanOrEqual(clip * (1 + 1e-6));
    expect(norm(outlier)).toBeGreaterThan(clip * 0.99); // its raw gradient is far larger
    // Without the clip (C huge) the same step is far longer.
    const raw = deltaOf(
      w,
      (await trainLocal({ kind: 'logistic' }, w, data, sgd1, fixed([0], 1e9, 0))).weights,
    );
    expect(norm(raw)).toBeGreaterThan(50 * clip);
    // Four examples, each clipped: the sum moves at most 4C (divided by the expected size 4: C).
    const four = deltaOf(
      w,
      (await trainLocal({ kind: 'logistic' }, w, data, sgd1, fixed([0, 1, 2, 3], clip, 0, 4)))
        .weights,
    );
    expect(norm(four)).toBeLessThanOrEqual(clip * (1 + 1e-6));
  });

  it('adds Gaussian noise of std σC / (qn) from the CSPRNG, also on an empty batch', async () => {
    const spec = { kind: 'mlp' as const, hidden: [64] };
    const w = await initModel(spec, d, 0);
    const sigma = 1.3;
    const clip = 0.7;
    // Empty batch: the step is pure noise, N(0, (σC/4)²) per parameter (expected batch size 4).
    const step = deltaOf(
      w,
      (await trainLocal(spec, w, data, sgd1, fixed([], clip, sigma, 4))).weights,
    );
    const std = Math.sqrt(step.reduce((a, x) => a + x * x, 0) / step.length);
    expect(step.length).toBe(13 * 64 + 64 + 64 + 1);
    expect(std / ((sigma * clip) / 4)).toBeGreaterThan(0.92);
    expect(std / ((sigma * clip) / 4)).toBeLessThan(1.08);
    // The noise is not seeded: the same options give a different step each time.
    const again = deltaOf(
      w,
      (await trainLocal(spec, w, data, sgd1, fixed([], clip, sigma, 4))).weights,
    );
    expect(again).not.toEqual(step);
  });

  it('is reproducible given the batches when noise is off, and keeps the L2 penalty noiseless', async () => {
    const w = await initModel({ kind: 'logistic' }, d, 0);
    const opts = { ...sgd1, steps: 5, learningRate: 0.1, l2: 0.1 };
    const a = await trainLocal({ kind: 'logistic' }, w, data, opts, fixed([5, 9], 1e6, 0, 2));
    const b = await trainLocal({ kind: 'logistic' }, w, data, opts, fixed([5, 9], 1e6, 0, 2));
    expect(a.weights).toEqual(b.weights);
    // With no clipping in play and no noise, DP-SGD on a fixed batch is plain SGD on that batch.
    const plain = await trainLocal(
      { kind: 'logistic' },
      w,
      {
        x: new Float32Array([...data.x.subarray(5 * d, 6 * d), ...data.x.subarray(9 * d, 10 * d)]),
        y: new Float32Array([data.y[5]!, data.y[9]!]),
        n: 2,
        d,
      },
      { ...opts, batchSize: 2 },
    );
    a.weights.forEach((t, i) =>
      t.data.forEach((v, k) => expect(v).toBeCloseTo(plain.weights[i]!.data[k]!, 5)),
    );
  });

  it('Poisson-samples with rate q = batchSize / n through the site plan', async () => {
    const plan = planDpSgd(
      { mode: 'dp-sgd', clipNorm: 1, delta: 1e-5, noiseMultiplier: 1, rounds: 1 },
      { steps: 10, batchSize: 6 },
      60,
    );
    expect(plan.sampleRate).toBeCloseTo(0.1, 12);
    const sizes = Array.from({ length: 400 }, () => privateSgdFor(plan).sampleBatch(60).length);
    const mean = sizes.reduce((a, b) => a + b, 0) / sizes.length;
    expect(mean).toBeGreaterThan(5.5);
    expect(mean).toBeLessThan(6.5);
    expect(new Set(sizes).size).toBeGreaterThan(3); // the size varies: Poisson, not fixed
  });
});
