import { authorize, type CedarAnswer, type CedarCall } from './cedar.js';
import { PolicyError } from './errors.js';
import type { PackPolicy, PolicyPack } from './pack.js';
import type { ActivePack, PreparedSet } from './policy-set.js';

/** One pack's answer, derived from Cedar's answer over the combined set. */
export interface PackVerdict {
  readonly active: ActivePack;
  readonly decision: 'allow' | 'deny';
  readonly permits: readonly PackPolicy[];
  readonly forbids: readonly PackPolicy[];
  readonly errors: readonly { policy: PackPolicy; message: string }[];
}

/**
 * Evaluate every pack in one Cedar call where possible. Each pack on its own means "some
 * permit applies and no forbid does"; the combined set answers that for all packs at once
 * when it allows (Cedar then lists every satisfied permit). When it denies, Cedar lists only
 * the forbids, so a second call over the permits alone tells which packs would have permitted
 * (skipped when every pack has an unconditional permit, as all packs here do).
 * A policy that fails to evaluate makes its pack deny: Cedar skips it, we fail closed.
 */
export function evaluatePacks(
  call: CedarCall,
  packs: readonly ActivePack[],
  set: PreparedSet,
  schemaName: string,
): PackVerdict[] {
  const combined = ask(call, set.id, schemaName);
  let permitIds: readonly string[] = [];
  let forbidIds: readonly string[] = [];
  if (combined.decision === 'allow') {
    permitIds = combined.reason;
  } else if (combined.reason.length > 0) {
    forbidIds = combined.reason;
    // Packs whose baseline permit is unconditional permit every request: no need to ask.
    permitIds = set.unconditionalPermits ?? ask(call, set.permitsId(), schemaName).reason;
  } // else: denied with no forbid applying, so no permit applied either
  const permits = group(set, permitIds);
  const forbids = group(set, forbidIds);
  const errors = new Map<PolicyPack, { policy: PackPolicy; message: string }[]>();
  for (const { policyId, message } of combined.errors) {
    const owner = set.owners.get(policyId);
    if (owner)
      errors.set(owner.pack, [
        ...(errors.get(owner.pack) ?? []),
        { policy: owner.policy, message },
      ]);
  }
  return packs.map((active) => {
    const packPermits = permits.get(active.pack) ?? [];
    const packForbids = forbids.get(active.pack) ?? [];
    const packErrors = errors.get(active.pack) ?? [];
    const allowed = packPermits.length > 0 && packForbids.length === 0 && packErrors.length === 0;
    return {
      active,
      decision: allowed ? 'allow' : 'deny',
      permits: packPermits,
      forbids: packForbids,
      errors: packErrors,
    };
  });
}

function ask(call: CedarCall, setId: string, schemaName: string): CedarAnswer {
  const answer = authorize(call, setId, schemaName);
  if (!answer.ok) {
    throw new PolicyError(
      'invalid-request',
      'Cedar refused the request against the schema',
      answer.errors,
    );
  }
  return answer.value;
}

/** Policies by pack, in each pack's own order (so the first forbid is the pack's first rule). */
function group(set: PreparedSet, ids: readonly string[]): Map<PolicyPack, PackPolicy[]> {
  const byPack = new Map<PolicyPack, PackPolicy[]>();
  for (const id of ids) {
    const owner = set.owners.get(id);
    if (owner) byPack.set(owner.pack, [...(byPack.get(owner.pack) ?? []), owner.policy]);
  }
  for (const policies of byPack.values()) {
    policies.sort((a, b) => a.order - b.order);
  }
  return byPack;
}
