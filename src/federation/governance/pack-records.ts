import type {
  PackChangeProposal,
  PackChangeSummary,
  PackSource,
  Signatures,
} from '../../policy/index.js';
import type { Db } from '../../store/index.js';

// A collaboration's policy packs in the hub's database: every version proposed (by hash, as
// proposed), the version of each pack its members voted into force, and the proposals with
// the signatures gathered for them.

export type ProposalStatus = 'open' | 'applied' | 'stale' | 'refused';

export interface StoredPackProposal {
  id: string;
  collab: string;
  proposal: PackChangeProposal;
  proposer: string;
  summary: PackChangeSummary;
  signatures: Signatures;
  status: ProposalStatus;
  createdAt: number;
}

interface ProposalRow {
  id: string;
  collab_id: string;
  proposal: PackChangeProposal;
  proposer: string;
  summary: PackChangeSummary;
  signatures: Signatures;
  status: ProposalStatus;
  created_at: number;
}

const fromRow = (r: ProposalRow): StoredPackProposal => ({
  id: r.id,
  collab: r.collab_id,
  proposal: r.proposal,
  proposer: r.proposer,
  summary: r.summary,
  signatures: r.signatures,
  status: r.status,
  createdAt: r.created_at,
});

export class PackRecords {
  constructor(private readonly db: Db) {}

  /** The versions voted into force in a collaboration (packs not listed are the hub's own). */
  async inForce(collab: string): Promise<{ hash: string; source: PackSource }[]> {
    const rows = await this.db.query<{ hash: string; source: string }>(
      `select f.hash, p.source from policy_in_force f
         join policy_packs p on p.collab_id = f.collab_id and p.hash = f.hash
       where f.collab_id = $1 order by f.pack`,
      [collab],
    );
    return rows.map((r) => ({ hash: r.hash, source: JSON.parse(r.source) as PackSource }));
  }

  /** Any version ever proposed in the collaboration, by hash. */
  async source(collab: string, hash: string): Promise<PackSource | undefined> {
    const rows = await this.db.query<{ source: string }>(
      'select source from policy_packs where collab_id = $1 and hash = $2',
      [collab, hash],
    );
    return rows[0] ? (JSON.parse(rows[0].source) as PackSource) : undefined;
  }

  /** Keeps the new version and opens the proposal, both or neither. */
  async propose(record: Omit<StoredPackProposal, 'signatures' | 'status'>, source: PackSource) {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into policy_packs (collab_id, hash, pack, source, added_at) values ($1, $2, $3, $4, $5)
         on conflict do nothing`,
        [
          record.collab,
          record.proposal.toHash,
          source.name,
          JSON.stringify(source),
          record.createdAt,
        ],
      );
      await tx.query(
        `insert into policy_proposals (id, collab_id, proposal, proposer, summary, status, created_at)
         values ($1, $2, $3, $4, $5, 'open', $6)`,
        [
          record.id,
          record.collab,
          JSON.stringify(record.proposal),
          record.proposer,
          JSON.stringify(record.summary),
          record.createdAt,
        ],
      );
    });
  }

  async proposal(collab: string, id: string): Promise<StoredPackProposal | undefined> {
    const rows = await this.db.query<ProposalRow>(
      'select * from policy_proposals where collab_id = $1 and id = $2',
      [collab, id],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async open(collab: string): Promise<StoredPackProposal[]> {
    const rows = await this.db.query<ProposalRow>(
      `select * from policy_proposals where collab_id = $1 and status = 'open' order by created_at, id`,
      [collab],
    );
    return rows.map(fromRow);
  }

  async addSignature(id: string, member: string, signature: string): Promise<Signatures> {
    const rows = await this.db.query<{ signatures: Signatures }>(
      `update policy_proposals set signatures = signatures || jsonb_build_object($2::text, $3::text)
       where id = $1 and status = 'open' returning signatures`,
      [id, member, signature],
    );
    return rows[0]?.signatures ?? {};
  }

  /** Closes an open proposal; false if it was no longer open. */
  async close(id: string, status: Exclude<ProposalStatus, 'open' | 'applied'>): Promise<boolean> {
    const rows = await this.db.query(
      `update policy_proposals set status = $2 where id = $1 and status = 'open' returning id`,
      [id, status],
    );
    return rows.length > 0;
  }

  /**
   * Puts the proposed version in force, marks the proposal applied and every other open
   * proposal for the same pack stale, in one transaction; false if it was no longer open.
   */
  async apply(record: StoredPackProposal, at: number): Promise<boolean> {
    const { collab, proposal } = record;
    return this.db.transaction(async (tx) => {
      const applied = await tx.query(
        `update policy_proposals set status = 'applied' where id = $1 and status = 'open' returning id`,
        [record.id],
      );
      if (applied.length === 0) return false;
      await tx.query(
        `insert into policy_in_force (collab_id, pack, hash, since) values ($1, $2, $3, $4)
         on conflict (collab_id, pack) do update set hash = excluded.hash, since = excluded.since`,
        [collab, proposal.pack, proposal.toHash, at],
      );
      await tx.query(
        `update policy_proposals set status = 'stale'
         where collab_id = $1 and status = 'open' and proposal->>'pack' = $2`,
        [collab, proposal.pack],
      );
      return true;
    });
  }
}
