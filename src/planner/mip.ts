/**
 * The MIP, on the columns the LP relaxation generated (relaxation.ts).
 *
 * 'full': HiGHS branch-and-cut over all generated columns, warm-started from a schedule (the
 * greedy one). Used when the generated model is small, and always for the exact time-indexed
 * model, so small instances get proven optima.
 * 'lp-core': for large models. Classes whose LP columns are all integral keep their LP values
 * (fixed); HiGHS decides only the classes the LP left fractional — typically a few per cent.
 * It gives up optimality of the restricted MIP for speed; the gap against the LP bound says
 * what that cost.
 *
 * Either answer is realised into a schedule (realise.ts) and improved (improve.ts). On the
 * aggregated model packing can fall short at a site (its rows allowed more than fits in slots);
 * then that site's room is lowered by what did not fit and the MIP is solved again, for a few
 * rounds within the time limit. The best schedule wins, the warm start included.
 */
import { AUXILIARY, PLACEMENT, UNPLACED, type Formulation } from './formulation.js';
import { highsRuntime, MODEL_STATUS } from './highs-runtime.js';
import type { PlanningInstance } from './instance.js';
import { improveSchedule } from './improve.js';
import { realise, type Shortfall } from './realise.js';
import {
  DEFAULTS,
  flush,
  PlannerSolveError,
  relax,
  type HighsModel,
  type MipOptions,
  type Relaxation,
} from './relaxation.js';
import { emptySchedule, scheduleObjective, type Schedule } from './schedule.js';
import { exactSitePacker, type ExactSitePacker } from './site-packing.js';

export type MipStrategy = 'full' | 'lp-core';

export interface MipOutcome {
  schedule: Schedule;
  relaxation: Relaxation;
  strategy: MipStrategy;
  status: string;
  /** HiGHS's own relative gap on the generated columns. */
  solverGap?: number;
  /** Workloads the MIP placed that packing could not fit, and the repair pass moved. */
  displaced: number;
  /** True when the warm start beat the realised MIP answer and was kept instead. */
  keptWarmStart: boolean;
  mipMs: number;
}

/** Fixes every column of each class the LP placed integrally; returns how many stay free. */
function fixIntegralClasses(model: HighsModel, f: Formulation, x: Float64Array): number {
  const { kind, classIndex } = f.columns;
  const fractional = new Set<number>();
  for (let col = 0; col < f.columns.size; col++) {
    if (kind[col] !== AUXILIARY && Math.abs(x[col]! - Math.round(x[col]!)) > 1e-6) {
      fractional.add(classIndex[col]!);
    }
  }
  const fixed: number[] = [];
  const value: number[] = [];
  let free = 0;
  for (let col = 0; col < f.columns.size; col++) {
    if (kind[col] === AUXILIARY) continue;
    if (fractional.has(classIndex[col]!)) {
      free++;
      continue;
    }
    fixed.push(col);
    value.push(Math.round(x[col]!));
  }
  if (fixed.length > 0) model.changeColsBounds({ kind: 'set', indices: fixed }, value, value);
  return free;
}

/** Packing rounds at most: each tightens the sites whose packing fell short and solves again. */
const PACKING_ROUNDS = 4;

interface Round {
  status: string;
  solverGap?: number;
  schedule?: Schedule;
  displaced: number;
  shortfalls: Shortfall[];
}

