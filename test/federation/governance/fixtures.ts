/** An in-process hub's governance: a collaboration in memory, its members' keys, a fake log. */
import { addMember, createCollaboration, Governor } from '../../../src/federation/index.js';
import type { LedgerEvent } from '../../../src/federation/index.js';
import { generateNodeKey, type NodeKey } from '../../../src/identity/index.js';
import {
  loadPolicyEngine,
  PACK_CHANGE_PURPOSE,
  PACK_PROPOSE_PURPOSE,
  packHash,
  readExampleRequests,
  signVote,
  type PackChangeProposal,
  type PackSource,
} from '../../../src/policy/index.js';
import { openStore, type Db } from '../../../src/store/index.js';
import { packSource } from '../../policy/packs.js';

export const PARTIES = [
  { name: 'hub', jurisdiction: 'CH', roles: ['hub'] },
  { name: 'cleveland', jurisdiction: 'US', roles: ['site'] },
  { name: 'hungary', jurisdiction: 'HU', roles: ['site'] },
  { name: 'pumch', jurisdiction: 'CN', roles: ['member'] },
] as const;

export interface World {
  db: Db;
  governor: Governor;
  keys: Map<string, NodeKey>;
  /** What the governor logged, in order: an entry's index is its position. */
  log: LedgerEvent[];
  /** Another governor on the same database, as after a restart of the hub. */
  restart(): Governor;
}

export async function governanceWorld(): Promise<World> {
  const db = await openStore({ dataDir: 'memory://' });
  await createCollaboration(db, { id: 'heart', domain: 'healthcare', minCleanJobs: 0 });
  const keys = new Map<string, NodeKey>();
  for (const party of PARTIES) {
    const key = generateNodeKey();
    keys.set(party.name, key);
    await addMember(db, 'heart', {
      name: party.name,
      institution: party.name,
      jurisdiction: party.jurisdiction,
      roles: [...party.roles],
      keyId: key.keyId,
      publicKey: key.publicKey,
    });
  }
  const log: LedgerEvent[] = [];
  const record = async (_collab: string, events: LedgerEvent[]) => {
    const first = log.length;
    log.push(...events);
    return first;
  };
  const make = () =>
    new Governor(db, loadPolicyEngine(), record, { samples: readExampleRequests() });
  return { db, governor: make(), keys, log, restart: make };
}

/** The consortium pack with the minimum analytics cohort raised from 10 to `cohort`. */
export function consortiumWithCohort(cohort: number, version = '2025.2'): PackSource {
  const pack = packSource('consortium');
  if (!pack.cedar.includes('context.privacy.cohortSize < 10')) throw new Error('fixture');
  const meta = structuredClone(pack.meta) as { version: string };
  meta.version = version;
  return {
    ...pack,
    cedar: pack.cedar.replace(
      'context.privacy.cohortSize < 10',
      `context.privacy.cohortSize < ${cohort}`,
    ),
    meta,
  };
}

/** A submission as `converge policy propose` sends it, signed by `proposer`'s key. */
export function submission(world: World, proposer: string, source: PackSource, at = new Date()) {
  const signed = {
    collaboration: 'heart',
    proposer,
    pack: source.name,
    toHash: packHash(source),
    at: at.toISOString(),
  };
  return {
    proposer,
    pack: source.name,
    cedar: source.cedar,
    meta: source.meta as Record<string, unknown>,
    at: signed.at,
    signature: signVote(PACK_PROPOSE_PURPOSE, signed, world.keys.get(proposer)!.privateKey),
  };
}

export function packVote(world: World, member: string, proposal: PackChangeProposal) {
  return {
    member,
    signature: signVote(PACK_CHANGE_PURPOSE, proposal, world.keys.get(member)!.privateKey),
  };
}

/** An analytics job as the hub would describe it to the gate. */
export const analytics = (cohortSize: number) => ({
  job: 'stats-1',
  kind: 'analytics' as const,
  secureAggregation: true,
  differentialPrivacy: true,
  cohortSize,
});
