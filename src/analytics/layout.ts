/**
 * The vector a query makes every site contribute, and its sensitivity.
 *
 * Groups are the cartesian product of the `by` columns' declared categories, first column
 * outermost (a single group without `by`). Each group holds the same components, group-major:
 *
 *   count            [n]                 one record adds 1
 *   sum, mean        [n, Σy]             y = (clamp(x) − mid) / half ∈ [−1, 1]
 *   variance         [n, Σy, Σy²]        y² ∈ [0, 1]
 *   histogram,       [b₁ … b_B]          one record adds 1 to one bin; n = Σb
 *   quantile
 *
 * where mid and half are the centre and half-width of the column's declared bounds. Every
 * component moves by at most 1 when one record is added or removed, and a record touches one
 * group only, so the L2 sensitivity is √(components a record touches): 1, √2, √3 and 1.
 * Centring makes the sum's noise smaller than scaling x by max|bound| would, at the same
 * sensitivity.
 */
import { categoricalColumn, numericColumn, type AnalyticsColumns } from './columns.js';
import type { AnalyticsQuery } from './query.js';

export interface Layout {
  /** The `by` columns, in query order. */
  by: string[];
  /** Each group's category per `by` column; one empty group without `by`. */
  groups: string[][];
  /** The names of the values each group holds, in order. */
  components: string[];
  /** Bin edges of histogram and quantile queries; [] otherwise. */
  edges: number[];
  /** groups × components. */
  length: number;
  /** L2 norm of the largest change one added or removed record makes to the vector. */
  sensitivity: number;
  /** Centre and half-width of the queried column's bounds (y = (x − mid)/half); null for count. */
  scale: { mid: number; half: number } | null;
}

const MOMENTS = {
  count: ['count'],
  sum: ['count', 'sum'],
  mean: ['count', 'sum'],
  variance: ['count', 'sum', 'sumOfSquares'],
};

export function layoutOf(query: AnalyticsQuery, columns: AnalyticsColumns): Layout {
  const by = query.by ?? [];
  let groups: string[][] = [[]];
  for (const b of by) {
    const { categories } = categoricalColumn(columns, b, 'query by column');
    groups = groups.flatMap((g) => categories.map((c) => [...g, c]));
  }
  let edges: number[] = [];
  let components: string[];
  if (query.stat === 'histogram' || query.stat === 'quantile') {
    edges = binEdges(query, columns);
    components = edges.slice(1).map((_, i) => `bin ${i + 1}`);
  } else {
    components = MOMENTS[query.stat];
  }
  const binned = edges.length > 0;
  const scale =
    query.stat === 'count' ? null : scaleOf(numericColumn(columns, query.column, 'query column'));
  return {
    by,
    groups,
    components,
    edges,
    length: groups.length * components.length,
    sensitivity: binned ? 1 : Math.sqrt(components.length),
    scale,
  };
}

function scaleOf(column: { min: number; max: number }) {
  return { mid: (column.min + column.max) / 2, half: (column.max - column.min) / 2 };
}

type BinnedQuery = Extract<AnalyticsQuery, { stat: 'histogram' | 'quantile' }>;

function binEdges(query: BinnedQuery, columns: AnalyticsColumns): number[] {
  if (query.edges) return [...query.edges];
  const { min, max } = numericColumn(columns, query.column, 'query column');
  const bins = query.bins ?? 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => min + ((max - min) * i) / bins);
  edges[bins] = max; // exact, whatever the rounding above
  return edges;
}

/**
 * The bin of `x`: bins are [e_i, e_{i+1}), the last one closed; values below the first edge or
 * above the last fall into the first or last bin.
 */
export function binOf(x: number, edges: readonly number[]): number {
  const last = edges.length - 2;
  if (x < edges[1]!) return 0;
  if (x >= edges[last]!) return last;
  let low = 1; // edges[low] <= x
  let high = last; // x < edges[high]
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (x >= edges[mid]!) low = mid;
    else high = mid;
  }
  return low;
}

/** The human label of a group: its categories joined, or 'all' without `by`. */
export function groupLabel(group: readonly string[]): string {
  return group.length === 0 ? 'all' : group.join(' · ');
}
