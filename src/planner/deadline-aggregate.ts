/**
 * The aggregated model for large instances. y[c,j] ∈ {0..n_c}: how many workloads of class c run
 * on candidate site j, with no start slot. Time survives as families of deadline-prefix rows, one
 * row per site s, family f and distinct deadline D_g:
 *
 *   area      the work (k_c · d_c accelerator-slots) of everything due by D_g fits in the site's
 *             accelerator-slots 0 … D_g;
 *   wide      workloads wider than half the site's largest capacity cannot overlap one another,
 *             so their durations due by D_g fit in the slots 0 … D_g wide enough for them.
 *
 *   min  Σ score_j · y[c,j] + Σ penalty_c · u_c
 *   s.t. Σ_j y[c,j] + u_c = n_c                                             every class
 *        Z_f[s,g] − Z_f[s,g−1] − Σ_{c due at D_g, j at s, in f} w_f(c) y[c,j] = 0   every family
 *        0 ≤ Z_f[s,g] ≤ room_f(s, D_g)
 *
 * The cumulative Z columns keep each y column to a few rows. Every feasible schedule satisfies
 * these rows, so this relaxes the time-indexed model and its LP optimum is a valid lower bound.
 * Solutions carry no start slots: realise.ts packs them site by site and repairs what does not fit.
 */
import {
  AUXILIARY,
  ColumnSet,
  improves,
  PLACEMENT,
  UNPLACED,
  type Formulation,
} from './formulation.js';
import type { PlanningInstance } from './instance.js';
import type { Intent } from './realise.js';
import { memberOffsets, type Schedule } from './schedule.js';

/** One family of prefix rows: which columns it counts, with what weight, against what room. */
interface Family {
  /** Weight of column j of class c in this family's rows, 0 if it does not count. */
  weight(c: number, j: number): number;
  /** Room in slots 0 … t at site s (cumulative). */
  room(s: number, t: number): number;
}

function families(instance: PlanningInstance): Family[] {
  const { classes, candidates: cand } = instance;
  const { sites } = instance.network;
  const area = (c: number) => classes[c]!.accelerators * classes[c]!.durationSlots;
  const cumulative = (count: (s: number, t: number) => number) => {
    const table = sites.map((s) => {
      let sum = 0;
      return s.capacity.map((_, t) => (sum += count(s.index, t)));
    });
    return (s: number, t: number) => table[s]![t]!;
  };
  const halfMax = sites.map((s) => Math.max(...s.capacity) / 2);
  const wide = (c: number, j: number) => classes[c]!.accelerators > halfMax[cand.site[j]!]!;
  return [
    { weight: (c) => area(c), room: cumulative((s, t) => sites[s]!.capacity[t]!) },
    {
      weight: (c, j) => (wide(c, j) ? classes[c]!.durationSlots : 0),
      room: cumulative((s, t) => (sites[s]!.capacity[t]! > halfMax[s]! ? 1 : 0)),
    },
  ];
}

