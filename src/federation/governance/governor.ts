import {
  DEFAULT_TRUST_RULES,
  TRUST_PURPOSE,
  decideRaise,
  proposeRaise,
  raiseTrustContext,
  recordJob,
  startTrust,
  tallySignatures,
  updateTrust,
  type CollaborationTrust,
  type PolicyDecision,
  type PolicyEngine,
  type TrustProposal,
  type TrustRules,
} from '../../policy/index.js';
import { publicKeyToBase64 } from '../../identity/index.js';
import type { Db } from '../../store/index.js';
import { getCollaboration, listMembers } from '../collab-records.js';
import type { LedgerEvent } from '../record/entries.js';
import { Refusal } from '../refusal.js';
import { DbTrustStore } from './trust-records.js';

// The hub's governance: every action a member asks about is decided by the policy engine
// against the consortium pack and the pack of every jurisdiction it touches, and the decision
// (request, outcome, policy-set hash) goes into the collaboration's log, so any member can
// replay it. The collaboration's own facts (its domain and trust level) come from the hub's
// records, never from the request. Trust rises only by every member's signature.

export type RecordEvents = (collab: string, events: LedgerEvent[]) => Promise<void>;

export interface DecisionOutcome {
  decision: PolicyDecision;
}

export interface TrustView {
  level: number;
  members: string[];
  history: CollaborationTrust['history'];
  proposal: TrustProposal | null;
  signed: string[];
  missing: string[];
}

export class Governor {
  readonly trust: DbTrustStore;

  constructor(
    private readonly db: Db,
    private readonly engine: PolicyEngine,
    private readonly record: RecordEvents,
  ) {
    this.trust = new DbTrustStore(db);
  }

  /** Decide an action in a collaboration, and log the decision before answering. */
  async decide(collab: string, input: unknown): Promise<DecisionOutcome> {
    const trust = await this.trustOf(collab);
    const spec = await getCollaboration(this.db, collab);
    if (!spec) throw new Refusal(404, `no collaboration ${collab}`);
    const request = withCollaborationFacts(input, collab, spec.domain, trust.level);
    const logged = this.engine.decideLogged(request);
    const { decision } = logged;
    await this.record(collab, [
      {
        type: 'policy.decision',
        collab,
        action: decision.action,
        decision: decision.decision,
        deciding: decision.deciding
          ? {
              pack: decision.deciding.pack,
              policyId: decision.deciding.policyId,
              attribute: decision.deciding.attribute,
              reason: decision.deciding.reason,
            }
          : null,
        policySetHash: decision.policySetHash,
        logged: { request: logged.request, decision: logged.decision },
        at: Date.now(),
      },
    ]);
    return { decision };
  }

  /** The collaboration's trust state, started at level 1 with its members on first use. */
  async trustOf(collab: string): Promise<CollaborationTrust> {
    const stored = await this.trust.load(collab);
    if (stored) return stored;
    const members = (await listMembers(this.db, collab)).map((m) => ({
      id: m.name,
      publicKey: publicKeyToBase64(m.publicKey),
    }));
    if (members.length === 0) throw new Refusal(404, `no collaboration ${collab}`);
    const trust = startTrust(collab, members, new Date().toISOString());
    await this.trust.save(trust, undefined);
    return (await this.trust.load(collab))!;
  }

  async view(collab: string): Promise<TrustView> {
    const trust = await this.trustOf(collab);
    const open = await this.trust.openProposal(collab);
    const tally = open
      ? tallySignatures(TRUST_PURPOSE, open.proposal, trust.members, open.signatures)
      : undefined;
    return {
      level: trust.level,
      members: trust.members.map((m) => m.id),
      history: trust.history,
      proposal: open?.proposal ?? null,
      signed: [...(tally?.signed ?? [])],
      missing: [...(tally?.missing ?? trust.members.map((m) => m.id))],
    };
  }

  /** Opens a vote to raise the level by one; members then sign the proposal it returns. */
  async propose(collab: string, proposer: string): Promise<TrustProposal> {
    const trust = await this.trustOf(collab);
    let proposal: TrustProposal;
    try {
      proposal = proposeRaise(trust, proposer, new Date().toISOString());
    } catch (error) {
      throw new Refusal(400, (error as Error).message);
    }
    await this.trust.setProposal(collab, proposal);
    await this.record(collab, [
      {
        type: 'trust.proposed',
        collab,
        proposal: {
          from: proposal.from,
          to: proposal.to,
          epoch: proposal.epoch,
          proposer: proposal.proposer,
          createdAt: proposal.createdAt,
        },
        at: Date.now(),
      },
    ]);
    return proposal;
  }

