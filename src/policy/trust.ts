/**
 * Trust levels of a collaboration (pure logic; storage is behind TrustStore). A collaboration
 * starts at level 1 (analytics only). It rises one level at a time, only with every member's
 * Ed25519 signature over the canonical proposal and a clean record; a violation lowers it at
 * once.
 */
import {
  describeTally,
  tallySignatures,
  type Member,
  type Signatures,
  type SignatureTally,
} from './signatures.js';

export type TrustLevel = 1 | 2 | 3;
export const TRUST_PURPOSE = 'converge/trust-raise/v1';

export interface JobRecord {
  readonly jobId: string;
  readonly finishedAt: string;
  readonly violation: boolean;
  readonly auditFailed: boolean;
}

export interface TrustEvent {
  readonly at: string;
  readonly from: TrustLevel;
  readonly to: TrustLevel;
  readonly why: string;
}

export interface CollaborationTrust {
  readonly collaboration: string;
  readonly level: TrustLevel;
  readonly members: readonly Member[];
  /** Jobs finished since the level last changed: what a raise is judged on. */
  readonly record: readonly JobRecord[];
  readonly history: readonly TrustEvent[];
  /** Counts level changes; a proposal names it, so an old vote cannot be spent again. */
  readonly epoch: number;
  /** Counts every change, for the store's concurrency check. */
  readonly revision: number;
}

export interface TrustRules {
  /** Consecutive clean finished jobs (no violation, no failed audit) a raise needs. */
  readonly minCleanJobs: number;
  /** How far a violation lowers the level. */
  readonly onViolation: 'one-level' | 'to-level-1';
}

export const DEFAULT_TRUST_RULES: TrustRules = { minCleanJobs: 5, onViolation: 'one-level' };

/** What members sign to raise the level. */
export interface TrustProposal {
  readonly collaboration: string;
  readonly from: TrustLevel;
  readonly to: TrustLevel;
  readonly epoch: number;
  readonly proposer: string;
  readonly createdAt: string;
}

export type RaiseOutcome =
  | { readonly ok: true; readonly trust: CollaborationTrust; readonly tally: SignatureTally }
  | { readonly ok: false; readonly reasons: readonly string[]; readonly tally?: SignatureTally };

export function startTrust(
  collaboration: string,
  members: readonly Member[],
  at: string,
): CollaborationTrust {
  if (members.length === 0) throw new RangeError('a collaboration needs at least one member');
  return {
    collaboration,
    level: 1,
    members,
    record: [],
    history: [{ at, from: 1, to: 1, why: 'started' }],
    epoch: 0,
    revision: 0,
  };
}

export function proposeRaise(
  trust: CollaborationTrust,
  proposer: string,
  at: string,
): TrustProposal {
  if (!trust.members.some((m) => m.id === proposer)) {
    throw new RangeError(`${proposer} is not a member of ${trust.collaboration}`);
  }
  if (trust.level === 3)
    throw new RangeError(`${trust.collaboration} is already at the highest level (3)`);
  const to = (trust.level + 1) as TrustLevel;
  return {
    collaboration: trust.collaboration,
    from: trust.level,
    to,
    epoch: trust.epoch,
    proposer,
    createdAt: at,
  };
}

export interface RecordAssessment {
  readonly clean: boolean;
  readonly cleanStreak: number;
  readonly needed: number;
}

/** Clean means the last `minCleanJobs` finished jobs had no violation and no failed audit. */
export function assessRecord(
  trust: CollaborationTrust,
  rules: TrustRules = DEFAULT_TRUST_RULES,
): RecordAssessment {
  let streak = 0;
  for (let i = trust.record.length - 1; i >= 0; i--) {
    const job = trust.record[i];
    if (!job || job.violation || job.auditFailed) break;
    streak++;
  }
  return { clean: streak >= rules.minCleanJobs, cleanStreak: streak, needed: rules.minCleanJobs };
}

export function decideRaise(
  trust: CollaborationTrust,
  proposal: TrustProposal,
  signatures: Signatures,
  rules: TrustRules = DEFAULT_TRUST_RULES,
): RaiseOutcome {
  const reasons: string[] = [];
  if (proposal.collaboration !== trust.collaboration)
    reasons.push(`the proposal is for ${proposal.collaboration}`);
  if (proposal.epoch !== trust.epoch || proposal.from !== trust.level) {
    reasons.push('the proposal is stale: the trust level changed since it was made');
  }
  if (proposal.to !== trust.level + 1) reasons.push('trust rises one level at a time');
  const tally = tallySignatures(TRUST_PURPOSE, proposal, trust.members, signatures);
  if (!tally.complete) reasons.push(describeTally(tally));
  const record = assessRecord(trust, rules);
  if (!record.clean) {
    reasons.push(
      `record not clean: ${record.cleanStreak} of ${record.needed} consecutive clean finished jobs`,
    );
  }
  if (reasons.length > 0) return { ok: false, reasons, tally };
  const why = `raised by every member's signature (${tally.signed.join(', ')})`;
  return { ok: true, trust: changeLevel(trust, proposal.to, proposal.createdAt, why), tally };
}

/** Record a finished job; a violation lowers the level at once. */
export function recordJob(
  trust: CollaborationTrust,
  job: JobRecord,
  rules: TrustRules = DEFAULT_TRUST_RULES,
): CollaborationTrust {
  if (!job.violation)
    return { ...trust, record: [...trust.record, job], revision: trust.revision + 1 };
  return recordViolation(trust, job.finishedAt, `violation in job ${job.jobId}`, rules);
}

/** A violation found anywhere (a job, an audit, a refused request) lowers the level at once. */
export function recordViolation(
  trust: CollaborationTrust,
  at: string,
  why: string,
  rules: TrustRules = DEFAULT_TRUST_RULES,
): CollaborationTrust {
  const to: TrustLevel =
    rules.onViolation === 'to-level-1' ? 1 : (Math.max(1, trust.level - 1) as TrustLevel);
  return changeLevel(trust, to, at, why);
}

function changeLevel(
  trust: CollaborationTrust,
  to: TrustLevel,
  at: string,
  why: string,
): CollaborationTrust {
  return {
    ...trust,
    level: to,
    record: [],
    history: [...trust.history, { at, from: trust.level, to, why }],
    epoch: trust.epoch + 1,
    revision: trust.revision + 1,
  };
}

/** The context of a raiseTrust policy request, so the Cedar check sees the same facts. */
export function raiseTrustContext(
  trust: CollaborationTrust,
  proposal: TrustProposal,
  signatures: Signatures,
  rules: TrustRules = DEFAULT_TRUST_RULES,
): { proposedLevel: TrustLevel; allMembersSigned: boolean; cleanRecord: boolean } {
  return {
    proposedLevel: proposal.to,
    allMembersSigned: tallySignatures(TRUST_PURPOSE, proposal, trust.members, signatures).complete,
    cleanRecord: assessRecord(trust, rules).clean,
  };
}