export function deadlineAggregateFormulation(instance: PlanningInstance): Formulation {
  const { classes, candidates: cand } = instance;
  const { sites } = instance.network;
  const C = classes.length;
  const S = sites.length;
  const deadlines = [...new Set(classes.map((c) => c.deadlineSlot))].sort((a, b) => a - b);
  const G = deadlines.length;
  const group = new Map(deadlines.map((d, g) => [d, g]));
  const groupOf = classes.map((c) => group.get(c.deadlineSlot)!);
  const family = families(instance);
  const row = (f: number, s: number, g: number) => C + (f * S + s) * G + g;
  const numRows = C + family.length * S * G;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  classes.forEach((c) => (rowLower[c.index] = rowUpper[c.index] = c.members.length));

  const columns = new ColumnSet();
  const known = new Int32Array(cand.site.length).fill(-1);
  for (const c of classes)
    columns.add(UNPLACED, c.index, -1, -1, c.penalty, c.members.length, [c.index], [1]);
  const cumulativeColumn = new Int32Array(family.length * S * G);
  /** Current upper bound of each cumulative column, lowered by tighten(). */
  const room = new Map<number, number>();
  family.forEach((fam, f) => {
    for (let s = 0; s < S; s++) {
      deadlines.forEach((d, g) => {
        const rows = g + 1 < G ? [row(f, s, g), row(f, s, g + 1)] : [row(f, s, g)];
        const bound = fam.room(s, d);
        const column = columns.add(AUXILIARY, -1, -1, -1, 0, bound, rows, [1, -1]);
        cumulativeColumn[(f * S + s) * G + g] = column;
        room.set(column, bound);
      });
    }
  });

  function addColumn(c: number, j: number): number {
    if (known[j]! >= 0) return known[j]!;
    const rows = [c];
    const coefs = [1];
    family.forEach((fam, f) => {
      const w = fam.weight(c, j);
      if (w === 0) return;
      rows.push(row(f, cand.site[j]!, groupOf[c]!));
      coefs.push(-w);
    });
    const col = columns.add(
      PLACEMENT,
      c,
      j,
      -1,
      cand.score[j]!,
      classes[c]!.members.length,
      rows,
      coefs,
    );
    known[j] = col;
    return col;
  }

  /** cost − Σ coefficient × dual, over the rows addColumn would give the column. */
  function reducedCost(rowDual: Float64Array, c: number, j: number): number {
    let rc = cand.score[j]! - rowDual[c]!;
    for (let f = 0; f < family.length; f++) {
      const w = family[f]!.weight(c, j);
      if (w !== 0) rc += w * rowDual[row(f, cand.site[j]!, groupOf[c]!)]!;
    }
    return rc;
  }

  return {
    kind: 'deadline-aggregate',
    rowLower,
    rowUpper,
    columns,
    candidateColumns: cand.site.length,
    addInitialColumns(sitesPerClass) {
      for (const c of classes) {
        const end = Math.min(cand.offset[c.index + 1]!, cand.offset[c.index]! + sitesPerClass);
        for (let j = cand.offset[c.index]!; j < end; j++) addColumn(c.index, j);
      }
    },
    price(rowDual, perClass) {
      let added = 0;
      const best: { j: number; rc: number }[] = [];
      for (const cls of classes) {
        const c = cls.index;
        best.length = 0;
        for (let j = cand.offset[c]!; j < cand.offset[c + 1]!; j++) {
          if (known[j]! >= 0) continue;
          const rc = reducedCost(rowDual, c, j);
          if (improves(rc, cand.score[j]!)) best.push({ j, rc });
        }
        if (best.length > perClass) best.sort((a, b) => a.rc - b.rc).length = perClass;
        for (const { j } of best) addColumn(c, j);
        added += best.length;
      }
      return added;
    },
    warmStart(schedule: Schedule) {
      const offsets = memberOffsets(instance);
      const counts = new Map<number, number>();
      const placed = new Int32Array(C);
      const load = new Float64Array(family.length * S * G);
      for (const cls of classes) {
        for (let m = offsets[cls.index]!; m < offsets[cls.index + 1]!; m++) {
          const j = schedule.candidate[m]!;
          if (j < 0) continue;
          const col = addColumn(cls.index, j);
          counts.set(col, (counts.get(col) ?? 0) + 1);
          placed[cls.index]!++;
          family.forEach((fam, f) => {
            load[(f * S + cand.site[j]!) * G + groupOf[cls.index]!]! += fam.weight(cls.index, j);
          });
        }
      }
      const x = new Float64Array(columns.size);
      for (const [col, n] of counts) x[col] = n;
      for (const cls of classes) x[cls.index] = cls.members.length - placed[cls.index]!;
      for (let k = 0; k < family.length * S; k++) {
        let sum = 0;
        for (let g = 0; g < G; g++) x[cumulativeColumn[k * G + g]!] = sum += load[k * G + g]!;
      }
      return x;
    },
    tighten(site, deadlineSlot, area) {
      const changes: { column: number; upper: number }[] = [];
      deadlines.forEach((d, g) => {
        if (d < deadlineSlot) return;
        const column = cumulativeColumn[site * G + g]!; // family 0: area
        const upper = Math.max(0, room.get(column)! - area);
        room.set(column, upper);
        changes.push({ column, upper });
      });
      return changes;
    },
    intents(colValue) {
      const out: Intent[] = [];
      for (let col = 0; col < columns.size; col++) {
        const count = Math.round(colValue[col] ?? 0);
        if (columns.kind[col] !== PLACEMENT || count <= 0) continue;
        out.push({
          classIndex: columns.classIndex[col]!,
          candidate: columns.candidate[col]!,
          start: -1,
          count,
        });
      }
      return out;
    },
  };
}