/** One MIP solve on the model's current bounds, realised and improved into a schedule. */
function solveRound(
  instance: PlanningInstance,
  model: HighsModel,
  f: Formulation,
  strategy: MipStrategy,
  seconds: number,
  mipRelGap: number,
  start: Schedule | undefined,
  packer: ExactSitePacker | undefined,
): Round {
  // A warm start may use columns generation never made: add them before anything else.
  const warm = start && strategy === 'full' ? f.warmStart(start) : undefined;
  flush(model, f);
  const n = f.columns.size;
  if (n === 0)
    return { status: 'empty', schedule: emptySchedule(instance), displaced: 0, shortfalls: [] };
  const upper = Float64Array.from(f.columns.upperBound);
  let lp: Float64Array | undefined;
  if (strategy === 'lp-core') {
    // The LP on the current bounds first: its integral classes get fixed.
    model.changeColsIntegrality({ kind: 'range', from: 0, to: n - 1 }, new Int32Array(n));
    model.changeColsBounds(
      { kind: 'range', from: 0, to: n - 1 },
      new Float64Array(n),
      currentUpper(model, f, upper),
    );
    model.run();
    lp = model.getSolution().colValue;
  }
  const integrality = Int32Array.from(f.columns.kind, (k) => (k === AUXILIARY ? 0 : 1));
  model.changeColsIntegrality({ kind: 'range', from: 0, to: n - 1 }, integrality);
  if (strategy === 'lp-core') fixIntegralClasses(model, f, lp!);
  model.options.set({ time_limit: Math.max(1, seconds), mip_rel_gap: mipRelGap });
  if (warm) model.setSolution({ colValue: warm });
  const { modelStatus } = model.run();
  const status = MODEL_STATUS[modelStatus] ?? String(modelStatus);
  if (Number(model.info.get('primal_solution_status')) !== 2)
    return { status, displaced: 0, shortfalls: [] };
  const reportedGap = Number(model.info.get('mip_gap'));
  const realised = realise(instance, f.intents(model.getSolution().colValue), packer);
  improveSchedule(instance, realised.schedule, { budgetMs: 1000 });
  return {
    status,
    solverGap: Number.isFinite(reportedGap) ? reportedGap : undefined,
    schedule: realised.schedule,
    displaced: realised.displaced,
    shortfalls: realised.shortfalls,
  };
}

/** Upper bounds as the model has them now for auxiliary columns, the originals for the rest. */
function currentUpper(model: HighsModel, f: Formulation, original: Float64Array): Float64Array {
  const cols = model.getCols({ kind: 'range', from: 0, to: f.columns.size - 1 });
  return Float64Array.from(original, (u, col) =>
    f.columns.kind[col] === AUXILIARY ? cols.upper[col]! : u,
  );
}

export async function solveMip(
  instance: PlanningInstance,
  options: MipOptions = {},
): Promise<MipOutcome> {
  const started = performance.now();
  const budget = options.timeLimitSeconds ?? DEFAULTS.timeLimitSeconds;
  const secondsLeft = () => budget - (performance.now() - started) / 1000;
  const { model, f, relaxation } = await relax(instance, options);
  const mipStarted = performance.now();
  try {
    const integer = f.columns.kind.filter((k) => k === PLACEMENT || k === UNPLACED).length;
    const strategy: MipStrategy =
      options.strategy ??
      (f.kind === 'time-indexed' || integer <= DEFAULTS.fullMipColumns ? 'full' : 'lp-core');
    const packer =
      f.kind === 'deadline-aggregate'
        ? exactSitePacker(await highsRuntime(), 0.5, Math.max(1, budget * 0.1))
        : undefined;
    const gap = options.mipRelGap ?? DEFAULTS.mipRelGap[f.kind];
    let best = options.warmStart;
    let bestObjective = best ? scheduleObjective(instance, best) : Infinity;
    let keptWarmStart = true;
    let last: Round = { status: 'not run', displaced: 0, shortfalls: [] };
    for (let round = 0; round < PACKING_ROUNDS; round++) {
      // The first round may use most of the time; later ones split what is left.
      const seconds = secondsLeft() * (round === 0 ? 0.6 : 0.5);
      if (round > 0 && seconds < 1) break;
      last = solveRound(instance, model, f, strategy, seconds, gap, best, packer);
      if (last.schedule) {
        const objective = scheduleObjective(instance, last.schedule);
        if (objective < bestObjective) {
          best = last.schedule;
          bestObjective = objective;
          keptWarmStart = false;
        }
      }
      if (!f.tighten || last.shortfalls.length === 0) break;
      // Packing showed some sites' room is not all usable: tell the model, and solve again.
      const changes = last.shortfalls.flatMap((s) => f.tighten!(s.site, s.deadlineSlot, s.area));
      model.changeColsBounds(
        { kind: 'set', indices: changes.map((c) => c.column).sort((a, b) => a - b) },
        new Float64Array(changes.length),
        Float64Array.from(
          [...changes].sort((a, b) => a.column - b.column),
          (c) => c.upper,
        ),
      );
    }
    if (!best) throw new PlannerSolveError(`MIP: HiGHS found no feasible plan ('${last.status}')`);
    return {
      schedule: best,
      relaxation,
      strategy,
      status: last.status,
      solverGap: last.solverGap,
      displaced: last.displaced,
      keptWarmStart,
      mipMs: performance.now() - mipStarted,
    };
  } finally {
    model.dispose();
  }
}
