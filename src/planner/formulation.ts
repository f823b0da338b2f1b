/**
 * What the MIP driver needs from a model of the placement problem: its rows, the columns it
 * starts with, pricing of the columns it left out, a warm start from a schedule, and the
 * translation of a solution back into placement intents. Two models implement it:
 * time-indexed.ts (exact) and deadline-aggregate.ts (a relaxation for large instances).
 *
 * Columns are added to HiGHS in batches; ColumnSet keeps, in model order, what each column means.
 */
import type { Intent } from './realise.js';
import type { Schedule } from './schedule.js';

export type ModelKind = 'time-indexed' | 'deadline-aggregate';

export const PLACEMENT = 0;
export const UNPLACED = 1;
export const AUXILIARY = 2;

export interface Formulation {
  readonly kind: ModelKind;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly columns: ColumnSet;
  /** Placement columns for each class's `sitesPerClass` best candidates (all when Infinity). */
  addInitialColumns(sitesPerClass: number): void;
  /**
   * Adds, per class, up to `perClass` left-out columns with negative reduced cost under the row
   * duals (most negative first); returns how many. Zero means the LP is optimal over all columns.
   */
  price(rowDual: Float64Array, perClass: number): number;
  /** Adds the columns a schedule uses; returns the full primal vector for it. */
  warmStart(schedule: Schedule): Float64Array;
  /** Reads placement intents from a primal vector. */
  intents(colValue: Float64Array): Intent[];
  /** How many placement columns the full model would have (for reporting). */
  readonly candidateColumns: number;
  /**
   * Lowers a site's room for work due at or after `deadlineSlot` by `area` accelerator-slots, after
   * packing showed the model's room was not all usable; returns the column bounds to change.
   * Absent for exact models, where everything the MIP picks packs.
   */
  tighten?(site: number, deadlineSlot: number, area: number): { column: number; upper: number }[];
}

/** Columns in model order, with the ones not yet sent to the solver pending. */
export class ColumnSet {
  readonly kind: number[] = [];
  readonly classIndex: number[] = [];
  readonly candidate: number[] = [];
  readonly start: number[] = [];
  readonly upperBound: number[] = [];
  private cost: number[] = [];
  private upper: number[] = [];
  private starts: number[] = [0];
  private indices: number[] = [];
  private values: number[] = [];

  get size(): number {
    return this.kind.length;
  }

  add(
    kind: number,
    classIndex: number,
    candidate: number,
    start: number,
    cost: number,
    upper: number,
    rows: readonly number[],
    coefs: readonly number[],
  ): number {
    this.kind.push(kind);
    this.classIndex.push(classIndex);
    this.candidate.push(candidate);
    this.start.push(start);
    this.upperBound.push(upper);
    this.cost.push(cost);
    this.upper.push(upper);
    for (let i = 0; i < rows.length; i++) {
      this.indices.push(rows[i]!);
      this.values.push(coefs[i]!);
    }
    this.starts.push(this.indices.length);
    return this.kind.length - 1;
  }

  /** The pending columns as HiGHS `addCols` input, and forget them. */
  takePending(numRows: number): {
    cost: Float64Array;
    lower: Float64Array;
    upper: Float64Array;
    matrix: {
      format: 'csc';
      numRows: number;
      numCols: number;
      starts: Int32Array;
      indices: Int32Array;
      values: Float64Array;
    };
  } | null {
    const count = this.cost.length;
    if (count === 0) return null;
    const batch = {
      cost: Float64Array.from(this.cost),
      lower: new Float64Array(count),
      upper: Float64Array.from(this.upper),
      matrix: {
        format: 'csc' as const,
        numRows,
        numCols: count,
        starts: Int32Array.from(this.starts),
        indices: Int32Array.from(this.indices),
        values: Float64Array.from(this.values),
      },
    };
    this.cost = [];
    this.upper = [];
    this.starts = [0];
    this.indices = [];
    this.values = [];
    return batch;
  }
}

/** A reduced cost this far below zero is worth a column. */
export function improves(reducedCost: number, cost: number): boolean {
  return reducedCost < -1e-7 * Math.max(1, Math.abs(cost));
}
