/**
 * Secure aggregation sums one flat vector per site; models travel as named tensors. These two
 * functions convert between them in the order every party agrees on (the tensors' order).
 */
import type { UpdateTensor } from '../dp/clipping.js';

/** All tensors' values, concatenated in order. */
export function flattenTensors(tensors: readonly { data: Float32Array }[]): Float32Array {
  const out = new Float32Array(tensors.reduce((n, t) => n + t.data.length, 0));
  let at = 0;
  for (const t of tensors) {
    out.set(t.data, at);
    at += t.data.length;
  }
  return out;
}

/** Splits `vector` back into tensors named and shaped like `layout` (e.g. an aggregate's mean). */
export function unflattenTensors(
  vector: ArrayLike<number>,
  layout: readonly { name: string; shape: readonly number[] }[],
): UpdateTensor[] {
  const sizes = layout.map((t) => t.shape.reduce((n, d) => n * d, 1));
  const total = sizes.reduce((n, s) => n + s, 0);
  if (total !== vector.length) {
    throw new RangeError(`vector has ${vector.length} values; the layout needs ${total}`);
  }
  let at = 0;
  return layout.map((t, k) => {
    const data = Float32Array.from({ length: sizes[k]! }, (_, i) => vector[at + i]!);
    at += sizes[k]!;
    return { name: t.name, shape: [...t.shape], data };
  });
}
