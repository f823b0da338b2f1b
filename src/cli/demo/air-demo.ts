import type { ReferenceAnswer } from '../../analytics/index.js';
import type { LocalNetwork, MemberClient, PartySpec } from '../../node/index.js';
import { airReferences, runAirQueries, type DemoAnalytics } from './air-analytics.js';
import { AIR_BUDGET, AIR_TABLE, airColumns } from './air-network.js';
import { demoLedger } from './demo-ledger.js';
import { siteBudgetSpend, type DatasetSpend } from './demo-privacy.js';

/**
 * The environmental-protection collaboration's part of the demo: the two queries through the
 * member API, each beside the exact reference, then what every station's budget has paid and
 * the collaboration's log, audited as for the hospitals.
 */
export async function runAirAnalytics(
  net: LocalNetwork,
  client: MemberClient,
  say: (line: string) => void,
  /** Where the log monitor keeps its state. */
  workdir: string,
  /** The exact answers, in AIR_QUERIES' order (default: computed here, from the raw files). */
  references: Promise<ReferenceAnswer[]> = airReferences(airColumns()),
): Promise<{ analytics: DemoAnalytics; spend: DatasetSpend }> {
  const { spec } = net;
  const collab = spec.collab.id;
  // Before the first request: computed here, the reference holds this process for seconds.
  const exact = await references;
  const { level } = await client.trustState(collab);
  say(
    `  ${collab}: ${spec.sites.length} monitoring stations (${spec.collab.domain}), trust level ${level}: analytics with DP only`,
  );
  const queries = await runAirQueries(client, collab, exact, say);
  const spend = await siteBudgetSpend(
    collab,
    AIR_TABLE,
    AIR_BUDGET,
    spec.sites.map((s) => ({ site: s.name, dir: net.dir(s.name) })),
  );
  const jurisdiction = new Map(
    [spec.hub, ...spec.sites].map((n) => [n.name, n.jurisdiction] as const),
  );
  say(`  ${collab}: waiting for the stations' witnesses to cosign the log, then auditing it`);
  const ledger = await demoLedger(client, collab, (n) => jurisdiction.get(n) ?? '?', workdir);
  const party = ({ name, institution, jurisdiction }: PartySpec): PartySpec => ({
    name,
    institution,
    jurisdiction,
  });
  return {
    analytics: {
      collab,
      domain: spec.collab.domain,
      trustLevel: level,
      hub: party(spec.hub),
      stations: spec.sites.map(party),
      members: (spec.members ?? []).map(party),
      table: { id: AIR_TABLE, format: 'prsa-air-quality', budget: { ...AIR_BUDGET } },
      queries,
      ledger,
    },
    spend,
  };
}
