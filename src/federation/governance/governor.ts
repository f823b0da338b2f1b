import {
  DEFAULT_TRUST_RULES,
  TRUST_PURPOSE,
  decideRaise,
  proposeRaise,
  raiseTrustContext,
  recordJob,
  recordViolation,
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
import { CollabEngines } from './collab-engines.js';
import { gateSites, parseJobGateInput, siteRequest, type JobGateInput } from './job-gate.js';
import { institutionId, memberEntities } from './member-entities.js';
import { PackChanges } from './pack-changes.js';
import { PackRecords } from './pack-records.js';
import { DbTrustStore } from './trust-records.js';
import type { Violation } from './violations.js';

export { institutionId, memberEntities };

// The hub's governance: every action a member asks about is decided by the policy engine
// against the consortium pack and the pack of every jurisdiction it touches, and the decision
// (request, outcome, policy-set hash) goes into the collaboration's log, so any member can
// replay it. The collaboration's own facts (its domain and trust level) come from the hub's
// records, never from the request. Trust rises only by every member's signature and falls at
// once on a violation (violations.ts); packs change only by every member's signature
// (pack-changes.ts), each collaboration then deciding with its own packs in force.

/** Appends events to the collaboration's log; resolves to the first one's index. */
export type RecordEvents = (collab: string, events: LedgerEvent[]) => Promise<number>;

export interface DecisionOutcome {
  decision: PolicyDecision;
  /** Index of the decision's policy.decision entry in the collaboration's log. */
  entry: number;
}

export interface GovernorOptions {
  /** Requests every proposed pack change is tried on (policies/examples by default). */
  samples?: readonly { label: string; request: unknown }[];
}

/** What the hub learns before starting a job: may every data site contribute to it? */
export interface JobGate {
  allowed: boolean;
  /** One decision per data site, each logged as a policy.decision entry. */
  decisions: { site: string; entry: number; decision: PolicyDecision }[];
  /** The first refusal: which site, and the pack, policy, attribute and reason that refused. */
  refusal?: {
    site: string;
    entry: number;
    pack: string;
    policyId: string;
    attribute: string;
    value?: string | number | boolean;
    reason: string;
  };
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
  /** Proposals to change a pack, members' signatures on them, the packs in force. */
  readonly packs: PackChanges;
  readonly #engines: CollabEngines;
  /** Evidence already counted (a forked log is reported again at every publication). */
  readonly #counted = new Set<string>();

  constructor(
    private readonly db: Db,
    engine: PolicyEngine,
    private readonly record: RecordEvents,
    options: GovernorOptions = {},
  ) {
    this.trust = new DbTrustStore(db);
    const records = new PackRecords(db);
    this.#engines = new CollabEngines(engine, records);
    this.packs = new PackChanges({
      db,
      records,
      engines: this.#engines,
      record,
      decide: (collab, request) => this.decide(collab, request),
      samples: options.samples ?? [],
    });
  }

  /** The packs in force in a collaboration: the hub's, with the versions its members voted. */
  engineFor(collab: string): Promise<PolicyEngine> {
    return this.#engines.engineFor(collab);
  }

  /** Decide an action in a collaboration, and log the decision before answering. */
  async decide(collab: string, input: unknown): Promise<DecisionOutcome> {
    const trust = await this.trustOf(collab);
    const spec = await getCollaboration(this.db, collab);
    if (!spec) throw new Refusal(404, `no collaboration ${collab}`);
    const request = withCollaborationFacts(input, collab, spec.domain, trust.level);
    const engine = await this.#engines.engineFor(collab);
    const logged = engine.decideLogged(request);
    const { decision } = logged;
    const entry = await this.record(collab, [
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
    return { decision, entry };
  }

  /**
   * Before a job starts: decides trainFederated (or runAnalytics) for every data site taking
   * part, with the hub's facts (domain, trust level, members' countries) and the job's privacy
   * settings, each decision logged. Refused by a policy, the attempt is a violation: the
   * trust level falls one step at once (violations.ts).
   */
  async mayStartJob(collab: string, job: JobGateInput): Promise<JobGate> {
    const input = parseJobGateInput(job);
    const members = await listMembers(this.db, collab);
    if (members.length === 0) throw new Refusal(404, `no collaboration ${collab}`);
    const hub = members.find((m) => m.roles.includes('hub'));
    if (!hub) throw new Refusal(409, `${collab} has no hub member to receive contributions`);
    const sites = gateSites(members, input);
    if (sites.length === 0) throw new Refusal(409, `${collab} has no data sites`);
    const gate: JobGate = { allowed: true, decisions: [] };
    for (const site of sites) {
      const { decision, entry } = await this.decide(collab, siteRequest(collab, input, site, hub));
      gate.decisions.push({ site: site.name, entry, decision });
      if (decision.decision === 'allow' || gate.refusal) continue;
      gate.allowed = false;
      const deciding = decision.deciding;
      gate.refusal = {
        site: site.name,
        entry,
        pack: deciding?.pack ?? '',
        policyId: deciding?.policyId ?? decision.error?.code ?? 'default-deny',
        attribute: deciding?.attribute ?? '',
        ...(deciding?.value === undefined ? {} : { value: deciding.value }),
        reason: deciding?.reason ?? decision.error?.message ?? 'no policy permits it',
      };
    }
    const { refusal } = gate;
    // Only a refusal by a policy is an attempted forbidden action; a malformed request is a bug.
    if (refusal && refusal.pack !== '') {
      await this.violation(collab, {
        kind: 'forbidden-job',
        entry: refusal.entry,
        reason: `job ${input.job} refused by ${refusal.policyId} for ${refusal.site}`,
      });
    }
    return gate;
  }

  /** A witness showed the log contradicting itself (the ledger.evidence entry at `entry`). */
  forkedLog(collab: string, entry: number, witness: string, reason: string) {
    return this.violation(collab, {
      kind: 'forked-log',
      entry,
      reason: `witness ${witness} holds evidence of a forked log: ${reason}`,
      once: witness,
    });
  }

  /**
   * A violation lowers the trust level one step at once (not below 1) and restarts the clean
   * record; the trust.changed entry names the kind and the log entry that shows it.
   */
  async violation(collab: string, violation: Violation): Promise<CollaborationTrust> {
    if (violation.once !== undefined) {
      const key = `${collab}\n${violation.kind}\n${violation.once}`;
      if (this.#counted.has(key)) return this.trustOf(collab);
      this.#counted.add(key);
    }
    const rules = await this.rules(collab);
    const why = `violation (${violation.kind}, entry ${violation.entry}): ${violation.reason}`;
    // Saved with the revision check; a concurrent change makes us lower the new state instead.
    for (let attempt = 0; attempt < 5; attempt++) {
      const before = await this.trustOf(collab);
      const after = recordViolation(before, new Date().toISOString(), why, rules);
      if (!(await this.trust.save(after, before.revision))) continue;
      await this.record(collab, [
        {
          type: 'trust.changed',
          collab,
          from: before.level,
          to: after.level,
          why,
          violation: { kind: violation.kind, entry: violation.entry },
          at: Date.now(),
        },
      ]);
      return after;
    }
    throw new Error(`the trust of ${collab} kept changing; the violation was not recorded`);
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
