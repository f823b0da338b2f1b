/**
 * Quantiles from a histogram: the value where the cumulative count reaches q·N, by linear
 * interpolation inside that bin (its values taken as spread evenly across it). The exact
 * q-quantile, the ⌈q·N⌉-th smallest value, lies in the same bin, so without noise the two are
 * within one bin width. Negative noisy bin counts are read as 0 (post-processing).
 */
export function histogramQuantile(
  edges: readonly number[],
  counts: ArrayLike<number>,
  q: number,
): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += Math.max(0, counts[i]!);
  if (!(total > 0)) return null;
  const target = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = Math.max(0, counts[i]!);
    if (c > 0 && below + c >= target) {
      const low = edges[i]!;
      const high = edges[i + 1]!;
      return low + ((target - below) / c) * (high - low);
    }
    below += c;
  }
  return edges[edges.length - 1]!; // only reached through rounding at q close to 1
}
