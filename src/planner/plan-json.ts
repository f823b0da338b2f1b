/**
 * The plan as JSON for the API and the dashboard: the Plan itself plus a version and the
 * exclusions summarised by decision. The schema is the contract; a consumer parses with it.
 */
import { z } from 'zod';
import type { Plan } from './plan.js';
import { exclusionSummary } from './plan-table.js';

const n = z.number();
const Kind = z.enum(['training', 'analytics', 'evaluation', 'data-processing']);

export const PlanJson = z
  .object({
    version: z.literal(1),
    objective: z.enum(['cost', 'carbon', 'balanced']),
    weights: z.object({ usd: n, kgCO2: n, transferHours: n }),
    gate: z.string(),
    horizon: z.object({ slots: z.int(), slotHours: n }),
    assignments: z.array(
      z.object({
        workloadId: z.string(),
        kind: Kind,
        siteId: z.string(),
        siteCountry: z.string(),
        dataCountry: z.string(),
        startSlot: z.int(),
        endSlot: z.int(),
        accelerators: z.int(),
        acceleratorHours: n,
        computeUsd: n,
        egressUsd: n,
        energyKwh: n,
        kgCO2: n,
        dataMoved: z.boolean(),
        transferHours: n,
        score: n,
      }),
    ),
    sites: z.array(
      z.object({
        siteId: z.string(),
        name: z.string(),
        country: z.string(),
        hub: z.string().optional(),
        workloads: z.int(),
        acceleratorHours: n,
        usd: n,
        kgCO2: n,
        utilisation: n,
      }),
    ),
    exclusions: z.array(
      z.object({
        siteId: z.string(),
        pack: z.string(),
        policyId: z.string(),
        reason: z.string(),
        workloadIds: z.array(z.string()),
      }),
    ),
    exclusionSummary: z.array(
      z.object({
        pack: z.string(),
        policyId: z.string(),
        reason: z.string(),
        pairs: z.int(),
        sites: z.int(),
        workloads: z.int(),
      }),
    ),
    unplaced: z.array(z.object({ workloadId: z.string(), reason: z.string() })),
    unplaceable: z.array(
      z.object({
        workloadId: z.string(),
        reasons: z.array(
          z.object({
            kind: z.enum(['policy', 'hardware', 'capacity', 'deadline', 'latency']),
            pack: z.string().optional(),
            policyId: z.string().optional(),
            reason: z.string(),
            siteIds: z.array(z.string()),
          }),
        ),
      }),
    ),
    totals: z.object({
      workloads: z.int(),
      placed: z.int(),
      acceleratorHours: n,
      computeUsd: n,
      egressUsd: n,
      usd: n,
      energyKwh: n,
      kgCO2: n,
      objective: n,
    }),
    bound: z.object({ lp: n.nullable(), gap: n.nullable(), uncapacitated: n }),
    solve: z.object({
      solver: z.enum(['mip', 'greedy']),
      status: z.string(),
      model: z.enum(['time-indexed', 'deadline-aggregate']).optional(),
      strategy: z.enum(['full', 'lp-core']).optional(),
      classes: z.int(),
      columns: z.int().optional(),
      candidateColumns: z.int().optional(),
      rows: z.int().optional(),
      pricingRounds: z.int().optional(),
      displaced: z.int().optional(),
      keptWarmStart: z.boolean().optional(),
      solverGap: n.optional(),
      ms: z.object({
        prepare: n,
        greedy: n,
        relaxation: n.optional(),
        mip: n.optional(),
        total: n,
      }),
    }),
  })
  .strict();
export type PlanJson = z.infer<typeof PlanJson>;

export function planToJson(plan: Plan): PlanJson {
  // Spelled out (not spread) so that a field added to Plan must be added here on purpose.
  return {
    version: 1,
    objective: plan.objective,
    weights: plan.weights,
    gate: plan.gate,
    horizon: plan.horizon,
    assignments: plan.assignments,
    sites: plan.sites,
    exclusions: plan.exclusions,
    exclusionSummary: exclusionSummary(plan),
    unplaced: plan.unplaced,
    unplaceable: plan.unplaceable,
    totals: plan.totals,
    bound: plan.bound,
    solve: plan.solve,
  };
}
