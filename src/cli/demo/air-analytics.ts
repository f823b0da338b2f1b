import { exactReference, loadAirQualityStation } from '../../analytics/index.js';
import type {
  AnalyticsAnswer,
  AnalyticsColumns,
  AnalyticsRow,
  ReferenceAnswer,
} from '../../analytics/index.js';
import type { PartySpec } from '../../node/index.js';
import { AIR_STATIONS, AIR_TABLE, stationFile } from './air-network.js';
import type { DemoLedger } from './demo-ledger.js';
import type { QueryView } from '../../federation/index.js';

/** The demo's two analytics queries, each at ε = 1, δ = 1e-5 (trust level 1 needs DP). */
export const AIR_QUERIES = [
  {
    name: 'mean PM2.5 by station and year',
    query: { stat: 'mean', column: 'PM2.5', by: ['station', 'year'], epsilon: 1, delta: 1e-5 },
  },
  {
    name: 'mean PM2.5 by season',
    query: { stat: 'mean', column: 'PM2.5', by: ['season'], epsilon: 1, delta: 1e-5 },
  },
] as const;

export const REFERENCE_NOTE = 'reference only (computed from the raw files in the demo process)';

/** What the demo reads of a query's outcome: the member API's view of it. */
export type QueryOutcome = QueryView;

/** The member API's query call (MemberClient.runQuery). */
export interface QueryRunner {
  runQuery(
    collab: string,
    body: { dataset: string; query: unknown; minimumSurvivors?: number },
    onProgress?: (line: string) => void,
  ): Promise<QueryOutcome>;
}

/** The demo's second collaboration, as its JSON carries it. */
export interface DemoAnalytics {
  collab: string;
  domain: string;
  /** Stays at 1: analytics with DP only, no training. */
  trustLevel: number;
  hub: PartySpec;
  stations: PartySpec[];
  /** Members without a station (never started). */
  members: PartySpec[];
  table: { id: string; format: string; budget: { epsilon: number; delta: number } };
  queries: DemoQuery[];
  /** The collaboration's transparency log: each query asked and answered is an entry. */
  ledger: DemoLedger;
}

export interface GroupComparison {
  group: string;
  /** Why the federation withheld the group (small cell), or null. */
  suppressed: string | null;
  /** Records in the group: noisy as published, and exact. */
  count: number | null;
  exactCount: number;
  federated: number | null;
  noiseStd: number | null;
  exact: number | null;
  /** federated − exact. */
  difference: number | null;
}

export interface DemoQuery {
  name: string;
  query: (typeof AIR_QUERIES)[number]['query'];
  id: string;
  survivors: string[];
  dropped: string[];
  /** What the release spent, as the hub reports it. */
  epsilon: number | null;
  delta: number | null;
  entry: number | null;
  ms: number;
  /** The published answer (its printable table left out). */
  answer: Omit<AnalyticsAnswer, 'table'>;
  reference: { note: string; label: string; clamped: number };
  groups: GroupComparison[];
  /** Largest |federated − exact| over the published groups, and where. */
  maxAbsDifference: { group: string; difference: number; noiseStd: number | null } | null;
  /** Published groups whose difference is within two noise standard deviations. */
  withinTwoStd: number;
}

/**
 * The exact answer to each of the demo's queries (in AIR_QUERIES' order) from every station's
 * raw rows: the reference the report compares with, computed outside the federation.
 */
export async function airReferences(
  columns: AnalyticsColumns,
  rows?: readonly (readonly AnalyticsRow[])[],
): Promise<ReferenceAnswer[]> {
  const stations =
    rows ??
    (await Promise.all(AIR_STATIONS.map((s) => loadAirQualityStation(stationFile(s))))).map(
      (s) => s.rows,
    );
  return AIR_QUERIES.map(({ query }) => exactReference(stations, query, columns));
}

export function compareWithReference(
  answer: AnalyticsAnswer,
  reference: ReferenceAnswer,
): GroupComparison[] {
  const exact = new Map(reference.groups.map((g) => [g.label, g]));
  return answer.groups.map((g) => {
    const ref = exact.get(g.label);
    if (!ref) throw new Error(`the reference has no group ${g.label}`);
    const published = g.suppressed === null ? g.value : null;
    return {
      group: g.label,
      suppressed: g.suppressed,
      count: g.count,
      exactCount: ref.count ?? 0,
      federated: published,
      noiseStd: g.noiseStd,
      exact: ref.value,
      difference: published !== null && ref.value !== null ? published - ref.value : null,
    };
  });
}

export function demoQuery(
  name: string,
  query: DemoQuery['query'],
  outcome: QueryOutcome,
  reference: ReferenceAnswer,
  ms: number,
): DemoQuery {
  if (outcome.status !== 'answered' || !outcome.answer) {
    throw new Error(`query '${name}' ${outcome.status}: ${outcome.error ?? 'no answer'}`);
  }
  const { table: _table, ...answer } = outcome.answer;
  const groups = compareWithReference(outcome.answer, reference);
  let worst: DemoQuery['maxAbsDifference'] = null;
  let withinTwoStd = 0;
  for (const g of groups) {
    if (g.difference === null) continue;
    if (!worst || Math.abs(g.difference) > Math.abs(worst.difference))
      worst = { group: g.group, difference: g.difference, noiseStd: g.noiseStd };
    if (g.noiseStd !== null && Math.abs(g.difference) <= 2 * g.noiseStd) withinTwoStd++;
  }
  return {
    name,
    query,
    id: outcome.id,
    survivors: outcome.survivors,
    dropped: outcome.dropped,
    epsilon: outcome.epsilon,
    delta: outcome.delta,
    entry: outcome.entry ?? null,
    ms,
    answer,
    reference: { note: REFERENCE_NOTE, label: reference.label, clamped: reference.clamped },
    groups,
    maxAbsDifference: worst,
    withinTwoStd,
  };
}

/**
 * Runs the demo's queries one after the other through the member API and sets each answer
 * beside the exact reference (`references`, in AIR_QUERIES' order).
 */
export async function runAirQueries(
  runner: QueryRunner,
  collab: string,
  references: readonly ReferenceAnswer[],
  say: (line: string) => void,
): Promise<DemoQuery[]> {
  const results: DemoQuery[] = [];
  for (const [i, { name, query }] of AIR_QUERIES.entries()) {
    say(`  query: ${name} (ε = ${query.epsilon}, δ = ${query.delta.toExponential()})`);
    const started = performance.now();
    const outcome = await runner.runQuery(collab, { dataset: AIR_TABLE, query }, (line) =>
      say(`    ${line}`),
    );
    const ms = performance.now() - started;
    const reference = references[i];
    if (!reference) throw new Error(`no reference for query '${name}'`);
    results.push(demoQuery(name, query, outcome, reference, ms));
  }
  return results;
}
