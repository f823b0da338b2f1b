import { join } from 'node:path';
import type { MemberClient } from '../../node/index.js';
import { openHubLog } from '../log-hub.js';
import { monitorLog } from '../log-monitor.js';

/** What the demo says about its collaboration's transparency log. */
export interface DemoLedger {
  origin: string;
  /** Entries in the published (quorum-cosigned) checkpoint. */
  size: number;
  /** The cosigned checkpoint note, as served at /log/<collab>/checkpoint. */
  checkpoint: string;
  /** Witnesses (by member name) whose cosignatures verified, with their jurisdictions. */
  cosigners: { name: string; jurisdiction: string }[];
  /** How many entries of each type the log holds. */
  entries: Record<string, number>;
  /** The monitor's full audit over HTTP: every entry replayed, every tile compared. */
  audit: { entries: number; tilesCompared: number };
  url: string;
}

/**
 * Waits until the whole story is cosigned, then audits the log as an outside monitor would:
 * from its public tiles alone, against the witness policy.
 */
export async function demoLedger(
  client: MemberClient,
  collab: string,
  jurisdictionOf: (name: string) => string,
  workdir: string,
): Promise<DemoLedger> {
  await client.ledgerPublished(collab);
  const url = client.logUrl(collab);
  const log = await openHubLog({ url });
  const report = await monitorLog(log, join(workdir, 'monitor', `${collab}.json`));
  return {
    origin: report.origin,
    size: report.checkpoint.size,
    checkpoint: report.note,
    cosigners: report.cosigners.map((name) => ({ name, jurisdiction: jurisdictionOf(name) })),
    entries: report.types,
    audit: { entries: report.entries, tilesCompared: report.tilesCompared },
    url,
  };
}

export function formatDemoLedger(l: DemoLedger): string {
  const jurisdictions = [...new Set(l.cosigners.map((c) => c.jurisdiction))].sort();
  const types = Object.entries(l.entries)
    .map(([type, n]) => `${type} ${n}`)
    .join(', ');
  return [
    '',
    `Transparency log ${l.origin}: ${l.size} entries (${types})`,
    `  cosigned by ${l.cosigners.map((c) => `${c.name} (${c.jurisdiction})`).join(', ')}: every member jurisdiction (${jurisdictions.join(', ')})`,
    `  audited from its public tiles: ${l.audit.entries} entries replayed, ${l.audit.tilesCompared} tiles compared, root matches`,
    '',
    ...l.checkpoint
      .trimEnd()
      .split('\n')
      .map((line) => `    ${line}`),
  ].join('\n');
}
