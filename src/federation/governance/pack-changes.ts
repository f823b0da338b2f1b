import { z } from 'zod';
import { publicKeyToBase64 } from '../../identity/index.js';
import {
  PACK_CHANGE_PURPOSE,
  PACK_PROPOSE_PURPOSE,
  applyPackChange,
  packHash,
  packProposalId,
  proposePackChange,
  summarizePackChange,
  tallySignatures,
  type Member as Voter,
  type PackChangeProposal,
  type PackChangeSummary,
  type PackSource,
  type PolicyDecision,
  type PolicyEngine,
  type Signatures,
} from '../../policy/index.js';
import type { Db } from '../../store/index.js';
import { listMembers, type Member } from '../collab-records.js';
import type { LedgerEvent } from '../record/entries.js';
import { Refusal } from '../refusal.js';
import type { CollabEngines } from './collab-engines.js';
import { institutionId, memberEntities } from './member-entities.js';
import type { PackRecords, ProposalStatus, StoredPackProposal } from './pack-records.js';

// Changing a collaboration's policy pack is itself governed. A member submits a new version
// (signed by its node key); the hub validates it in Cedar's strict mode against the schema
// (an invalid one is refused with Cedar's diagnostics and the version in force stays), logs
// the proposal with the new text and what it changes on the sample requests, and gathers
// every member's signature over the proposal. When all have signed, Cedar's changePolicy
// action decides under the packs in force, and only then the new version takes effect for
// this collaboration alone. A proposal made against a version no longer in force is stale.

/** How far a proposer's signing time may be from the hub's clock. */
const MAX_SUBMISSION_SKEW_MS = 5 * 60_000;

const PackName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits, dashes');

export const PackSubmissionBody = z.strictObject({
  proposer: z.string().min(1),
  pack: PackName,
  cedar: z.string().min(1).max(1_000_000),
  meta: z.record(z.string(), z.unknown()),
  /** ISO time the proposer signed at. */
  at: z.iso.datetime(),
  /** Base64 Ed25519 over PACK_PROPOSE_PURPOSE and the canonical PackSubmission. */
  signature: z.string().min(1),
});
export type PackSubmissionBody = z.infer<typeof PackSubmissionBody>;

export const PackVoteBody = z.strictObject({
  member: z.string().min(1),
  signature: z.string().min(1),
});

export interface PackProposalView {
  id: string;
  proposal: PackChangeProposal;
  proposer: string;
  status: ProposalStatus;
  summary: PackChangeSummary;
  /** The proposed text and metadata: a voter recomputes toHash from them before signing. */
  source: { cedar: string; meta: unknown };
  signed: string[];
  missing: string[];
}

export interface PackInForce {
  pack: string;
  version: string;
  hash: string;
  /** Voted into force by the members (else the hub's own version from policies/). */
  voted: boolean;
}

export type DecideAndLog = (
  collab: string,
  request: unknown,
) => Promise<{ decision: PolicyDecision; entry: number }>;

export interface PackChangeDeps {
  db: Db;
  records: PackRecords;
  engines: CollabEngines;
  record: (collab: string, events: LedgerEvent[]) => Promise<number>;
  decide: DecideAndLog;
  /** Requests every proposal is tried on (under the version in force and the new one). */
  samples: readonly { label: string; request: unknown }[];
}

