/**
 * Changing a pack is itself governed: a new version takes effect only when every member has
 * signed it (over its hash), and only if it validates; otherwise the version in force stays.
 * diffPacks shows beforehand what a change would newly allow or deny.
 */
import type { PolicyDecision } from './decision.js';
import type { PolicyEngine } from './engine.js';
import { PolicyError } from './errors.js';
import { hashJson } from './hash.js';
import { packHash, type PackSource, type PolicyPack } from './pack.js';
import { comparePacks, type PolicyChange } from './pack-compare.js';
import { describeTally, tallySignatures, type Member, type Signatures } from './signatures.js';

export const PACK_CHANGE_PURPOSE = 'converge/pack-change/v1';
/** What a proposer signs when it submits a new version (before the hub makes the proposal). */
export const PACK_PROPOSE_PURPOSE = 'converge/pack-propose/v1';

/** What members sign. The hash binds the exact text and metadata of the new version. */
export interface PackChangeProposal {
  readonly collaboration: string;
  readonly pack: string;
  /** The version in force when proposed (null for a new pack): a stale vote cannot apply. */
  readonly fromHash: string | null;
  readonly toHash: string;
  readonly createdAt: string;
}

/** A short stable name for a proposal: the first 16 hex digits of its canonical hash. */
export function packProposalId(proposal: PackChangeProposal): string {
  return hashJson(proposal).slice(0, 16);
}

/** What the proposer signs: who submits which version of which pack, and when. */
export interface PackSubmission {
  readonly collaboration: string;
  readonly proposer: string;
  readonly pack: string;
  readonly toHash: string;
  /** ISO time of signing; the hub refuses one far from its own clock (a stale replay). */
  readonly at: string;
}

export type PackChangeOutcome =
  | { readonly ok: true; readonly pack: PolicyPack }
  | { readonly ok: false; readonly reasons: readonly string[] };

/** Check the new version first (nobody should sign a pack that cannot take effect). */
export function proposePackChange(
  engine: PolicyEngine,
  source: PackSource,
  collaboration: string,
  at: string,
): { ok: true; proposal: PackChangeProposal } | { ok: false; reasons: readonly string[] } {
  const check = engine.checkPack(source);
  if (!check.ok) return { ok: false, reasons: check.diagnostics };
  return {
    ok: true,
    proposal: {
      collaboration,
      pack: source.name,
      fromHash: engine.pack(source.name)?.hash ?? null,
      toHash: check.pack.hash,
      createdAt: at,
    },
  };
}

export function applyPackChange(
  engine: PolicyEngine,
  proposal: PackChangeProposal,
  source: PackSource,
  members: readonly Member[],
  signatures: Signatures,
): PackChangeOutcome {
  const reasons: string[] = [];
  if (source.name !== proposal.pack || packHash(source) !== proposal.toHash) {
    reasons.push('the pack text is not the version that was proposed (hash differs)');
  }
  if ((engine.pack(proposal.pack)?.hash ?? null) !== proposal.fromHash) {
    reasons.push(`the proposal is stale: pack ${proposal.pack} changed since it was made`);
  }
  const tally = tallySignatures(PACK_CHANGE_PURPOSE, proposal, members, signatures);
  if (!tally.complete) reasons.push(describeTally(tally));
  if (reasons.length > 0) return { ok: false, reasons };
  const installed = engine.installPack(source);
  return installed.ok
    ? { ok: true, pack: installed.pack }
    : { ok: false, reasons: installed.diagnostics };
}

export interface DiffEntry {
  readonly index: number;
  readonly action: string;
  readonly before: { readonly decision: 'allow' | 'deny'; readonly policyId?: string };
  readonly after: { readonly decision: 'allow' | 'deny'; readonly policyId?: string };
}

export interface PackDiff {
  readonly pack: string;
  readonly fromHash: string;
  readonly toHash: string;
  readonly newlyAllowed: readonly DiffEntry[];
  readonly newlyDenied: readonly DiffEntry[];
  /** Still denied, but by a different rule. */
  readonly newReason: readonly DiffEntry[];
  readonly unchanged: number;
}

/** Decide every sample under the old and the new version (nothing is installed). */
export function diffPacks(
  engine: PolicyEngine,
  oldPack: PolicyPack | PackSource,
  newPack: PolicyPack | PackSource,
  samples: readonly unknown[],
): PackDiff {
  const [before, after] = [compiled(engine, oldPack), compiled(engine, newPack)];
  if (before.name !== after.name) {
    throw new PolicyError(
      'invalid-pack',
      `cannot diff pack ${before.name} against pack ${after.name}`,
    );
  }
  const diff = {
    newlyAllowed: [] as DiffEntry[],
    newlyDenied: [] as DiffEntry[],
    newReason: [] as DiffEntry[],
  };
  let unchanged = 0;
  samples.forEach((sample, index) => {
    const [a, b] = [engine.decideWith(sample, [before]), engine.decideWith(sample, [after])];
    const entry: DiffEntry = { index, action: b.action, before: summary(a), after: summary(b) };
    if (a.decision === 'deny' && b.decision === 'allow') diff.newlyAllowed.push(entry);
    else if (a.decision === 'allow' && b.decision === 'deny') diff.newlyDenied.push(entry);
    else if (a.deciding?.policyId !== b.deciding?.policyId) diff.newReason.push(entry);
    else unchanged++;
  });
  return { pack: after.name, fromHash: before.hash, toHash: after.hash, ...diff, unchanged };
}

function summary(decision: PolicyDecision): DiffEntry['before'] {
  const policyId = decision.deciding?.policyId ?? decision.error?.code;
  return policyId === undefined
    ? { decision: decision.decision }
    : { decision: decision.decision, policyId };
}

function compiled(engine: PolicyEngine, pack: PolicyPack | PackSource): PolicyPack {
  if ('policies' in pack) return pack;
  const check = engine.checkPack(pack);
  if (!check.ok)
    throw new PolicyError(
      'invalid-pack',
      `policy pack "${check.pack}" is invalid`,
      check.diagnostics,
    );
  return check.pack;
}

/** One version of a pack, as a reader names it. */
export interface PackVersion {
  readonly version: string;
  readonly hash: string;
}

/** What a proposed change does, as `converge policy diff` shows it, for the log and voters. */
export interface PackChangeSummary {
  readonly pack: string;
  readonly status: 'changed' | 'added';
  readonly from?: PackVersion;
  readonly to: PackVersion;
  readonly metadata: readonly string[];
  readonly policies: readonly PolicyChange[];
  /** The sample requests under the old and new version (a changed pack, samples given). */
  readonly samples?: PackDiff;
  /** Names of the sample requests, by DiffEntry.index. */
  readonly sampleLabels: readonly string[];
}

/** Compare a proposed version with the one in force and decide every sample under both. */
export function summarizePackChange(
  engine: PolicyEngine,
  current: PolicyPack | undefined,
  next: PolicyPack,
  samples: readonly { readonly label: string; readonly request: unknown }[],
): PackChangeSummary {
  const version = (p: PolicyPack): PackVersion => ({ version: p.version, hash: p.hash });
  const compared = comparePacks(current, next);
  if (current === undefined) {
    return { pack: next.name, status: 'added', to: version(next), ...compared, sampleLabels: [] };
  }
  return {
    pack: next.name,
    status: 'changed',
    from: version(current),
    to: version(next),
    ...compared,
    ...(samples.length > 0
      ? {
          samples: diffPacks(
            engine,
            current,
            next,
            samples.map((s) => s.request),
          ),
        }
      : {}),
    sampleLabels: samples.map((s) => s.label),
  };
}
