import type { GroupAnswer } from '../api-types.js';
import type { DecodedEntry } from '../ledger/entry-summary.js';
import { delta, figure } from './format.js';

// A collaboration's federated analytics queries as its log records them: `query.proposed`
// (who asked what, of which dataset) joined with `query.finished` (what was published, what
// it spent, or why it failed).

/** The query's request as logged (src/analytics/query.ts), read defensively. */
export interface QuerySpecView {
  stat: string;
  column: string;
  by: string[];
  epsilon: number | null;
  delta: number | null;
  bins: number | null;
  edges: number[] | null;
  quantiles: number[] | null;
}

export interface LoggedQuery {
  collab: string;
  id: string;
  dataset: string;
  spec: QuerySpecView;
  proposed: { index: number; at: number };
  /** Absent while the query runs (or if its end is not in the published log yet). */
  finished?: {
    index: number;
    at: number;
    status: 'answered' | 'failed';
    error: string | null;
    survivors: string[];
    dropped: string[];
    privacy: { epsilon: number; delta: number } | null;
    groups: GroupAnswer[];
  };
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const text = (v: unknown) => (typeof v === 'string' ? v : '');
const texts = (v: unknown) => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
const numbers = (v: unknown) =>
  Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : null;

export function querySpec(spec: unknown): QuerySpecView {
  const s = (spec ?? {}) as Record<string, unknown>;
  return {
    stat: text(s['stat']) || '?',
    column: text(s['column']) || '?',
    by: texts(s['by']),
    epsilon: num(s['epsilon']),
    delta: num(s['delta']),
    bins: num(s['bins']),
    edges: numbers(s['edges']),
    quantiles: numbers(s['quantiles']),
  };
}

/** "mean of PM2.5 by station × year", "quantiles 0.5, 0.9 of PM2.5 (7 edges)". */
export function describeQuery(spec: QuerySpecView): string {
  const binning =
    spec.bins !== null
      ? ` (${spec.bins} bins)`
      : spec.edges
        ? ` (edges ${spec.edges.map(figure).join(', ')})`
        : '';
  const what =
    spec.stat === 'quantile'
      ? `quantiles ${(spec.quantiles ?? []).map(figure).join(', ')} of ${spec.column}${binning}`
      : `${spec.stat} of ${spec.column}${spec.stat === 'histogram' ? binning : ''}`;
  return spec.by.length > 0 ? `${what} by ${spec.by.join(' × ')}` : what;
}

/** "ε 1, δ 1e-5 asked" or "no differential privacy asked". */
export function askedPrivacy(spec: QuerySpecView): string {
  return spec.epsilon === null
    ? 'no differential privacy asked'
    : `ε ${figure(spec.epsilon)}${spec.delta !== null ? `, δ ${delta(spec.delta)}` : ''} asked`;
}

function group(v: unknown): GroupAnswer | null {
  const g = (v ?? {}) as Record<string, unknown>;
  if (typeof g['label'] !== 'string') return null;
  const histogram = g['histogram'] as { edges?: unknown; counts?: unknown } | null | undefined;
  const quantiles = Array.isArray(g['quantiles'])
    ? (g['quantiles'] as Record<string, unknown>[]).map((q) => ({
        q: num(q['q']) ?? 0,
        value: num(q['value']),
      }))
    : null;
  return {
    group: (g['group'] ?? {}) as Record<string, string>,
    label: g['label'],
    suppressed: typeof g['suppressed'] === 'string' ? g['suppressed'] : null,
    count: num(g['count']),
    value: num(g['value']),
    noiseStd: num(g['noiseStd']),
    histogram: histogram
      ? { edges: numbers(histogram.edges) ?? [], counts: numbers(histogram.counts) ?? [] }
      : null,
    quantiles,
  };
}

/** The queries in one collaboration's log, in the order they were asked. */
export function loggedQueries(collab: string, entries: readonly DecodedEntry[]): LoggedQuery[] {
  const queries = new Map<string, LoggedQuery>();
  for (const e of entries) {
    const v = e.value;
    const id = text(v['query']);
    if (e.type === 'query.proposed') {
      queries.set(id, {
        collab,
        id,
        dataset: text(v['dataset']),
        spec: querySpec(v['spec']),
        proposed: { index: e.index, at: num(v['at']) ?? 0 },
      });
    } else if (e.type === 'query.finished') {
      const query = queries.get(id);
      if (!query) continue;
      const privacy = v['privacy'] as Record<string, unknown> | null | undefined;
      const epsilon = num(privacy?.['epsilon']);
      query.finished = {
        index: e.index,
        at: num(v['at']) ?? 0,
        status: v['status'] === 'answered' ? 'answered' : 'failed',
        error: typeof v['error'] === 'string' ? v['error'] : null,
        survivors: texts(v['survivors']),
        dropped: texts(v['dropped']),
        privacy: epsilon === null ? null : { epsilon, delta: num(privacy?.['delta']) ?? 0 },
        groups: Array.isArray(v['groups'])
          ? v['groups'].map(group).filter((g): g is GroupAnswer => g !== null)
          : [],
      };
    }
  }
  return [...queries.values()];
}
