/** An answer as rows of text for a CLI: one row per group, suppressed groups saying why. */
import type { GroupAnswer } from './answer.js';
import type { Layout } from './layout.js';
import type { AnalyticsQuery } from './query.js';

export interface AnswerTable {
  title: string;
  columns: string[];
  rows: string[][];
  notes: string[];
}

export function answerTable(
  query: AnalyticsQuery,
  unit: string | null,
  layout: Layout,
  groups: readonly GroupAnswer[],
  notes: readonly string[],
): AnswerTable {
  const by = layout.by.length > 0 ? ` by ${layout.by.join(' × ')}` : '';
  const title = `${query.stat} of ${query.column}${unit ? ` (${unit})` : ''}${by}`;
  const noisy = groups.some((g) => g.noiseStd !== null);
  const valueColumns = statColumns(query, layout, noisy);
  const columns = [
    ...(layout.by.length > 0 ? layout.by : ['group']),
    'count',
    ...valueColumns,
    'note',
  ];
  const rows = groups.map((g) => {
    const keys = layout.by.length > 0 ? layout.by.map((b) => g.group[b] ?? '') : [g.label];
    if (g.suppressed !== null)
      return [...keys, '—', ...valueColumns.map(() => '—'), `suppressed: ${g.suppressed}`];
    return [...keys, formatCount(g.count), ...statCells(query, g, noisy), ''];
  });
  return { title, columns, rows, notes: [...notes] };
}

function statColumns(query: AnalyticsQuery, layout: Layout, noisy: boolean): string[] {
  const sd = noisy ? ['± noise sd'] : [];
  switch (query.stat) {
    case 'count':
      return sd;
    case 'sum':
    case 'mean':
      return [query.stat, ...sd];
    case 'variance':
      return ['variance', 'std dev'];
    case 'histogram':
      return layout.edges
        .slice(1)
        .map((e, i) => binLabel(layout.edges[i]!, e, i === layout.edges.length - 2));
    case 'quantile':
      return query.quantiles.map((q) => `q${q}`);
  }
}

function statCells(query: AnalyticsQuery, g: GroupAnswer, noisy: boolean): string[] {
  const sd = noisy ? [g.noiseStd === null ? '' : formatValue(g.noiseStd)] : [];
  switch (query.stat) {
    case 'count':
      return sd;
    case 'sum':
    case 'mean':
      return [formatValue(g.value), ...sd];
    case 'variance':
      return [formatValue(g.value), formatValue(g.value === null ? null : Math.sqrt(g.value))];
    case 'histogram':
      return (g.histogram?.counts ?? []).map(formatCount);
    case 'quantile':
      return (g.quantiles ?? []).map((q) => formatValue(q.value));
  }
}

function binLabel(low: number, high: number, last: boolean): string {
  return `[${low}, ${high}${last ? ']' : ')'}`;
}

function formatCount(x: number | null): string {
  return x === null ? '—' : String(Math.round(x));
}

function formatValue(x: number | null): string {
  if (x === null) return '—';
  return x.toFixed(Math.abs(x) >= 100 ? 1 : Math.abs(x) >= 1 ? 2 : 3);
}

/** The table as aligned text: title, header, rows, then the notes. */
export function renderTable(table: AnswerTable): string {
  const all = [table.columns, ...table.rows];
  const widths = table.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return (
    [table.title, '', line(table.columns), ...table.rows.map(line), '', ...table.notes].join('\n') +
    '\n'
  );
}
