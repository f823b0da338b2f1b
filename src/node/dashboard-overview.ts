import { listCollaborations, listJobs, listMembers } from '../federation/index.js';
import type { Db } from '../store/index.js';

/** What the dashboard shows of one collaboration: who is in it, how far trust goes, its jobs. */
export interface CollaborationOverview {
  id: string;
  domain: string;
  title: string;
  /** 1 analytics, 2 training, 3 release; null where the hub keeps no trust record yet. */
  trustLevel: number | null;
  members: {
    name: string;
    institution: string;
    jurisdiction: string;
    roles: string[];
    keyId: string;
  }[];
  jobs: {
    id: string;
    status: string;
    phase: string;
    rounds: number;
    strategy: string;
    createdAt: number;
    updatedAt: number;
  }[];
}

export interface HubOverview {
  node: string;
  keyId: string;
  collaborations: CollaborationOverview[];
}

/** A read-only summary of everything this hub coordinates; names and metadata, never rows. */
export async function hubOverview(
  db: Db,
  node: { name: string; keyId: string },
): Promise<HubOverview> {
  const jobs = await listJobs(db);
  const collaborations: CollaborationOverview[] = [];
  for (const collab of await listCollaborations(db)) {
    const members = await listMembers(db, collab.id);
    collaborations.push({
      id: collab.id,
      domain: collab.domain,
      title: collab.title,
      trustLevel: await trustLevel(db, collab.id),
      members: members.map(({ name, institution, jurisdiction, roles, keyId }) => ({
        name,
        institution,
        jurisdiction,
        roles,
        keyId,
      })),
      jobs: jobs
        .filter((j) => j.collabId === collab.id)
        .map((j) => ({
          id: j.id,
          status: j.status,
          phase: j.phase,
          rounds: j.spec.rounds,
          strategy: j.spec.strategy.name,
          createdAt: j.createdAt,
          updatedAt: j.updatedAt,
        })),
    });
  }
  return { node: node.name, keyId: node.keyId, collaborations };
}

/**
 * Changes whenever the overview would: collaborations, members, jobs (each status or phase
 * change updates a job's updated_at) and trust levels. Cheap, for the dashboard's live stream.
 */
export async function overviewFingerprint(db: Db): Promise<string> {
  const [row] = await db.query(
    `select (select count(*) from collaborations)::int as collabs,
       (select count(*) from members)::int as members,
       (select count(*) from jobs)::int as jobs,
       (select max(updated_at)::text from jobs) as updated`,
  );
  const trust = (await trustTable(db))
    ? await db.query(`select collab_id, revision from collab_trust order by collab_id`)
    : [];
  return JSON.stringify([row, trust]);
}

/**
 * The job the Training page opens on: the running one, else the newest. The hub reads its
 * summary as soon as the overview goes out, so that it is ready when the page asks.
 */
export function jobInView(overview: HubOverview): string | undefined {
  const jobs = overview.collaborations
    .flatMap((c) => c.jobs)
    .sort((a, b) => b.createdAt - a.createdAt);
  return (jobs.find((j) => j.status === 'running') ?? jobs[0])?.id;
}

async function trustTable(db: Db): Promise<boolean> {
  const [table] = await db.query<{ present: boolean }>(
    `select to_regclass('collab_trust') is not null as present`,
  );
  return table?.present === true;
}

/** The stored trust level, if any: hubs from before trust levels have no such table. */
async function trustLevel(db: Db, collab: string): Promise<number | null> {
  if (!(await trustTable(db))) return null;
  const rows = await db.query<{ state: { level?: unknown } }>(
    'select state from collab_trust where collab_id = $1',
    [collab],
  );
  const level = rows[0]?.state.level;
  return typeof level === 'number' ? level : null;
}
