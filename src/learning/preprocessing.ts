/**
 * Federated standardisation: each site shares only sums and category lists (never rows); the hub
 * combines them into global means and standard deviations, so every site scales its features
 * exactly as a pooled dataset would be scaled. Per-site scaling would give each hospital a
 * different input space, which costs FLamby's logistic regression about 7 points of accuracy.
 */
import { z } from 'zod';
import type { Row } from './dataset.js';
import type { DatasetSchema } from './dataset-schema.js';

const NumericMoments = z.object({
  count: z.number().int().nonnegative(),
  sum: z.number(),
  sumSquares: z.number().nonnegative(),
});

/** What one site reports about its training rows. Validate messages from other nodes with it. */
export const LocalStatistics = z.object({
  count: z.number().int().nonnegative(),
  numeric: z.record(z.string(), NumericMoments),
  categories: z.record(z.string(), z.array(z.string())),
});
export type LocalStatistics = z.infer<typeof LocalStatistics>;

/** How every site turns rows into model inputs; identical at all sites for one job. */
export const Preprocessing = z.object({
  featureNames: z.array(z.string()),
  means: z.array(z.number()),
  stds: z.array(z.number().positive()),
  categories: z.record(z.string(), z.array(z.string())),
});
export type Preprocessing = z.infer<typeof Preprocessing>;

/** A design matrix (row-major, n x d) and its 0/1 labels. */
export interface Examples {
  x: Float32Array;
  y: Float32Array;
  n: number;
  d: number;
}

export function localStatistics(rows: Row[], schema: DatasetSchema): LocalStatistics {
  const numeric: LocalStatistics['numeric'] = {};
  for (const name of schema.features) {
    let sum = 0;
    let sumSquares = 0;
    for (const row of rows) {
      const value = row.numeric[name] ?? Number.NaN;
      sum += value;
      sumSquares += value * value;
    }
    numeric[name] = { count: rows.length, sum, sumSquares };
  }
  const categories: LocalStatistics['categories'] = {};
  for (const name of schema.categorical) {
    categories[name] = [...new Set(rows.map((row) => row.categorical[name] ?? ''))].sort();
  }
  return { count: rows.length, numeric, categories };
}

export function combineStatistics(stats: LocalStatistics[], schema: DatasetSchema): Preprocessing {
  if (stats.length === 0) throw new Error('combineStatistics: no site statistics to combine');
  const means: number[] = [];
  const stds: number[] = [];
  for (const name of schema.features) {
    let count = 0;
    let sum = 0;
    let sumSquares = 0;
    stats.forEach((site, i) => {
      const moments = site.numeric[name];
      if (moments === undefined)
        throw new Error(
          `combineStatistics: site #${i} reports no statistics for feature '${name}'`,
        );
      count += moments.count;
      sum += moments.sum;
      sumSquares += moments.sumSquares;
    });
    if (count === 0)
      throw new Error(`combineStatistics: feature '${name}' has no values at any site`);
    const mean = sum / count;
    const variance = Math.max(0, sumSquares / count - mean * mean);
    const std = Math.sqrt(variance);
    means.push(mean);
    // A constant column carries no information; dividing by 1 keeps it finite (it becomes 0).
    stds.push(std > 1e-9 * Math.max(1, Math.abs(mean)) ? std : 1);
  }
  const categories: Record<string, string[]> = {};
  const featureNames = [...schema.features];
  for (const name of schema.categorical) {
    const union = new Set<string>();
    stats.forEach((site, i) => {
      const seen = site.categories[name];
      if (seen === undefined)
        throw new Error(`combineStatistics: site #${i} reports no categories for '${name}'`);
      for (const category of seen) union.add(category);
    });
    const sorted = [...union].sort();
    categories[name] = sorted;
    // drop_first: the first (sorted) category is the reference level, encoded as all zeros.
    for (const category of sorted.slice(1)) featureNames.push(`${name}=${category}`);
  }
  return { featureNames, means, stds, categories };
}

export function featurize(rows: Row[], schema: DatasetSchema, prep: Preprocessing): Examples {
  const n = rows.length;
  const d = prep.featureNames.length;
  const x = new Float32Array(n * d);
  const y = new Float32Array(n);
  rows.forEach((row, i) => {
    const base = i * d;
    schema.features.forEach((name, j) => {
      const value = row.numeric[name];
      if (value === undefined)
        throw new Error(`featurize: row on line ${row.line} has no value for '${name}'`);
      x[base + j] = (value - (prep.means[j] as number)) / (prep.stds[j] as number);
    });
    let offset = schema.features.length;
    for (const name of schema.categorical) {
      const levels = prep.categories[name] ?? [];
      const level = levels.indexOf(row.categorical[name] ?? '');
      // Reference level (0) and categories no site reported both encode as all zeros.
      if (level > 0) x[base + offset + level - 1] = 1;
      offset += Math.max(0, levels.length - 1);
    }
    y[i] = row.label;
  });
  return { x, y, n, d };
}