export class PackChanges {
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: PackChangeDeps) {}

  /** Validates, summarises and logs a proposed version; members then sign the proposal. */
  async propose(collab: string, body: unknown): Promise<PackProposalView> {
    const submission = parseBody(PackSubmissionBody, body, 'pack proposal');
    return this.serially(collab, async () => {
      const members = await this.members(collab);
      const proposer = members.find((m) => m.name === submission.proposer);
      if (!proposer) throw new Refusal(403, `${submission.proposer} is not a member of ${collab}`);
      const source: PackSource = {
        name: submission.pack,
        cedar: submission.cedar,
        meta: submission.meta,
      };
      const signedAs = {
        collaboration: collab,
        proposer: proposer.name,
        pack: source.name,
        toHash: packHash(source),
        at: submission.at,
      };
      if (!verifies(PACK_PROPOSE_PURPOSE, signedAs, proposer, submission.signature)) {
        throw new Refusal(
          401,
          `the signature of ${proposer.name} on the submission does not verify`,
        );
      }
      if (Math.abs(Date.parse(submission.at) - Date.now()) > MAX_SUBMISSION_SKEW_MS) {
        throw new Refusal(
          401,
          `at: signed ${submission.at}, more than 5 minutes from the hub's clock`,
        );
      }
      const engine = await this.deps.engines.engineFor(collab);
      const current = engine.pack(source.name);
      if (current?.hash === signedAs.toHash) {
        throw new Refusal(
          409,
          `this version of pack ${source.name} is already in force in ${collab}`,
        );
      }
      const createdAt = new Date().toISOString();
      const proposed = proposePackChange(engine, source, collab, createdAt);
      if (!proposed.ok) {
        throw new Refusal(
          422,
          `pack ${source.name} is invalid; the version in force stays:\n${proposed.reasons.join('\n')}`,
        );
      }
      const next = engine.packByHash(proposed.proposal.toHash);
      if (!next) throw new Error(`pack ${source.name} validated but is not in the archive`);
      const summary = summarizePackChange(engine, current, next, this.deps.samples);
      const stored: StoredPackProposal = {
        id: packProposalId(proposed.proposal),
        collab,
        proposal: proposed.proposal,
        proposer: proposer.name,
        summary,
        signatures: {},
        status: 'open',
        createdAt: Date.now(),
      };
      await this.deps.records.propose(stored, source);
      await this.deps.record(collab, [
        {
          type: 'policy.proposed',
          collab,
          proposal: {
            id: stored.id,
            pack: source.name,
            fromHash: proposed.proposal.fromHash,
            toHash: proposed.proposal.toHash,
            proposer: proposer.name,
            createdAt,
          },
          source: { cedar: source.cedar, meta: source.meta },
          summary,
          at: stored.createdAt,
        },
      ]);
      return this.view(stored, source, members);
    });
  }

  /**
   * A member's signature on a proposal. Refused if it does not verify, or if the proposal is
   * stale. The last signature puts the change to Cedar (changePolicy) and, if allowed, in force.
   */
  async vote(collab: string, id: string, body: unknown): Promise<PackProposalView> {
    const { member, signature } = parseBody(PackVoteBody, body, 'vote');
    return this.serially(collab, async () => {
      const stored = await this.stored(collab, id);
      if (stored.status !== 'open')
        throw new Refusal(409, `proposal ${id} is ${describe(stored.status)}`);
      const members = await this.members(collab);
      const voter = members.find((m) => m.name === member);
      if (!voter) throw new Refusal(403, `${member} is not a member of ${collab}`);
      if (!verifies(PACK_CHANGE_PURPOSE, stored.proposal, voter, signature)) {
        throw new Refusal(401, `the signature of ${member} on proposal ${id} does not verify`);
      }
      const engine = await this.deps.engines.engineFor(collab);
      const { pack, fromHash } = stored.proposal;
      const current = engine.pack(pack)?.hash ?? null;
      if (current !== fromHash) {
        await this.deps.records.close(id, 'stale');
        throw new Refusal(
          409,
          `proposal ${id} is stale: it changes pack ${pack} from ${short(fromHash)}, but ${short(current)} is in force now; propose again`,
        );
      }
      const signatures = await this.deps.records.addSignature(id, member, signature);
      await this.deps.record(collab, [
        { type: 'policy.voted', collab, proposal: id, member, signature, at: Date.now() },
      ]);
      const voted = { ...stored, signatures };
      if (tally(voted.proposal, members, signatures).complete) {
        voted.status = await this.apply(voted, members, engine);
      }
      return this.view(voted, await this.source(voted), members);
    });
  }

  async get(collab: string, id: string): Promise<PackProposalView> {
    const stored = await this.stored(collab, id);
    return this.view(stored, await this.source(stored), await this.members(collab));
  }

  async open(collab: string): Promise<PackProposalView[]> {
    const members = await this.members(collab);
    const open = await this.deps.records.open(collab);
    return Promise.all(open.map(async (p) => this.view(p, await this.source(p), members)));
  }

  async inForce(collab: string): Promise<PackInForce[]> {
    await this.members(collab);
    const engine = await this.deps.engines.engineFor(collab);
    const base = this.deps.engines.base;
    return engine
      .packs()
      .map((p) => ({
        pack: p.name,
        version: p.version,
        hash: p.hash,
        voted: base.pack(p.name)?.hash !== p.hash,
      }))
      .sort((a, b) => a.pack.localeCompare(b.pack));
  }

  /** Every member signed: Cedar decides the change under the packs in force, then it applies. */
  private async apply(
    stored: StoredPackProposal,
    members: readonly Member[],
    engine: PolicyEngine,
  ): Promise<ProposalStatus> {
    const { collab, proposal, signatures } = stored;
    const proposer = members.find((m) => m.name === stored.proposer);
    if (!proposer) {
      await this.deps.records.close(stored.id, 'refused');
      return 'refused'; // the proposer left; its proposal goes with it
    }
    const { decision } = await this.deps.decide(collab, {
      principal: { type: 'Node', id: proposer.name },
      action: 'changePolicy',
      resource: { type: 'Collaboration', id: collab },
      context: {
        owner: institutionId(proposer.name),
        collaboration: collab,
        allMembersSigned: tally(proposal, members, signatures).complete,
      },
      entities: memberEntities(proposer, collab),
    });
    const source = await this.source(stored);
    const next = engine.fork();
    if (
      decision.decision !== 'allow' ||
      !applyPackChange(next, proposal, source, voters(members), signatures).ok
    ) {
      await this.deps.records.close(stored.id, 'refused');
      return 'refused';
    }
    if (!(await this.deps.records.apply(stored, Date.now()))) return stored.status;
    this.deps.engines.replace(collab, next);
    await this.deps.record(collab, [
      {
        type: 'policy.changed',
        collab,
        proposal: stored.id,
        pack: proposal.pack,
        fromHash: proposal.fromHash,
        toHash: proposal.toHash,
        version: next.pack(proposal.pack)?.version ?? '',
        inForce: Object.fromEntries(next.packs().map((p) => [p.name, p.hash])),
        at: Date.now(),
      },
    ]);
    return 'applied';
  }

  private view(
    stored: StoredPackProposal,
    source: PackSource,
    members: readonly Member[],
  ): PackProposalView {
    const counted = tally(stored.proposal, members, stored.signatures);
    return {
      id: stored.id,
      proposal: stored.proposal,
      proposer: stored.proposer,
      status: stored.status,
      summary: stored.summary,
      source: { cedar: source.cedar, meta: source.meta },
      signed: [...counted.signed],
      missing: [...counted.missing, ...counted.invalid],
    };
  }

  private async stored(collab: string, id: string): Promise<StoredPackProposal> {
    const stored = await this.deps.records.proposal(collab, id);
    if (!stored) throw new Refusal(404, `no pack proposal ${id} in ${collab}`);
    return stored;
  }

  private async source(stored: StoredPackProposal): Promise<PackSource> {
    const source = await this.deps.records.source(stored.collab, stored.proposal.toHash);
    if (!source) throw new Error(`the proposed version of proposal ${stored.id} is missing`);
    return source;
  }

  private async members(collab: string): Promise<Member[]> {
    const members = await listMembers(this.deps.db, collab);
    if (members.length === 0) throw new Refusal(404, `no collaboration ${collab}`);
    return members;
  }

  /** Changes of one collaboration's packs happen one at a time. */
  private serially<T>(collab: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#queues.get(collab) ?? Promise.resolve();
    const next = previous.then(run, run);
    this.#queues.set(
      collab,
      next.catch(() => undefined),
    );
    return next;
  }
}

function voters(members: readonly Member[]): Voter[] {
  return members.map((m) => ({ id: m.name, publicKey: publicKeyToBase64(m.publicKey) }));
}

function tally(proposal: PackChangeProposal, members: readonly Member[], signatures: Signatures) {
  return tallySignatures(PACK_CHANGE_PURPOSE, proposal, voters(members), signatures);
}

function verifies(purpose: string, signed: unknown, member: Member, signature: string): boolean {
  const [voter] = voters([member]);
  return tallySignatures(purpose, signed, voter ? [voter] : [], { [member.name]: signature })
    .complete;
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || what}: ${i.message}`);
    throw new Refusal(400, `invalid ${what}: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function describe(status: ProposalStatus): string {
  switch (status) {
    case 'applied':
      return 'already applied';
    case 'stale':
      return 'stale: it was made against a version no longer in force';
    case 'refused':
      return 'refused by the packs in force (changePolicy)';
    default:
      return status;
  }
}

function short(hash: string | null): string {
  return hash === null ? '(no version)' : `${hash.slice(0, 12)}…`;
}
