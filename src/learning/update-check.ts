import type { Weights } from './weights.js';

/** A tensor's name and shape: what two parties must agree on before their numbers can be combined. */
export interface TensorLayout {
  name: string;
  shape: number[];
}

/** An update that cannot be aggregated with the global model; the message names the tensor and index. */
export class UpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UpdateError';
  }
}

/**
 * Refuses an update that does not match the global model tensor for tensor (count, order, names,
 * shapes, data length) or that holds NaN or +-Inf. Run it on every update before aggregating:
 * one bad site must not poison the global model.
 */
export function checkUpdate(global: Weights, update: Weights): void {
  checkLayout(global, update, 'update');
}

/** Like checkUpdate, against a layout only (e.g. modelLayout(spec, inputDim)). */
export function checkLayout(
  layout: readonly TensorLayout[],
  weights: Weights,
  what = 'weights',
): void {
  if (weights.length !== layout.length) {
    throw new UpdateError(
      `${what} has ${weights.length} tensors, expected ${layout.length} (${layout.map((t) => t.name).join(', ')})`,
    );
  }
  layout.forEach((expected, i) => {
    const tensor = weights[i] as Weights[number];
    if (tensor.name !== expected.name) {
      throw new UpdateError(
        `${what} tensor #${i} is named '${tensor.name}', expected '${expected.name}'`,
      );
    }
    if (
      tensor.shape.length !== expected.shape.length ||
      tensor.shape.some((n, k) => n !== expected.shape[k])
    ) {
      throw new UpdateError(
        `${what} tensor '${tensor.name}' has shape [${tensor.shape.join(', ')}], expected [${expected.shape.join(', ')}]`,
      );
    }
    const size = expected.shape.reduce((a, b) => a * b, 1);
    if (!(tensor.data instanceof Float32Array) || tensor.data.length !== size) {
      throw new UpdateError(
        `${what} tensor '${tensor.name}' holds ${tensor.data?.length ?? 0} values, its shape needs ${size}`,
      );
    }
    for (let k = 0; k < size; k++) {
      const value = tensor.data[k] as number;
      if (!Number.isFinite(value)) {
        throw new UpdateError(`${what} tensor '${tensor.name}' has ${value} at index ${k}`);
      }
    }
  });
}
