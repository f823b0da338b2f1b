import type { PolicyErrorCode } from './errors.js';
import type { PolicyRequest } from './request.js';

/** A rule of a consulted pack that was not applied because of its dates. */
export interface NotApplied {
  readonly policyId: string;
  readonly status: 'retired' | 'not-yet-in-force';
  /** Retired since, or in force from. */
  readonly date: string;
  readonly note: string;
}

export interface PackOutcome {
  readonly pack: string;
  readonly version: string;
  readonly hash: string;
  readonly decision: 'allow' | 'deny';
  /** The policies that decided: satisfied forbids (or failed ones) on deny, permits on allow. */
  readonly policies: readonly string[];
  readonly reason?: string;
  readonly notApplied?: readonly NotApplied[];
}

/** The one policy a refusal is explained by: first refusing pack, its first rule that applied. */
export interface DecidingPolicy {
  readonly pack: string;
  readonly policyId: string;
  readonly attribute: string;
  /** The attribute's value in the request, when it has one. */
  readonly value?: string | number | boolean;
  readonly reason: string;
}

export interface PolicyDecision {
  readonly decision: 'allow' | 'deny';
  readonly date: string;
  readonly action: string;
  /** Countries the action touches (listed by the caller or revealed by the request). */
  readonly jurisdictions: readonly string[];
  readonly packs: readonly PackOutcome[];
  readonly deciding?: DecidingPolicy;
  /** Explanations that decided nothing: retired rules skipped, countries without a pack. */
  readonly notes: readonly string[];
  /** sha256 over the consulted packs' names and hashes ("" when no pack was consulted). */
  readonly policySetHash: string;
  readonly schemaHash: string;
  /** Present when the request itself was refused (default deny), never alongside an allow. */
  readonly error?: {
    readonly code: PolicyErrorCode;
    readonly message: string;
    readonly details: readonly string[];
  };
}

/**
 * What a hub logs for each decision, and all a replay needs: the request normalised (every
 * default filled, a PolicyRequest) or, if it was refused as malformed, as it came.
 */
export interface LoggedDecision {
  readonly request: PolicyRequest | unknown;
  readonly decision: PolicyDecision;
}

export const DEFAULT_DENY = 'default-deny';

/** Freeze a decision deeply: cached decisions are shared, so callers must not change them. */
export function freezeDecision(decision: PolicyDecision): PolicyDecision {
  for (const pack of decision.packs) {
    if (pack.notApplied) Object.freeze(pack.notApplied);
    Object.freeze(pack.policies);
    Object.freeze(pack);
  }
  Object.freeze(decision.packs);
  Object.freeze(decision.notes);
  Object.freeze(decision.jurisdictions);
  if (decision.deciding) Object.freeze(decision.deciding);
  return Object.freeze(decision);
}
