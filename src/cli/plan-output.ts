/**
 * `converge plan`'s output: the text report, and the JSON written by --json (its schema,
 * PlanCommandJson, is the planner's: the hub reads it back too).
 */
import {
  formatPlanTable,
  formatScenarioReport,
  PlanCommandJson,
  planToJson,
} from '../planner/index.js';
import type { PlanOutcome } from './plan-run.js';

export { PlanCommandJson };

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
