/** A named Float32 tensor: the unit in which models and updates travel and are aggregated. */
export interface NamedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** A model's parameters, in a fixed order that every party agrees on. */
export type Weights = NamedTensor[];

export function cloneWeights(weights: Weights): Weights {
  return weights.map((t) => ({
    name: t.name,
    shape: [...t.shape],
    data: new Float32Array(t.data),
  }));
}

export function parameterCount(weights: Weights): number {
  return weights.reduce((n, t) => n + t.data.length, 0);
}
