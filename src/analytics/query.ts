/**
 * A federated analytics query: one statistic of one column, optionally per group of one or more
 * declared categorical columns, optionally with differential privacy at (ε, δ).
 *
 *   { "stat": "mean", "column": "PM2.5", "by": ["station", "year"], "epsilon": 1 }
 *   { "stat": "histogram", "column": "PM2.5", "bins": 20 }
 *   { "stat": "quantile", "column": "PM2.5", "edges": [0, 35, 75, 115, 150, 250, 1000], "quantiles": [0.5, 0.9] }
 *
 * Histograms and quantiles use fixed bins: `bins` equal-width bins over the column's declared
 * bounds, or explicit `edges` inside them. Without `epsilon` the collaboration's policy decides
 * whether the query may run at all (see plan.ts).
 */
import { z } from 'zod';
import { categoricalColumn, declared, numericColumn, type AnalyticsColumns } from './columns.js';
import { AnalyticsError, parseOrThrow } from './errors.js';

export const DEFAULT_DELTA = 1e-5;
/** Most groups a query may ask for: a larger layout is a mistake, and a heavy vector. */
export const MAX_GROUPS = 100_000;
export const MAX_BINS = 10_000;

const name = z.string().min(1, 'must not be empty');

const common = {
  column: name,
  by: z.array(name).max(4, 'must list at most 4 columns').optional(),
  epsilon: z.number({ error: 'must be a finite number > 0' }).gt(0, 'must be > 0').optional(),
  delta: z
    .number({ error: 'must be in (0, 1)' })
    .gt(0, 'must be in (0, 1)')
    .lt(1, 'must be in (0, 1)')
    .optional(),
};

const binning = {
  bins: z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(MAX_BINS, `must be ≤ ${MAX_BINS}`)
    .optional(),
  edges: z
    .array(z.number({ error: 'must be finite numbers' }))
    .min(2, 'must list at least 2 edges')
    .max(MAX_BINS + 1, `must list at most ${MAX_BINS + 1} edges`)
    .optional(),
};

const moment = (stat: 'count' | 'sum' | 'mean' | 'variance') =>
  z.object({ stat: z.literal(stat), ...common }).strict();

const QuerySchema = z
  .discriminatedUnion(
    'stat',
    [
      moment('count'),
      moment('sum'),
      moment('mean'),
      moment('variance'),
      z.object({ stat: z.literal('histogram'), ...common, ...binning }).strict(),
      z
        .object({
          stat: z.literal('quantile'),
          ...common,
          ...binning,
          quantiles: z
            .array(
              z
                .number({ error: 'must be numbers in (0, 1)' })
                .gt(0, 'must be in (0, 1)')
                .lt(1, 'must be in (0, 1)'),
            )
            .min(1, 'must list at least one q'),
        })
        .strict(),
    ],
    { error: 'must be one of count, sum, mean, variance, histogram, quantile' },
  )
  .superRefine((q, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (q.delta !== undefined && q.epsilon === undefined)
      issue(['delta'], 'is given without epsilon');
    const by = q.by ?? [];
    by.forEach((b, i) => {
      if (by.indexOf(b) !== i) issue(['by', i], `repeats '${b}'`);
      if (b === q.column) issue(['by', i], `'${b}' is also the queried column`);
    });
    if (q.stat === 'histogram' || q.stat === 'quantile') {
      if ((q.bins === undefined) === (q.edges === undefined)) {
        issue(['bins'], 'give exactly one of bins (a count) or edges');
      }
      q.edges?.forEach((e, i) => {
        if (i > 0 && !(e > q.edges![i - 1]!)) issue(['edges', i], 'edges must increase strictly');
      });
    }
  });

export type AnalyticsQuery = z.infer<typeof QuerySchema>;
export type Stat = AnalyticsQuery['stat'];
export const AnalyticsQuerySchema: z.ZodType<AnalyticsQuery> = QuerySchema;

/**
 * Validates a query's shape and, when `columns` is given, against the declared columns: the
 * queried column must be declared (numeric, except for count), each `by` column categorical,
 * explicit edges inside the column's bounds, and the layout not too large.
 */
export function parseQuery(input: unknown, columns?: AnalyticsColumns): AnalyticsQuery {
  const query = parseOrThrow(QuerySchema, input, 'query');
  if (columns !== undefined) checkAgainst(query, columns);
  return query;
}

function checkAgainst(query: AnalyticsQuery, columns: AnalyticsColumns): void {
  if (query.stat === 'count') declared(columns, query.column, 'query column');
  else {
    const column = numericColumn(columns, query.column, 'query column');
    if ((query.stat === 'histogram' || query.stat === 'quantile') && query.edges) {
      const first = query.edges[0]!;
      const last = query.edges[query.edges.length - 1]!;
      if (first < column.min || last > column.max) {
        throw new AnalyticsError(
          `query: edges [${first}, ${last}] must lie inside the declared bounds of '${query.column}' [${column.min}, ${column.max}]`,
        );
      }
    }
  }
  let groups = 1;
  for (const b of query.by ?? [])
    groups *= categoricalColumn(columns, b, 'query by column').categories.length;
  if (groups > MAX_GROUPS) {
    throw new AnalyticsError(
      `query: by [${(query.by ?? []).join(', ')}] makes ${groups} groups, more than ${MAX_GROUPS}`,
    );
  }
}
