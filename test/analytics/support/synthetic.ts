/** Small made-up sites for tests that need known group sizes rather than real data. */
import type { AnalyticsColumns, AnalyticsRow } from '../../../src/analytics/index.js';

export const SYNTHETIC_COLUMNS: AnalyticsColumns = {
  level: { kind: 'numeric', min: 0, max: 100, unit: 'u' },
  zone: { kind: 'categorical', categories: ['a', 'b', 'c', 'd'] },
  shift: { kind: 'categorical', categories: ['day', 'night'] },
};

/** `sizes[zone]` rows per zone, spread round-robin over `sites` sites, levels cycling 0..100. */
export function syntheticSites(sizes: Record<string, number>, sites: number): AnalyticsRow[][] {
  const out: AnalyticsRow[][] = Array.from({ length: sites }, () => []);
  let i = 0;
  for (const [zone, size] of Object.entries(sizes)) {
    for (let k = 0; k < size; k++, i++) {
      out[i % sites]!.push({ level: (i * 37) % 101, zone, shift: k % 3 === 0 ? 'night' : 'day' });
    }
  }
  return out;
}

export function sumVectors(vectors: readonly Float64Array[]): Float64Array {
  const sum = new Float64Array(vectors[0]!.length);
  for (const v of vectors) v.forEach((x, i) => (sum[i] = sum[i]! + x));
  return sum;
}
