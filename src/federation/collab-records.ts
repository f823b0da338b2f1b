import { z } from 'zod';
import type { Db } from '../store/index.js';

/** Collaborations and their members, as the hub that coordinates them records them. */

export const SafeZoneDomain = z.enum(['healthcare', 'environmental-protection', 'clean-energy']);

export const CollaborationSpec = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
  domain: SafeZoneDomain,
  title: z.string().default(''),
  /**
   * What a raise of the trust level needs besides every member's signature: this many
   * consecutive clean finished jobs (5 unless the members agree otherwise when they create it).
   */
  minCleanJobs: z.number().int().min(0).max(100).default(5),
});
export type CollaborationSpec = z.infer<typeof CollaborationSpec>;

export interface Member {
  keyId: string;
  name: string;
  institution: string;
  jurisdiction: string;
  roles: string[];
  publicKey: Uint8Array;
  joinedAt: number;
}

export async function createCollaboration(
  db: Db,
  input: z.input<typeof CollaborationSpec>,
): Promise<void> {
  const spec = CollaborationSpec.parse(input);
  const inserted = await db.query(
    `insert into collaborations (id, spec, created_at) values ($1, $2, $3)
     on conflict (id) do nothing returning id`,
    [spec.id, JSON.stringify(spec), Date.now()],
  );
  if (inserted.length === 0) throw new Error(`collaboration ${spec.id} already exists`);
}

export async function getCollaboration(db: Db, id: string): Promise<CollaborationSpec | undefined> {
  const rows = await db.query<{ spec: unknown }>('select spec from collaborations where id = $1', [
    id,
  ]);
  return rows[0] ? CollaborationSpec.parse(rows[0].spec) : undefined;
}

export async function listCollaborations(db: Db): Promise<CollaborationSpec[]> {
  const rows = await db.query<{ spec: unknown }>('select spec from collaborations order by id');
  return rows.map((r) => CollaborationSpec.parse(r.spec));
}

export async function addMember(db: Db, collabId: string, member: Omit<Member, 'joinedAt'>) {
  await db.query(
    `insert into members (collab_id, key_id, name, institution, jurisdiction, roles, public_key, joined_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8)
     on conflict (collab_id, key_id) do update set name = excluded.name, institution = excluded.institution,
       jurisdiction = excluded.jurisdiction, roles = excluded.roles`,
    [
      collabId,
      member.keyId,
      member.name,
      member.institution,
      member.jurisdiction,
      JSON.stringify(member.roles),
      member.publicKey,
      Date.now(),
    ],
  );
}

interface MemberRow {
  key_id: string;
  name: string;
  institution: string;
  jurisdiction: string;
  roles: string[];
  public_key: Uint8Array;
  joined_at: number;
}

function toMember(r: MemberRow): Member {
  return {
    keyId: r.key_id,
    name: r.name,
    institution: r.institution,
    jurisdiction: r.jurisdiction,
    roles: r.roles,
    publicKey: r.public_key,
    joinedAt: r.joined_at,
  };
}

export async function listMembers(db: Db, collabId: string): Promise<Member[]> {
  const rows = await db.query<MemberRow>(
    'select * from members where collab_id = $1 order by name',
    [collabId],
  );
  return rows.map(toMember);
}

export async function findMember(
  db: Db,
  collabId: string,
  keyId: string,
): Promise<Member | undefined> {
  const rows = await db.query<MemberRow>(
    'select * from members where collab_id = $1 and key_id = $2',
    [collabId, keyId],
  );
  return rows[0] ? toMember(rows[0]) : undefined;
}