  /**
   * A member's signature on the open proposal. Once every member has signed, the raise is
   * decided (the trust rules and the consortium's raiseTrust policy) and, if allowed, made.
   */
  async vote(collab: string, member: string, signature: string): Promise<TrustView> {
    const trust = await this.trustOf(collab);
    const open = await this.trust.openProposal(collab);
    if (!open) throw new Refusal(409, `no open trust proposal in ${collab}`);
    const single = tallySignatures(TRUST_PURPOSE, open.proposal, trust.members, {
      [member]: signature,
    });
    if (!single.signed.includes(member)) {
      throw new Refusal(401, `the signature of ${member} on the proposal does not verify`);
    }
    const signatures = await this.trust.addSignature(collab, member, signature);
    await this.record(collab, [
      {
        type: 'trust.voted',
        collab,
        member,
        signature,
        to: open.proposal.to,
        epoch: open.proposal.epoch,
        at: Date.now(),
      },
    ]);
    const tally = tallySignatures(TRUST_PURPOSE, open.proposal, trust.members, signatures);
    if (tally.complete) await this.raise(collab, trust, open.proposal, signatures);
    return this.view(collab);
  }

  /** A finished job joins the record a later raise is judged on. */
  async jobFinished(collab: string, jobId: string, failed: boolean): Promise<void> {
    await this.trustOf(collab);
    const rules = await this.rules(collab);
    await updateTrust(this.trust, collab, (t) =>
      recordJob(
        t,
        { jobId, finishedAt: new Date().toISOString(), violation: false, auditFailed: failed },
        rules,
      ),
    );
  }

  private async raise(
    collab: string,
    trust: CollaborationTrust,
    proposal: TrustProposal,
    signatures: Readonly<Record<string, string>>,
  ): Promise<void> {
    const rules = await this.rules(collab);
    const context = raiseTrustContext(trust, proposal, signatures, rules);
    const proposer = (await listMembers(this.db, collab)).find((m) => m.name === proposal.proposer);
    if (!proposer) return;
    const { decision } = await this.decide(collab, {
      principal: { type: 'Node', id: proposer.name },
      action: 'raiseTrust',
      resource: { type: 'Collaboration', id: collab },
      context: { owner: institutionId(proposer.name), collaboration: collab, ...context },
      entities: memberEntities(proposer, collab),
    });
    const outcome = decideRaise(trust, proposal, signatures, rules);
    if (decision.decision !== 'allow' || !outcome.ok) return;
    if (!(await this.trust.save(outcome.trust, trust.revision))) return;
    await this.record(collab, [
      {
        type: 'trust.changed',
        collab,
        from: trust.level,
        to: outcome.trust.level,
        why: outcome.trust.history.at(-1)?.why ?? 'raised',
        at: Date.now(),
      },
    ]);
  }

  private async rules(collab: string): Promise<TrustRules> {
    const spec = await getCollaboration(this.db, collab);
    return { ...DEFAULT_TRUST_RULES, minCleanJobs: spec?.minCleanJobs ?? 5 };
  }
}

/** The Cedar id of a member's institution (members are named by their node). */
export function institutionId(member: string): string {
  return `institution:${member}`;
}

/** A member as policy entities: its institution (in the collaboration) and its node. */
export function memberEntities(
  member: { name: string; jurisdiction: string },
  collab: string,
): unknown[] {
  const country = member.jurisdiction;
  return [
    {
      type: 'Institution',
      id: institutionId(member.name),
      attrs: {
        country,
        headquartersCountry: country,
        entityListed: false,
        identityVerified: true,
        criticalInformationInfrastructure: false,
      },
      parents: [{ type: 'Collaboration', id: collab }],
    },
    {
      type: 'Node',
      id: member.name,
      attrs: { country },
      parents: [{ type: 'Institution', id: institutionId(member.name) }],
    },
  ];
}

/**
 * The request with the collaboration entity the hub knows (domain, trust level) in place of
 * whatever the requester said about it; the request itself is validated by the engine.
 */
function withCollaborationFacts(
  input: unknown,
  collab: string,
  domain: string,
  trustLevel: number,
): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const request = input as { entities?: unknown; context?: unknown };
  const entities = Array.isArray(request.entities) ? request.entities : [];
  const others = entities.filter(
    (e: unknown) =>
      !(
        typeof e === 'object' &&
        e !== null &&
        (e as { type?: unknown }).type === 'Collaboration' &&
        (e as { id?: unknown }).id === collab
      ),
  );
  return {
    ...request,
    context: { ...(request.context as object), collaboration: collab },
    entities: [
      { type: 'Collaboration', id: collab, attrs: { domain, trustLevel }, parents: [] },
      ...others,
    ],
  };
}
