/**
 * The JSON `converge plan --json` writes: the plan in the planner's API shape and, for a
 * scenario, the run-at-data baseline and what the plan saves. The hub's dashboard reads the
 * same file back (scenario-plans.ts), so both sides share this one schema.
 */
import { z } from 'zod';
import { PlanJson } from './plan-json.js';
import { SCENARIOS } from './scenario.js';

const n = z.number();
const Totals = z.object({ workloads: z.int(), usd: n, kgCO2: n }).strict();

export const PlanCommandJson = z
  .object({
    version: z.literal(1),
    input: z.union([
      z.object({ scenario: z.enum(SCENARIOS) }).strict(),
      z.object({ sites: z.string(), workloads: z.string() }).strict(),
    ]),
    plan: PlanJson,
    /** Only for a scenario: the run-at-data baseline and what the plan saves against it. */
    scenario: z
      .object({
        baseline: PlanJson,
        comparison: z
          .object({
            planned: Totals,
            runAtData: Totals,
            savedUsd: n,
            savedKgCO2: n,
            savedUsdShare: n,
            savedKgCO2Share: n,
          })
          .strict(),
        flows: z.array(
          z.object({ from: z.string(), to: z.string(), workloads: z.int(), acceleratorHours: n }),
        ),
        keptHomeByPolicy: z.object({ workloads: z.array(z.string()), share: n }).strict(),
        notRunnableAtData: z.array(z.string()),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PlanCommandJson = z.infer<typeof PlanCommandJson>;
