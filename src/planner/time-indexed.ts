/**
 * The exact model. x[c,j,t] ∈ {0..n_c}: how many workloads of class c run on candidate site j
 * starting in slot t (holding k_c accelerators in slots t … t+d_c−1); u_c: how many stay unplaced.
 *
 *   min  Σ score_j · x[c,j,t] + Σ penalty_c · u_c
 *   s.t. Σ_{j,t} x[c,j,t] + u_c = n_c                                   every class (row c)
 *        Σ_{c,j at s, t ≤ τ < t+d_c} k_c · x[c,j,t] ≤ capacity[s,τ]     every site and slot
 *   with t ∈ [earliest start (release, data arrival), deadline − d_c + 1].
 *
 * Identical workloads share one integer variable instead of n_c binaries; that is exact, since
 * they are interchangeable.
 */
import { ColumnSet, improves, PLACEMENT, UNPLACED, type Formulation } from './formulation.js';
import type { PlanningInstance } from './instance.js';
import type { Intent } from './realise.js';
import { memberOffsets, type Schedule } from './schedule.js';

export function timeIndexedFormulation(instance: PlanningInstance): Formulation {
  const { classes, candidates: cand } = instance;
  const { sites, horizon } = instance.network;
  const T = horizon.slots;
  const C = classes.length;
  const capRow = (s: number, t: number) => C + s * T + t;
  const numRows = C + sites.length * T;
  const rowLower = new Float64Array(numRows).fill(-Infinity);
  const rowUpper = new Float64Array(numRows);
  classes.forEach((c) => (rowLower[c.index] = rowUpper[c.index] = c.members.length));
  sites.forEach((s) => s.capacity.forEach((cap, t) => (rowUpper[capRow(s.index, t)] = cap)));

  const columns = new ColumnSet();
  const known = new Map<number, number>();
  const key = (j: number, t: number) => j * T + t;

  for (const c of classes)
    columns.add(UNPLACED, c.index, -1, -1, c.penalty, c.members.length, [c.index], [1]);

  /** Starts in the candidate's window at which the site ever has room for the class. */
  function* starts(c: number, j: number): Generator<number> {
    const cls = classes[c]!;
    const site = sites[cand.site[j]!]!;
    for (let t = cand.earliestStart[j]!; t <= cand.latestStart[j]!; t++) {
      let ok = true;
      for (let u = t; u < t + cls.durationSlots && ok; u++)
        ok = site.capacity[u]! >= cls.accelerators;
      if (ok) yield t;
    }
  }

  function addColumn(c: number, j: number, t: number): number {
    const existing = known.get(key(j, t));
    if (existing !== undefined) return existing;
    const cls = classes[c]!;
    const rows = [c];
    const coefs = [1];
    for (let u = t; u < t + cls.durationSlots; u++) {
      rows.push(capRow(cand.site[j]!, u));
      coefs.push(cls.accelerators);
    }
    const col = columns.add(PLACEMENT, c, j, t, cand.score[j]!, cls.members.length, rows, coefs);
    known.set(key(j, t), col);
    return col;
  }

  let candidateColumns = 0;
  for (const c of classes) {
    for (let j = cand.offset[c.index]!; j < cand.offset[c.index + 1]!; j++) {
      candidateColumns += [...starts(c.index, j)].length;
    }
  }

  return {
    kind: 'time-indexed',
    rowLower,
    rowUpper,
    columns,
    candidateColumns,
    addInitialColumns(sitesPerClass) {
      for (const c of classes) {
        const end = Math.min(cand.offset[c.index + 1]!, cand.offset[c.index]! + sitesPerClass);
        for (let j = cand.offset[c.index]!; j < end; j++) {
          for (const t of starts(c.index, j)) addColumn(c.index, j, t);
        }
      }
    },
    price(rowDual, perClass) {
      // Prefix sums of capacity duals make each column's reduced cost O(1).
      const prefix = new Float64Array(sites.length * (T + 1));
      for (let s = 0; s < sites.length; s++) {
        for (let t = 0; t < T; t++) {
          prefix[s * (T + 1) + t + 1] = prefix[s * (T + 1) + t]! + rowDual[capRow(s, t)]!;
        }
      }
      let added = 0;
      const best: { j: number; t: number; rc: number }[] = [];
      for (const cls of classes) {
        best.length = 0;
        for (let j = cand.offset[cls.index]!; j < cand.offset[cls.index + 1]!; j++) {
          const base = cand.site[j]! * (T + 1);
          for (const t of starts(cls.index, j)) {
            if (known.has(key(j, t))) continue;
            const capDual = prefix[base + t + cls.durationSlots]! - prefix[base + t]!;
            const rc = cand.score[j]! - rowDual[cls.index]! - cls.accelerators * capDual;
            if (improves(rc, cand.score[j]!)) best.push({ j, t, rc });
          }
        }
        if (best.length > perClass) best.sort((a, b) => a.rc - b.rc).length = perClass;
        for (const { j, t } of best) addColumn(cls.index, j, t);
        added += best.length;
      }
      return added;
    },
    warmStart(schedule: Schedule) {
      const offsets = memberOffsets(instance);
      const counts = new Map<number, number>();
      const placed = new Int32Array(C);
      for (const cls of classes) {
        for (let m = offsets[cls.index]!; m < offsets[cls.index + 1]!; m++) {
          const j = schedule.candidate[m]!;
          if (j < 0) continue;
          const col = addColumn(cls.index, j, schedule.start[m]!);
          counts.set(col, (counts.get(col) ?? 0) + 1);
          placed[cls.index]!++;
        }
      }
      const x = new Float64Array(columns.size);
      for (const [col, n] of counts) x[col] = n;
      for (const cls of classes) x[cls.index] = cls.members.length - placed[cls.index]!;
      return x;
    },
    intents(colValue) {
      const out: Intent[] = [];
      for (let col = 0; col < columns.size; col++) {
        const count = Math.round(colValue[col] ?? 0);
        if (columns.kind[col] !== PLACEMENT || count <= 0) continue;
        out.push({
          classIndex: columns.classIndex[col]!,
          candidate: columns.candidate[col]!,
          start: columns.start[col]!,
          count,
        });
      }
      return out;
    },
  };
}
