import {
  decodeAnswer,
  planQuery,
  siteContribution,
  type AnalyticsColumns,
  type AnalyticsRow,
} from '../../../src/analytics/index.js';
import type { QueryOutcome, QueryRunner } from '../../../src/cli/demo/air-analytics.js';

/**
 * The member API's query call played in one process: every station's noisy contribution
 * (siteContribution, the sites' own code), summed in float64 where the network would use
 * SecAgg+, decoded as the hub does. Lets the demo's report be tested on real answers without
 * starting nodes.
 */
export function inProcessRunner(
  stations: { name: string; rows: readonly AnalyticsRow[] }[],
  columns: AnalyticsColumns,
): QueryRunner {
  let next = 0;
  return {
    runQuery(collab, body): Promise<QueryOutcome> {
      const plan = planQuery({
        query: body.query,
        columns,
        policy: { minimumCohort: 10, differentialPrivacy: true },
        sites: stations.length,
        maxRecordsPerSite: 40_000,
      });
      const sum = new Float64Array(plan.vectorLength);
      for (const s of stations) {
        siteContribution(s.rows, plan, columns).forEach((v, i) => (sum[i] = sum[i]! + v));
      }
      const answer = decodeAnswer(sum, plan, { survivors: stations.length });
      return Promise.resolve({
        id: `${collab}-query-${++next}`,
        collab,
        dataset: body.dataset,
        status: 'answered',
        answer,
        survivors: stations.map((s) => s.name),
        dropped: [],
        epsilon: answer.privacy?.epsilon ?? null,
        delta: answer.privacy?.delta ?? null,
      });
    },
  };
}
