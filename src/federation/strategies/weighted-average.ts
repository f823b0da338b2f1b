import { checkUpdate } from '../../learning/update-check.js';
import type { Weights } from '../../learning/weights.js';
import type { FitResult } from './strategy.js';

/**
 * The numSamples-weighted mean of the results' weights. Results are summed in site order, in
 * float64, so the outcome does not depend on the order in which sites answered.
 */
export function weightedAverage(global: Weights, results: FitResult[]): Weights {
  if (results.length === 0) throw new Error('aggregate: no results to aggregate');
  const ordered = [...results].sort((a, b) => (a.site < b.site ? -1 : a.site > b.site ? 1 : 0));
  let total = 0;
  ordered.forEach((result, i) => {
    if (i > 0 && ordered[i - 1]?.site === result.site)
      throw new Error(`aggregate: site '${result.site}' answered twice`);
    if (!Number.isInteger(result.numSamples) || result.numSamples <= 0) {
      throw new Error(
        `aggregate: site '${result.site}' reports numSamples ${result.numSamples}; need a positive integer`,
      );
    }
    try {
      checkUpdate(global, result.weights);
    } catch (error) {
      throw new Error(`aggregate: site '${result.site}': ${(error as Error).message}`, {
        cause: error,
      });
    }
    total += result.numSamples;
  });
  return global.map((tensor, k) => {
    const sum = new Float64Array(tensor.data.length);
    for (const result of ordered) {
      const data = (result.weights[k] as Weights[number]).data;
      const share = result.numSamples / total;
      for (let i = 0; i < sum.length; i++)
        sum[i] = (sum[i] as number) + share * (data[i] as number);
    }
    return { name: tensor.name, shape: [...tensor.shape], data: Float32Array.from(sum) };
  });
}
