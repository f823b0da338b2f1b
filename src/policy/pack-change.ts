/**
 * Changing a pack is itself governed: a new version takes effect only when every member has
 * signed it (over its hash), and only if it validates; otherwise the version in force stays.
 * diffPacks shows beforehand what a change would newly allow or deny.
 */
import type { PolicyDecision } from './decision.js';
import type { PolicyEngine } from './engine.js';
import { PolicyError } from './errors.js';
import { packHash, type PackSource, type PolicyPack } from './pack.js';
import { describeTally, tallySignatures, type Member, type Signatures } from './signatures.js';

export const PACK_CHANGE_PURPOSE = 'converge/pack-change/v1';

/** What members sign. The hash binds the exact text and metadata of the new version. */
export interface PackChangeProposal {
  readonly collaboration: string;
  readonly pack: string;
  /** The version in force when proposed (null for a new pack): a stale vote cannot apply. */
  readonly fromHash: string | null;
  readonly toHash: string;
  readonly createdAt: string;
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
