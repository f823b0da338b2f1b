import { z } from 'zod';

import type { LoggedDecision, PolicyDecision } from './decision.js';
import type { PolicyEngine } from './engine.js';
import { PolicyError } from './errors.js';
import type { PolicyPack } from './pack.js';
import { policySetHash } from './policy-set.js';
import { describeIssues } from './pack-meta.js';
import { parsePolicyRequest } from './request.js';

export interface ReplayResult {
  readonly matches: boolean;
  /** What differs, one line each; empty when the replay matches. */
  readonly differences: readonly string[];
  readonly recomputed?: PolicyDecision;
}

/**
 * Recompute a logged decision from its logged request and the exact pack versions named by
 * hash in it (the engine keeps every version it has seen), and compare. A log whose pack
 * hashes do not add up to its policySetHash is refused before anything is recomputed.
 */
export function replayDecision(engine: PolicyEngine, logged: LoggedDecision): ReplayResult {
  const { decision } = logged;
  const refuse = (...differences: string[]): ReplayResult => ({ matches: false, differences });
  if (decision.schemaHash !== engine.schema.hash) {
    return refuse(`schema ${decision.schemaHash.slice(0, 12)}… is not the engine's schema`);
  }
  const packs: PolicyPack[] = [];
  for (const outcome of decision.packs) {
    const pack = engine.packByHash(outcome.hash);
    if (!pack)
      return refuse(`pack ${outcome.pack} version ${outcome.hash.slice(0, 12)}… is not available`);
    packs.push(pack);
  }
  if (policySetHash(packs) !== decision.policySetHash) {
    return refuse('the logged pack hashes do not match the logged policySetHash');
  }
  let recomputed: PolicyDecision;
  try {
    const request = parsePolicyRequest(logged.request, decision.date);
    recomputed = engine.evaluate(request, packs.length > 0 ? packs : engine.packs());
  } catch (error) {
    recomputed = engine.refusal(logged.request, decision.date, error);
  }
  const differences = compare(decision, recomputed);
  return { matches: differences.length === 0, differences, recomputed };
}

function compare(logged: PolicyDecision, now: PolicyDecision): string[] {
  const differences: string[] = [];
  const check = (what: string, a: unknown, b: unknown): void => {
    const [left, right] = [JSON.stringify(a), JSON.stringify(b)];
    if (left !== right) differences.push(`${what}: logged ${left}, recomputed ${right}`);
  };
  check('decision', logged.decision, now.decision);
  check('error', logged.error?.code, now.error?.code);
  check('jurisdictions', logged.jurisdictions, now.jurisdictions);
  check('policySetHash', logged.policySetHash, now.policySetHash);
  const outcome = (d: PolicyDecision) =>
    d.packs.map((p) => ({ pack: p.pack, decision: p.decision, policies: p.policies }));
  check('packs', outcome(logged), outcome(now));
  check('deciding', logged.deciding?.policyId, now.deciding?.policyId);
  return differences;
}

const Logged = z.object({
  request: z.unknown(),
  decision: z.looseObject({
    date: z.string(),
    decision: z.enum(['allow', 'deny']),
    schemaHash: z.string(),
    policySetHash: z.string(),
    jurisdictions: z.array(z.string()),
    packs: z.array(
      z.looseObject({
        pack: z.string(),
        hash: z.string(),
        decision: z.enum(['allow', 'deny']),
        policies: z.array(z.string()),
      }),
    ),
  }),
});

/** Read a logged decision (e.g. from a ledger entry); the request is re-validated on replay. */
export function parseLoggedDecision(json: unknown): LoggedDecision {
  const parsed = Logged.safeParse(json);
  if (!parsed.success) {
    throw new PolicyError(
      'malformed-request',
      'not a logged policy decision',
      describeIssues(parsed.error),
    );
  }
  return parsed.data as unknown as LoggedDecision;
}
