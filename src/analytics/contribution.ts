/**
 * A site's contribution to a query: its vector in the query's layout (layout.ts), computed from
 * its own rows. A row missing the queried column or any `by` column is left out of this query
 * only. Numeric values are clamped to the declared bounds before they count, which is what makes
 * the sensitivity known whatever the data holds.
 */
import { categoricalColumn, declared, type AnalyticsColumns } from './columns.js';
import { AnalyticsError } from './errors.js';
import { binOf, layoutOf } from './layout.js';
import { parseQuery, type AnalyticsQuery } from './query.js';
import { categoryAt, numberAt, type AnalyticsRow } from './row.js';

export function localContribution(
  rows: readonly AnalyticsRow[],
  query: AnalyticsQuery,
  columns: AnalyticsColumns,
): Float64Array {
  const checked = parseQuery(query, columns);
  const layout = layoutOf(checked, columns);
  const width = layout.components.length;
  const vector = new Float64Array(layout.length);
  const groupOf = groupIndexer(checked.by ?? [], columns);
  const value = valueReader(checked, columns);
  const { scale, edges } = layout;
  rows.forEach((row, index) => {
    const group = groupOf(row, index);
    if (group === null) return;
    const x = value(row, index);
    if (x === null) return;
    const at = group * width;
    if (edges.length > 0) {
      const bin = at + binOf(x, edges);
      vector[bin] = vector[bin]! + 1;
      return;
    }
    vector[at] = vector[at]! + 1;
    if (scale === null) return;
    const y = (x - scale.mid) / scale.half;
    vector[at + 1] = vector[at + 1]! + y;
    if (width === 3) vector[at + 2] = vector[at + 2]! + y * y;
  });
  return vector;
}

/** The group of a row, or null when a `by` value is missing; an undeclared category is an error. */
function groupIndexer(by: readonly string[], columns: AnalyticsColumns) {
  const lookups = by.map((b) => {
    const { categories } = categoricalColumn(columns, b, 'query by column');
    return { column: b, categories, index: new Map(categories.map((c, i) => [c, i])) };
  });
  return (row: AnalyticsRow, rowIndex: number): number | null => {
    let group = 0;
    for (const { column, categories, index } of lookups) {
      const category = categoryAt(row, column, rowIndex);
      if (category === null) return null;
      const i = index.get(category);
      if (i === undefined) {
        throw new AnalyticsError(
          `row ${rowIndex}: column '${column}' has '${category}', not one of its declared categories (${categories.join(', ')})`,
        );
      }
      group = group * categories.length + i;
    }
    return group;
  };
}

/** The queried value of a row, clamped to its bounds, or null when missing; count reads 0. */
function valueReader(query: AnalyticsQuery, columns: AnalyticsColumns) {
  const column = declared(columns, query.column, 'query column');
  if (column.kind === 'categorical') {
    const known = new Set(column.categories);
    return (row: AnalyticsRow, index: number): number | null => {
      const category = categoryAt(row, query.column, index);
      if (category === null) return null;
      if (!known.has(category)) {
        throw new AnalyticsError(
          `row ${index}: column '${query.column}' has '${category}', not one of its declared categories`,
        );
      }
      return 0;
    };
  }
  const { min, max } = column;
  return (row: AnalyticsRow, index: number): number | null => {
    const x = numberAt(row, query.column, index);
    return x === null ? null : Math.min(max, Math.max(min, x));
  };
}
