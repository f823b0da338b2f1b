import type {
  CollaborationTrust,
  Signatures,
  TrustProposal,
  TrustStore,
} from '../../policy/index.js';
import type { Db } from '../../store/index.js';

// A collaboration's trust state in the hub's database: the level with its members and record
// (saved with a revision check, so two concurrent changes cannot both win), and the open
// proposal with the votes gathered for it.

export class DbTrustStore implements TrustStore {
  constructor(private readonly db: Db) {}

  async load(collab: string): Promise<CollaborationTrust | undefined> {
    const rows = await this.db.query<{ state: CollaborationTrust }>(
      'select state from collab_trust where collab_id = $1',
      [collab],
    );
    return rows[0]?.state;
  }

  async save(trust: CollaborationTrust, expectedRevision: number | undefined): Promise<boolean> {
    if (expectedRevision === undefined) {
      const inserted = await this.db.query(
        `insert into collab_trust (collab_id, state, revision) values ($1, $2, $3)
         on conflict do nothing returning collab_id`,
        [trust.collaboration, JSON.stringify(trust), trust.revision],
      );
      return inserted.length > 0;
    }
    const updated = await this.db.query(
      `update collab_trust set state = $2, revision = $3,
         proposal = case when (state->>'epoch') = ($2::jsonb->>'epoch') then proposal else null end,
         signatures = case when (state->>'epoch') = ($2::jsonb->>'epoch') then signatures else '{}'::jsonb end
       where collab_id = $1 and revision = $4 returning collab_id`,
      [trust.collaboration, JSON.stringify(trust), trust.revision, expectedRevision],
    );
    return updated.length > 0;
  }

  async openProposal(
    collab: string,
  ): Promise<{ proposal: TrustProposal; signatures: Signatures } | undefined> {
    const rows = await this.db.query<{ proposal: TrustProposal | null; signatures: Signatures }>(
      'select proposal, signatures from collab_trust where collab_id = $1',
      [collab],
    );
    const row = rows[0];
    return row?.proposal ? { proposal: row.proposal, signatures: row.signatures } : undefined;
  }

  async setProposal(collab: string, proposal: TrustProposal): Promise<void> {
    await this.db.query(
      `update collab_trust set proposal = $2, signatures = '{}'::jsonb where collab_id = $1`,
      [collab, JSON.stringify(proposal)],
    );
  }

  async addSignature(collab: string, member: string, signature: string): Promise<Signatures> {
    const rows = await this.db.query<{ signatures: Signatures }>(
      `update collab_trust set signatures = signatures || jsonb_build_object($2::text, $3::text)
       where collab_id = $1 returning signatures`,
      [collab, member, signature],
    );
    return rows[0]?.signatures ?? {};
  }
}
