/**
 * The planner's question to the policy engine: may this workload run on this site?
 *
 * The planner asks once per (workload, site) pair before it builds any model; a refused pair is
 * never a variable and is reported with the pack and policy that refused it. The built-in gate
 * (builtin-gate.ts) lets the planner run standalone; the Cedar engine implements the same
 * interface.
 *
 * Contract: a decision depends on the workload's attributes, not on its id. The planner asks for
 * one workload of each group of otherwise identical workloads and applies the answer to all.
 */
import type { Site } from './sites.js';
import type { Workload } from './workloads.js';

export type GateDecision =
  | { allowed: true }
  | {
      allowed: false;
      /** The policy pack that decided, e.g. a jurisdiction ("CN", "US") or "consortium". */
      pack: string;
      policyId: string;
      reason: string;
    };

export type Refusal = Extract<GateDecision, { allowed: false }>;

export interface PolicyGate {
  /** Names the gate in reports, e.g. "built-in" or a policy-set hash. */
  readonly name: string;
  allowed(workload: Workload, site: Site): GateDecision;
}

export const ALLOWED: GateDecision = Object.freeze({ allowed: true });
