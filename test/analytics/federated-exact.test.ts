/**
 * Without noise, the federated answer (sum of the six stations' contributions, decoded) equals
 * the exact reference from the pooled raw rows: to float rounding when summed in float64, and
 * within the encoding's stated bound when each vector goes through the SecAgg encoding.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeAnswer,
  decodeSecAggSum,
  encodeForSecAgg,
  exactReference,
  localContribution,
  planQuery,
  type AnalyticsAnswer,
  type QueryPlan,
  type ReferenceAnswer,
  type StationData,
} from '../../src/analytics/index.js';
import { COLUMNS, OPEN_POLICY, STATION_NAMES, loadStations } from './support/stations.js';

let stations: StationData[];
beforeAll(async () => {
  stations = await loadStations();
});

function plan(query: object, maxRecordsPerSite = 40_000): QueryPlan {
  return planQuery({ query, columns: COLUMNS, policy: OPEN_POLICY, sites: 6, maxRecordsPerSite });
}

/** Σ of the sites' vectors in float64, as if secure aggregation were exact. */
function plainSum(p: QueryPlan): Float64Array {
  const sum = new Float64Array(p.vectorLength);
  for (const s of stations) {
    localContribution(s.rows, p.query, COLUMNS).forEach((v, i) => (sum[i] = sum[i]! + v));
  }
  return sum;
}

/** Σ through the encoding: what SecAgg's dequantized weightedSum is, then decoded. */
function encodedSum(p: QueryPlan): Float64Array {
  const weightedSum = new Float64Array(p.vectorLength);
  for (const s of stations) {
    const x = encodeForSecAgg(localContribution(s.rows, p.query, COLUMNS), p.encoding);
    x.forEach((v, i) => (weightedSum[i] = weightedSum[i]! + v));
  }
  return decodeSecAggSum({ weightedSum, weightTotal: 6, survivors: STATION_NAMES }, p.encoding);
}

function compare(
  answer: AnalyticsAnswer,
  reference: ReferenceAnswer,
  tolerance: (count: number) => number,
) {
  expect(answer.groups.map((g) => g.label)).toEqual(reference.groups.map((g) => g.label));
  answer.groups.forEach((g, i) => {
    const ref = reference.groups[i]!;
    expect(g.suppressed).toBeNull();
    expect(g.count).toBe(ref.count);
    expect(Math.abs(g.value! - ref.value!)).toBeLessThanOrEqual(tolerance(ref.count!));
  });
}

describe('federated answers equal the exact reference without noise', () => {
  const queries = {
    'count of PM2.5 by station × year': { stat: 'count', column: 'PM2.5', by: ['station', 'year'] },
    'sum of O3 by season': { stat: 'sum', column: 'O3', by: ['season'] },
    'mean PM2.5 by station × year': { stat: 'mean', column: 'PM2.5', by: ['station', 'year'] },
    'mean PM2.5 by season': { stat: 'mean', column: 'PM2.5', by: ['season'] },
    'variance of TEMP by station × month': {
      stat: 'variance',
      column: 'TEMP',
      by: ['station', 'month'],
    },
    'variance of PM2.5 overall': { stat: 'variance', column: 'PM2.5' },
  };

  it('nothing is clamped: the declared bounds cover the six files', () => {
    for (const query of Object.values(queries)) {
      expect(
        exactReference(
          stations.map((s) => s.rows),
          query,
          COLUMNS,
        ).clamped,
      ).toBe(0);
    }
  });

  it.each(Object.entries(queries))('%s, summed in float64', (_, query) => {
    const p = plan(query);
    const reference = exactReference(
      stations.map((s) => s.rows),
      query,
      COLUMNS,
    );
    const answer = decodeAnswer(plainSum(p), p, { survivors: 6 });
    compare(answer, reference, () => 1e-9 * Math.max(1, Math.abs(reference.groups[0]!.value!)));
  });

  it.each(Object.entries(queries))(
    '%s, through the SecAgg encoding, within its bound',
    (_, query) => {
      const p = plan(query);
      const reference = exactReference(
        stations.map((s) => s.rows),
        query,
        COLUMNS,
      );
      const answer = decodeAnswer(encodedSum(p), p, { survivors: 6 });
      const column = COLUMNS[query.column]!;
      const half = column.kind === 'numeric' ? (column.max - column.min) / 2 : 1;
      const mid = column.kind === 'numeric' ? (column.max + column.min) / 2 : 0;
      const e = answer.roundingBound; // per component of the summed vector
      expect(e).toBe((6 * p.encoding.resolution) / 2);
      // Counts are whole numbers on the grid: exact. The error in Σy is ≤ e, in Σy² ≤ e.
      const tolerance = (n: number) => {
        switch (query.stat) {
          case 'count':
            return 0;
          case 'sum':
            return half * e + 1e-6 * Math.abs(mid * n);
          case 'mean':
            return (half * e) / n + 1e-9;
          default: {
            const variance = (3 * half * half * e) / (n - 1); // Σy² moves ≤ e, s²/n ≤ 2e (|s/n| ≤ 1)
            return variance + 1e-9 * half * half;
          }
        }
      };
      compare(answer, reference, tolerance);
    },
  );

  it('histograms: bin counts are exact, through the encoding too', () => {
    for (const query of [
      { stat: 'histogram', column: 'PM2.5', by: ['season'], bins: 50 },
      {
        stat: 'histogram',
        column: 'PM2.5',
        by: ['station'],
        edges: [0, 35, 75, 115, 150, 250, 1000],
      },
    ]) {
      const p = plan(query);
      const reference = exactReference(
        stations.map((s) => s.rows),
        query,
        COLUMNS,
      );
      for (const sum of [plainSum(p), encodedSum(p)]) {
        const answer = decodeAnswer(sum, p, { survivors: 6 });
        answer.groups.forEach((g, i) => {
          expect(g.histogram).toEqual(reference.groups[i]!.histogram);
          expect(g.count).toBe(reference.groups[i]!.count);
        });
      }
    }
  });

  it('quantiles from the histogram lie within one bin width of the exact quantiles', () => {
    const quantiles = [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99];
    for (const [query, width] of [
      [{ stat: 'quantile', column: 'PM2.5', by: ['season'], bins: 200, quantiles }, 5],
      [{ stat: 'quantile', column: 'PM2.5', by: ['station', 'year'], bins: 100, quantiles }, 10],
      [{ stat: 'quantile', column: 'TEMP', bins: 90, quantiles }, 1],
    ] as const) {
      const p = plan(query);
      const reference = exactReference(
        stations.map((s) => s.rows),
        query,
        COLUMNS,
      );
      const answer = decodeAnswer(encodedSum(p), p, { survivors: 6 });
      answer.groups.forEach((g, i) => {
        g.quantiles!.forEach(({ q, value }, k) => {
          const exact = reference.groups[i]!.quantiles![k]!;
          expect(exact.q).toBe(q);
          expect(Math.abs(value! - exact.value!)).toBeLessThanOrEqual(width + 1e-9);
        });
      });
    }
  });
});
