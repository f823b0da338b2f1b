import { authorize, type CedarAnswer, type CedarCall } from './cedar.js';
import { toCedarCall, type CedarRequest } from './cedar-request.js';
import { environmentOf } from './compiled-request.js';
import { PolicyError } from './errors.js';
import type { PackPolicy, PolicyPack } from './pack.js';
import type { ActivePack, PreparedSet } from './policy-set.js';
import type { PolicySchema } from './schema.js';

/** One pack's answer, derived from the answer over the combined set. */
export interface PackVerdict {
  readonly active: ActivePack;
  readonly decision: 'allow' | 'deny';
  readonly permits: readonly PackPolicy[];
  readonly forbids: readonly PackPolicy[];
  readonly errors: readonly { policy: PackPolicy; message: string }[];
}

/** Which engine answered: the compiled closures, or cedar-wasm itself. */
export type Evaluator = 'compiled' | 'cedar';

interface Outcome {
  readonly permitIds: readonly string[];
  readonly forbidIds: readonly string[];
  readonly errors: readonly { policyId: string; message: string }[];
}

/**
 * Every pack's verdict on one call. Each pack on its own means "some permit applies and no
 * forbid does". With `prefer` = 'compiled' the set's compiled closures answer when they can
 * (see compile-policy.ts); otherwise, and whenever they cannot, cedar-wasm answers.
 * A policy that fails to evaluate makes its pack deny: Cedar skips it, we fail closed.
 */
export function evaluatePacks(
  request: CedarRequest,
  packs: readonly ActivePack[],
  set: PreparedSet,
  schema: PolicySchema,
  prefer: Evaluator = 'compiled',
): { verdicts: PackVerdict[]; evaluator: Evaluator } {
  const compiled = prefer === 'compiled' ? compiledOutcome(request, set, schema) : undefined;
  const outcome = compiled ?? cedarOutcome(toCedarCall(request), set, schema.cacheName);
  const permits = group(set, outcome.permitIds);
  const forbids = group(set, outcome.forbidIds);
  const errors = new Map<PolicyPack, { policy: PackPolicy; message: string }[]>();
  for (const { policyId, message } of outcome.errors) {
    const owner = set.owners.get(policyId);
    if (owner)
      errors.set(owner.pack, [
        ...(errors.get(owner.pack) ?? []),
        { policy: owner.policy, message },
      ]);
  }
  const verdicts = packs.map((active): PackVerdict => {
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
  return { verdicts, evaluator: compiled === undefined ? 'cedar' : 'compiled' };
}

/**
 * The combined set answers for all packs at once when it allows (Cedar then lists every
 * satisfied permit). When it denies, Cedar lists only the forbids, so a second call over the
 * permits alone tells which packs would have permitted (skipped when every pack has an
 * unconditional permit, as all packs here do).
 */
function cedarOutcome(call: CedarCall, set: PreparedSet, schemaName: string): Outcome {
  const combined = ask(call, set.id, schemaName);
  if (combined.decision === 'allow') {
    return { permitIds: combined.reason, forbidIds: [], errors: combined.errors };
  }
  if (combined.reason.length === 0) {
    // Denied with no forbid applying, so no permit applied either.
    return { permitIds: [], forbidIds: [], errors: combined.errors };
  }
  return {
    permitIds: set.unconditionalPermits ?? ask(call, set.permitsId(), schemaName).reason,
    forbidIds: combined.reason,
    errors: combined.errors,
  };
}

/** The same outcome from the compiled closures, or undefined where cedar-wasm must answer. */
function compiledOutcome(
  request: CedarRequest,
  set: PreparedSet,
  schema: PolicySchema,
): Outcome | undefined {
  if (set.compiled === undefined || schema.shapes === undefined) return undefined;
  try {
    const env = environmentOf(request, schema.shapes, schema.actionGroups);
    const permitIds: string[] = [];
    const forbidIds: string[] = [];
    for (const { id, effect, applies } of set.compiled) {
      if (applies(env)) (effect === 'permit' ? permitIds : forbidIds).push(id);
    }
    if (forbidIds.length === 0) return { permitIds, forbidIds, errors: [] };
    // As cedarOutcome reports a denied set's permits, so that both give the same verdicts.
    return { permitIds: set.unconditionalPermits ?? permitIds, forbidIds, errors: [] };
  } catch {
    // Cedar is the reference: whatever the closures fail on, for any reason, Cedar decides.
    return undefined;
  }
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
