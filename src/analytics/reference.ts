/**
 * EXACT REFERENCE, for reports and tests only: the same statistics computed from the pooled raw
 * rows of every site in one process, which a real collaboration never does. Values are not
 * clamped (it is the truth the federated answer estimates); `clamped` counts the values outside
 * the declared bounds, where the two may differ. Quantiles are exact order statistics, the
 * ⌈q·N⌉-th smallest value; the variance is the sample variance (n − 1).
 */
import { loadAirQualityStation } from './air-quality.js';
import type { GroupAnswer } from './answer.js';
import type { AnalyticsColumns } from './columns.js';
import { binOf, groupLabel, layoutOf } from './layout.js';
import { parseQuery } from './query.js';
import { categoryAt, numberAt, type AnalyticsRow } from './row.js';
import { answerTable, type AnswerTable } from './table.js';

export const REFERENCE_LABEL = 'exact reference: pooled raw rows, computed outside the federation';

export interface ReferenceAnswer {
  label: typeof REFERENCE_LABEL;
  groups: GroupAnswer[];
  /** Values outside the column's declared bounds, which the federated answer clamps. */
  clamped: number;
  table: AnswerTable;
}

export function exactReference(
  sites: readonly (readonly AnalyticsRow[])[],
  queryInput: unknown,
  columns: AnalyticsColumns,
): ReferenceAnswer {
  const query = parseQuery(queryInput, columns);
  const layout = layoutOf(query, columns);
  const column = columns[query.column]!;
  const by = query.by ?? [];
  const values = layout.groups.map((): number[] => []);
  const index = new Map(layout.groups.map((g, i) => [JSON.stringify(g), i]));
  let clamped = 0;
  for (const rows of sites) {
    rows.forEach((row, r) => {
      const key = by.map((b) => categoryAt(row, b, r));
      if (key.includes(null)) return;
      const group = index.get(JSON.stringify(key));
      if (group === undefined) return; // an undeclared category; localContribution refuses it
      let x: number | null;
      if (column.kind === 'numeric') {
        x = numberAt(row, query.column, r);
        if (x !== null && (x < column.min || x > column.max)) clamped++;
      } else {
        x = categoryAt(row, query.column, r) === null ? null : 0;
      }
      if (x !== null) values[group]!.push(x);
    });
  }
  const groups = layout.groups.map((g, i) => exactGroup(query, layout.edges, by, g, values[i]!));
  const unit = column.kind === 'numeric' ? (column.unit ?? null) : null;
  const table = answerTable(query, unit, layout, groups, [REFERENCE_LABEL]);
  table.title = `${table.title} — ${REFERENCE_LABEL}`;
  return { label: REFERENCE_LABEL, groups, clamped, table };
}

/** The exact reference straight from the station files. */
export async function exactReferenceFromFiles(
  paths: readonly string[],
  query: unknown,
  columns: AnalyticsColumns,
): Promise<ReferenceAnswer> {
  const stations = await Promise.all(paths.map(loadAirQualityStation));
  return exactReference(
    stations.map((s) => s.rows),
    query,
    columns,
  );
}

function exactGroup(
  query: ReturnType<typeof parseQuery>,
  edges: readonly number[],
  by: readonly string[],
  group: string[],
  xs: number[],
): GroupAnswer {
  const n = xs.length;
  let mean = 0;
  for (const x of xs) mean += x;
  const sum = mean;
  mean /= n;
  let squares = 0;
  for (const x of xs) squares += (x - mean) ** 2;
  const answer: GroupAnswer = {
    group: Object.fromEntries(by.map((b, i) => [b, group[i]!])),
    label: groupLabel(group),
    suppressed: null,
    count: n,
    value: null,
    noiseStd: null,
    histogram: null,
    quantiles: null,
  };
  switch (query.stat) {
    case 'count':
      return { ...answer, value: n };
    case 'sum':
      return { ...answer, value: sum };
    case 'mean':
      return { ...answer, value: n > 0 ? mean : null };
    case 'variance':
      return { ...answer, value: n > 1 ? squares / (n - 1) : null };
    case 'histogram':
    case 'quantile': {
      const counts = new Array<number>(edges.length - 1).fill(0);
      for (const x of xs) counts[binOf(x, edges)]! += 1;
      const sorted = query.stat === 'quantile' ? Float64Array.from(xs).sort() : null;
      const quantiles =
        query.stat === 'quantile'
          ? query.quantiles.map((q) => ({
              q,
              value: n > 0 ? sorted![Math.ceil(q * n) - 1]! : null,
            }))
          : null;
      return { ...answer, histogram: { edges: [...edges], counts }, quantiles };
    }
  }
}
