import {
  decodeEntry,
  listCollaborations,
  listJobs,
  listMembers,
  type LedgerEntry,
  type Recorder,
} from '../federation/index.js';
import { packHash, readPolicyDir } from '../policy/index.js';
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

async function hasTable(db: Db, name: string): Promise<boolean> {
  const [table] = await db.query<{ present: boolean }>(
    `select to_regclass($1) is not null as present`,
    [name],
  );
  return table?.present === true;
}

const trustTable = (db: Db) => hasTable(db, 'collab_trust');

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

/** The metadata of one version of a pack, by its hash (what `/policy/packs` names). */
export interface PackVersionMeta {
  pack: string;
  hash: string;
  /** The hub's own version (its policies/ folder), else one voted in by the members. */
  shipped: boolean;
  /** When the members' vote put this version in force here (ms), for a voted version. */
  since: number | null;
  /** The pack's .meta.json: title, scope, disclaimer, sources, each policy's dates. */
  meta: unknown;
}

/** A `policy.changed` entry of the collaboration's log, with its index. */
export interface LoggedPackChange {
  index: number;
  proposal: string;
  pack: string;
  fromHash: string | null;
  toHash: string;
  version: string;
  at: number;
}

/** GET /v1/collabs/:collab/policy/versions: what the Collaborations page adds to `/policy/packs`. */
export interface PackVersionsView {
  collab: string;
  versions: PackVersionMeta[];
  changes: LoggedPackChange[];
}

let shipped: PackVersionMeta[] | undefined;

/** The hub's own packs (the repository's policies/, as `converge node start` loads them). */
function shippedVersions(): PackVersionMeta[] {
  if (!shipped) {
    try {
      shipped = readPolicyDir().packs.map((source) => ({
        pack: source.name,
        hash: packHash(source),
        shipped: true,
        since: null,
        meta: source.meta,
      }));
    } catch {
      shipped = []; // no policies/ folder beside this build: only voted versions are known
    }
  }
  return shipped;
}

/** The hub's own versions and those the collaboration's members voted into force. */
export async function packVersions(db: Db, collab: string): Promise<PackVersionMeta[]> {
  const voted = (await hasTable(db, 'policy_in_force'))
    ? await db.query<{ pack: string; hash: string; since: string | number; source: string }>(
        `select f.pack, f.hash, f.since, p.source from policy_in_force f
           join policy_packs p on p.collab_id = f.collab_id and p.hash = f.hash
         where f.collab_id = $1 order by f.pack`,
        [collab],
      )
    : [];
  return [
    ...shippedVersions(),
    ...voted.map((r) => ({
      pack: r.pack,
      hash: r.hash,
      shipped: false,
      since: Number(r.since),
      meta: (JSON.parse(r.source) as { meta?: unknown }).meta ?? null,
    })),
  ];
}

/** A log's `policy.changed` entries; each log is read once, then only what was appended. */
export class LoggedPackChanges {
  readonly #seen = new Map<string, Promise<{ size: number; found: LoggedPackChange[] }>>();

  constructor(private readonly recorder: Recorder) {}

  async list(collab: string): Promise<LoggedPackChange[]> {
    const previous = this.#seen.get(collab) ?? Promise.resolve({ size: 0, found: [] });
    const next = previous
      .catch(() => ({ size: 0, found: [] as LoggedPackChange[] }))
      .then(async ({ size, found }) => {
        const log = await this.recorder.log(collab);
        const end = log.size;
        const more: LoggedPackChange[] = [];
        for (let index = size; index < end; index++) {
          const entry: LedgerEntry = decodeEntry(await log.entry(index));
          if (entry.type !== 'policy.changed') continue;
          const { proposal, pack, fromHash, toHash, version, at } = entry;
          more.push({ index, proposal, pack, fromHash, toHash, version, at });
        }
        return { size: end, found: [...found, ...more] };
      });
    this.#seen.set(collab, next);
    return (await next).found;
  }
}
