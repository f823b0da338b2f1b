/**
 * The planner's entry point: policy gate and scoring, then the greedy heuristic, then (for the
 * 'mip' solver) the LP bound and the MIP warm-started from the greedy schedule.
 */
import { builtinPolicyGate } from './builtin-gate.js';
import { solveGreedy } from './greedy.js';
import { prepareInstance } from './instance.js';
import { solveMip } from './mip.js';
import { lpBound, type MipOptions } from './relaxation.js';
import type { Objective, ObjectiveWeights } from './objective.js';
import { assemblePlan, type Plan } from './plan.js';
import type { PolicyGate } from './policy-gate.js';
import type { Network } from './sites.js';
import type { Workload } from './workloads.js';

export interface PlanOptions {
  objective?: Objective;
  /** Replace the objective's preset weights (e.g. to price carbon explicitly). */
  weights?: ObjectiveWeights;
  solver?: 'mip' | 'greedy';
  gate?: PolicyGate;
  /** For the greedy solver: also compute the LP bound and the gap (default true). */
  bound?: boolean;
  mip?: MipOptions;
}

export async function plan(
  network: Network,
  workloads: readonly Workload[],
  options: PlanOptions = {},
): Promise<Plan> {
  const t0 = performance.now();
  const instance = prepareInstance(network, workloads, options.gate ?? builtinPolicyGate, {
    objective: options.objective ?? 'balanced',
    weights: options.weights,
  });
  const t1 = performance.now();
  const greedy = solveGreedy(instance);
  const t2 = performance.now();
  const classes = instance.classes.length;
  if ((options.solver ?? 'mip') === 'greedy') {
    const relaxation = options.bound === false ? undefined : await lpBound(instance, options.mip);
    return assemblePlan(instance, greedy, relaxation?.bound ?? null, {
      solver: 'greedy',
      status: 'heuristic',
      model: relaxation?.model,
      classes,
      columns: relaxation?.columns,
      candidateColumns: relaxation?.candidateColumns,
      rows: relaxation?.rows,
      pricingRounds: relaxation?.pricingRounds,
      ms: {
        prepare: t1 - t0,
        greedy: t2 - t1,
        relaxation: relaxation?.ms,
        total: performance.now() - t0,
      },
    });
  }
  const mip = await solveMip(instance, { ...options.mip, warmStart: greedy });
  return assemblePlan(instance, mip.schedule, mip.relaxation.bound, {
    solver: 'mip',
    status: mip.status,
    model: mip.relaxation.model,
    strategy: mip.strategy,
    classes,
    columns: mip.relaxation.columns,
    candidateColumns: mip.relaxation.candidateColumns,
    rows: mip.relaxation.rows,
    pricingRounds: mip.relaxation.pricingRounds,
    displaced: mip.displaced,
    keptWarmStart: mip.keptWarmStart,
    solverGap: mip.solverGap,
    ms: {
      prepare: t1 - t0,
      greedy: t2 - t1,
      relaxation: mip.relaxation.ms,
      mip: mip.mipMs,
      total: performance.now() - t0,
    },
  });
}
