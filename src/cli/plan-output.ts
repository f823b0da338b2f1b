/**
 * `converge plan`'s output: the text report, and the JSON written by --json with its zod schema
 * (the plan in the planner's API shape; for a scenario also the baseline and the comparison).
 */
import { z } from 'zod';
import {
  formatPlanTable,
  formatScenarioReport,
  PlanJson,
  planToJson,
  SCENARIOS,
} from '../planner/index.js';
import type { PlanOutcome } from './plan-run.js';

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

export function formatPlanOutcome(outcome: PlanOutcome): string {
  return outcome.kind === 'scenario'
    ? formatScenarioReport(outcome.result)
    : formatPlanTable(outcome.plan);
}

export function planOutcomeToJson(outcome: PlanOutcome): PlanCommandJson {
  if (outcome.kind === 'files') {
    return { version: 1, input: outcome.request.source, plan: planToJson(outcome.plan) };
  }
  const r = outcome.result;
  return {
    version: 1,
    input: { scenario: r.scenario },
    plan: planToJson(r.plan),
    scenario: {
      baseline: planToJson(r.baseline),
      comparison: r.comparison,
      flows: r.flows,
      keptHomeByPolicy: r.keptHomeByPolicy,
      notRunnableAtData: r.notRunnableAtData,
    },
  };
}
