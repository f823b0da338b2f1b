import type { DecodedEntry } from '../ledger/entry-summary.js';

// ε released on each dataset over time, from the log: each answered query's ε and each DP
// training job's ε so far (its latest round). Added up, which is basic composition: an upper
// bound on what the sites' accountants charge (they compose releases more tightly, by RDP).

export interface SpendPoint {
  at: number;
  epsilon: number;
  /** What released it: "query q-…" or "job j-…, round 3". */
  what: string;
}

export interface DatasetSpend {
  /** "collab / dataset". */
  dataset: string;
  points: SpendPoint[];
}

export function spendOverTime(collab: string, entries: readonly DecodedEntry[]): DatasetSpend[] {
  const datasetOf = new Map<string, string>();
  const byDataset = new Map<
    string,
    { queries: number; jobs: Map<string, number>; points: SpendPoint[] }
  >();
  const release = (
    dataset: string,
    at: number,
    what: string,
    add: (d: { queries: number; jobs: Map<string, number> }) => void,
  ) => {
    const d = byDataset.get(dataset) ?? { queries: 0, jobs: new Map<string, number>(), points: [] };
    add(d);
    const epsilon = d.queries + [...d.jobs.values()].reduce((a, b) => a + b, 0);
    d.points.push({ at, epsilon, what });
    byDataset.set(dataset, d);
  };
  for (const e of entries) {
    const v = e.value;
    const at = typeof v['at'] === 'number' ? v['at'] : 0;
    if (e.type === 'job.proposed' || e.type === 'query.proposed') {
      const spec = (v['spec'] ?? {}) as Record<string, unknown>;
      const dataset = e.type === 'job.proposed' ? spec['dataset'] : v['dataset'];
      const id = e.type === 'job.proposed' ? v['job'] : v['query'];
      if (typeof dataset === 'string' && typeof id === 'string') datasetOf.set(id, dataset);
    } else if (e.type === 'round.closed') {
      const spent = v['privacySpent'] as { epsilon?: unknown } | null | undefined;
      const job = String(v['job']);
      const dataset = datasetOf.get(job);
      if (dataset === undefined || typeof spent?.epsilon !== 'number') continue;
      const epsilon = spent.epsilon;
      release(dataset, at, `job ${job}, round ${String(v['round'])}`, (d) =>
        d.jobs.set(job, epsilon),
      );
    } else if (e.type === 'query.finished') {
      const privacy = v['privacy'] as { epsilon?: unknown } | null | undefined;
      const query = String(v['query']);
      const dataset = datasetOf.get(query);
      if (dataset === undefined || typeof privacy?.epsilon !== 'number') continue;
      const epsilon = privacy.epsilon;
      release(dataset, at, `query ${query}`, (d) => (d.queries += epsilon));
    }
  }
  return [...byDataset].map(([dataset, d]) => ({
    dataset: `${collab} / ${dataset}`,
    points: d.points,
  }));
}
