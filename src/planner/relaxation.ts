/**
 * The LP relaxation of a formulation, solved with HiGHS by column generation.
 *
 * Column generation starts from each class's few best sites, solves the LP, prices every legal
 * column left out with the row duals (reduced cost = cost − Σ coefficient × dual) and adds the
 * ones that would improve it, until none would. The LP optimum is then the optimum of the LP
 * over *all* legal columns: a valid lower bound on every plan, which the reported gaps use.
 * The MIP (mip.ts) continues from the model this leaves.
 */
import type { Highs } from 'highs';
import { deadlineAggregateFormulation } from './deadline-aggregate.js';
import type { Formulation, ModelKind } from './formulation.js';
import { highsRuntime, MODEL_STATUS } from './highs-runtime.js';
import type { PlanningInstance } from './instance.js';
import type { Schedule } from './schedule.js';
import { timeIndexedFormulation } from './time-indexed.js';

export interface MipOptions {
  /** 'auto': time-indexed when its full column count is at most `exactColumnLimit`. */
  model?: 'auto' | ModelKind;
  exactColumnLimit?: number;
  /** Wall-clock budget for relaxation and MIP together, in seconds. */
  timeLimitSeconds?: number;
  /** HiGHS stops when its incumbent is this close to its own bound (default per model, DEFAULTS). */
  mipRelGap?: number;
  /** Columns to start generation from: each class's best this-many sites. */
  sitesPerClass?: number;
  /** A schedule (e.g. the greedy one) to start the MIP from, and to keep if the MIP is worse. */
  warmStart?: Schedule;
  /** See mip.ts; default: 'full' up to DEFAULTS.fullMipColumns integer columns. */
  strategy?: 'full' | 'lp-core';
}

export interface Relaxation {
  model: ModelKind;
  /** LP optimum over all legal columns (certified by pricing): a lower bound on any plan. */
  bound: number;
  pricingRounds: number;
  columns: number;
  candidateColumns: number;
  rows: number;
  ms: number;
}

export class PlannerSolveError extends Error {
  override name = 'PlannerSolveError';
}

export const DEFAULTS = {
  exactColumnLimit: 20_000,
  fullMipColumns: 20_000,
  timeLimitSeconds: 60,
  /** Relative MIP gap at which HiGHS stops: tight for the small exact model, looser for the large one. */
  mipRelGap: { 'time-indexed': 1e-4, 'deadline-aggregate': 0.005 },
  maxRounds: 200,
  perClass: 2,
};

export function chooseModel(instance: PlanningInstance, options: MipOptions): ModelKind {
  if (options.model !== undefined && options.model !== 'auto') return options.model;
  const { earliestStart, latestStart } = instance.candidates;
  let columns = 0;
  for (let j = 0; j < earliestStart.length; j++) columns += latestStart[j]! - earliestStart[j]! + 1;
  return columns <= (options.exactColumnLimit ?? DEFAULTS.exactColumnLimit)
    ? 'time-indexed'
    : 'deadline-aggregate';
}

export type HighsModel = ReturnType<Highs['createModel']>;

export function flush(model: HighsModel, f: Formulation): void {
  const batch = f.columns.takePending(f.rowLower.length);
  if (batch) model.addCols(batch);
}

function runOrThrow(model: HighsModel, what: string): void {
  const { modelStatus } = model.run();
  if (modelStatus !== 7) {
    throw new PlannerSolveError(
      `${what}: HiGHS ended with '${MODEL_STATUS[modelStatus] ?? modelStatus}'`,
    );
  }
}

/** Builds the formulation and solves its LP relaxation by column generation. */
export async function relax(
  instance: PlanningInstance,
  options: MipOptions,
): Promise<{ model: HighsModel; f: Formulation; relaxation: Relaxation }> {
  const started = performance.now();
  const highs = await highsRuntime();
  const kind = chooseModel(instance, options);
  const f =
    kind === 'time-indexed'
      ? timeIndexedFormulation(instance)
      : deadlineAggregateFormulation(instance);
  const numRows = f.rowLower.length;
  const model = highs.createModel({
    numCols: 0,
    numRows,
    colCost: [],
    colLower: [],
    colUpper: [],
    rowLower: f.rowLower,
    rowUpper: f.rowUpper,
    matrix: { format: 'csc', numRows, numCols: 0, starts: [0], indices: [], values: [] },
  });
  try {
    model.options.set({ output_flag: false });
    const initial = options.sitesPerClass ?? (kind === 'time-indexed' ? Infinity : 4);
    f.addInitialColumns(initial);
    flush(model, f);
    // No workload to place: nothing to solve, and nothing to pay.
    const empty = f.columns.size === 0;
    if (!empty) runOrThrow(model, 'LP relaxation');
    let rounds = 0;
    while (!empty && rounds < DEFAULTS.maxRounds) {
      const added = f.price(model.getSolution().rowDual, DEFAULTS.perClass);
      if (added === 0) break;
      rounds++;
      flush(model, f);
      runOrThrow(model, `LP relaxation, pricing round ${rounds}`);
    }
    const relaxation: Relaxation = {
      model: kind,
      bound: empty ? 0 : model.getObjectiveValue(),
      pricingRounds: rounds,
      columns: f.columns.size,
      candidateColumns: f.candidateColumns,
      rows: numRows,
      ms: performance.now() - started,
    };
    return { model, f, relaxation };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The LP lower bound alone (for the greedy plan's gap). */
export async function lpBound(
  instance: PlanningInstance,
  options: MipOptions = {},
): Promise<Relaxation> {
  const { model, relaxation } = await relax(instance, options);
  model.dispose();
  return relaxation;
}
