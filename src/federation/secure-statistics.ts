import { encodeForSecAgg, planEncoding, type AnalyticsEncoding } from '../analytics/index.js';
import { combineStatistics } from '../learning/index.js';
import type { DatasetSchema, LocalStatistics, Preprocessing, Row } from '../learning/index.js';

/**
 * The federated standardisation of a secure job, through the analytics path: per numeric
 * feature each site sends [n, Σy, Σy²] with y = (clamp(x) − mid)/half ∈ [−1, 1] (the declared
 * bounds' centre and half-width), encoded exactly for SecAgg+; the hub learns only the sums over
 * every site, from which the global mean and standard deviation follow. Category names present
 * at a site still travel in clear (they are schema metadata, not counts).
 */
export interface SecureStatisticsPlan {
  encoding: AnalyticsEncoding;
  vectorLength: number;
}

/** Needs declared bounds for every feature; the encoding is sized for the largest site. */
export function planSecureStatistics(
  schema: DatasetSchema,
  sites: number,
  maxRowsPerSite: number,
): SecureStatisticsPlan {
  const missing = schema.features.filter((f) => schema.bounds?.[f] === undefined);
  if (missing.length > 0) {
    throw new Error(
      `secure aggregation standardises features within declared bounds; the schema declares none for ${missing.join(', ')} (schema.bounds)`,
    );
  }
  return {
    encoding: planEncoding({ sites, maxRecordsPerSite: Math.max(1, maxRowsPerSite) }),
    vectorLength: 3 * schema.features.length,
  };
}

function scaleOf(schema: DatasetSchema, feature: string) {
  const { min, max } = schema.bounds![feature]!;
  return { min, max, mid: (min + max) / 2, half: (max - min) / 2 };
}

/** A site's vector, encoded for `SecAggSite.maskInput(…, weight 1)`. */
export function secureStatisticsVector(
  rows: readonly Row[],
  schema: DatasetSchema,
  encoding: AnalyticsEncoding,
): Float32Array {
  const vector = new Float64Array(3 * schema.features.length);
  schema.features.forEach((feature, f) => {
    const { min, max, mid, half } = scaleOf(schema, feature);
    for (const row of rows) {
      const x = row.numeric[feature];
      if (x === undefined || !Number.isFinite(x)) continue;
      const y = (Math.min(max, Math.max(min, x)) - mid) / half;
      vector[3 * f] = vector[3 * f]! + 1;
      vector[3 * f + 1] = vector[3 * f + 1]! + y;
      vector[3 * f + 2] = vector[3 * f + 2]! + y * y;
    }
  });
  return encodeForSecAgg(vector, encoding);
}

/** The job's preprocessing from the secure sum and each site's category names. */
export function secureStatisticsResult(
  sum: Float64Array,
  schema: DatasetSchema,
  categories: readonly LocalStatistics['categories'][],
): Preprocessing {
  const numeric: LocalStatistics['numeric'] = {};
  schema.features.forEach((feature, f) => {
    const { mid, half } = scaleOf(schema, feature);
    const n = Math.round(sum[3 * f]!);
    const sumY = sum[3 * f + 1]!;
    const sumY2 = sum[3 * f + 2]!;
    // Back from y to x: Σx = n·mid + half·Σy; Σx² = n·mid² + 2·mid·half·Σy + half²·Σy².
    numeric[feature] = {
      count: n,
      sum: n * mid + half * sumY,
      sumSquares: n * mid * mid + 2 * mid * half * sumY + half * half * sumY2,
    };
  });
  const union: LocalStatistics['categories'] = {};
  for (const name of schema.categorical) {
    union[name] = [...new Set(categories.flatMap((c) => c[name] ?? []))].sort();
  }
  const count = Math.round(sum[0] ?? 0);
  return combineStatistics([{ count, numeric, categories: union }], schema);
}
