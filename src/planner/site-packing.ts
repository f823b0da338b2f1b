/**
 * Packing the workloads assigned to one site into its slots. List scheduling first (a few
 * orders, the best kept); when every order leaves something out, an exact time-indexed MIP over
 * that site alone, which is small: the site's workloads × their start slots.
 */
import type { Highs } from 'highs';
import { firstFit, lastFit, type PlanningInstance } from './instance.js';

export interface PackItem {
  classIndex: number;
  candidate: number;
  count: number;
}

/** How many of item `item` start in slot `start`. */
export interface Packed {
  item: number;
  start: number;
  count: number;
}

export type ExactSitePacker = (
  instance: PlanningInstance,
  items: readonly PackItem[],
  free: Float64Array,
  /** A packing to start from (the best list schedule); the answer is never worse. */
  initial: readonly Packed[],
) => Packed[];

/** What placing one workload of an item is worth: the penalty it avoids less its score. */
export function itemValue(instance: PlanningInstance, item: PackItem): number {
  return instance.classes[item.classIndex]!.penalty - instance.candidates.score[item.candidate]!;
}

type Order = {
  name: string;
  compare: (a: PackItem, b: PackItem) => number;
  placement: 'earliest' | 'latest';
};

function orders(instance: PlanningInstance): Order[] {
  const { latestStart } = instance.candidates;
  const cls = (i: PackItem) => instance.classes[i.classIndex]!;
  const area = (i: PackItem) => cls(i).accelerators * cls(i).durationSlots;
  return [
    // Earliest deadline first, each as early as it fits: optimal for unit-size jobs.
    {
      name: 'edf',
      placement: 'earliest',
      compare: (a, b) => latestStart[a.candidate]! - latestStart[b.candidate]! || area(b) - area(a),
    },
    // The mirror: latest deadline first, each as late as it fits, leaving early slots free.
    {
      name: 'ldf',
      placement: 'latest',
      compare: (a, b) => latestStart[b.candidate]! - latestStart[a.candidate]! || area(b) - area(a),
    },
    // Widest first: wide jobs fragment capacity for everyone after them.
    {
      name: 'wide',
      placement: 'latest',
      compare: (a, b) => cls(b).accelerators - cls(a).accelerators || area(b) - area(a),
    },
  ];
}

interface Attempt {
  packed: Packed[];
  lostValue: number;
  /** Items (by index) not wholly packed. */
  failed: number[];
}

/** List-schedules items in `sequence` (item indices) on a copy of `free`. */
function listSchedule(
  instance: PlanningInstance,
  items: readonly PackItem[],
  free: Float64Array,
  sequence: readonly number[],
  placement: 'earliest' | 'latest',
): Attempt {
  const scratch = Float64Array.from(free);
  const { earliestStart, latestStart } = instance.candidates;
  const packed: Packed[] = [];
  const failed: number[] = [];
  let lostValue = 0;
  const fit = placement === 'earliest' ? firstFit : lastFit;
  for (const index of sequence) {
    const item = items[index]!;
    const cls = instance.classes[item.classIndex]!;
    for (let k = 0; k < item.count; k++) {
      const start = fit(
        scratch,
        0,
        earliestStart[item.candidate]!,
        latestStart[item.candidate]!,
        cls.durationSlots,
        cls.accelerators,
      );
      if (start < 0) {
        lostValue += itemValue(instance, item) * (item.count - k);
        failed.push(index);
        break;
      }
      for (let t = start; t < start + cls.durationSlots; t++) scratch[t]! -= cls.accelerators;
      packed.push({ item: index, start, count: 1 });
    }
  }
  return { packed, lostValue, failed };
}

/** Rounds of squeaky-wheel reordering after the fixed orders. */
const SQUEAKY_ROUNDS = 40;

/**
 * Packs one site's items into `free` (that site's free accelerators per slot): fixed orders,
 * then squeaky-wheel rounds (whatever failed moves to the front of the next order), then, if
 * something is still left out, the exact packer.
 */
export function packSite(
  instance: PlanningInstance,
  items: readonly PackItem[],
  free: Float64Array,
  exact?: ExactSitePacker,
): Packed[] {
  let best: Attempt | undefined;
  let bestSequence: number[] = [];
  const attempt = (sequence: number[], placement: 'earliest' | 'latest') => {
    const a = listSchedule(instance, items, free, sequence, placement);
    if (best === undefined || a.lostValue < best.lostValue) {
      best = a;
      bestSequence = sequence;
    }
    return a;
  };
  const indices = items.map((_, i) => i);
  for (const order of orders(instance)) {
    const sequence = [...indices].sort((a, b) => order.compare(items[a]!, items[b]!) || a - b);
    if (attempt(sequence, order.placement).lostValue === 0) return best!.packed;
  }
  let sequence = bestSequence;
  for (let round = 0; round < SQUEAKY_ROUNDS; round++) {
    const a = attempt(sequence, round % 2 === 0 ? 'latest' : 'earliest');
    if (a.lostValue === 0) return a.packed;
    const squeaky = new Set(a.failed);
    sequence = [...a.failed, ...sequence.filter((i) => !squeaky.has(i))];
  }
  if (exact === undefined) return best!.packed;
  const packed = exact(instance, items, free, best!.packed);
  const value = (ps: readonly Packed[]) =>
    ps.reduce((s, p) => s + p.count * itemValue(instance, items[p.item]!), 0);
  return value(packed) > value(best!.packed) + 1e-9 ? packed : best!.packed;
}

/**
 * The exact packer: x[i,t] workloads of item i starting in slot t, at most count_i in all, the
 * site's free accelerators respected in every slot; maximise the value placed.
 */
export function exactSitePacker(
  highs: Highs,
  perSiteSeconds: number,
  totalSeconds: number,
): ExactSitePacker {
  let spent = 0;
  return (instance, items, free, initial) => {
    if (spent >= totalSeconds) return [...initial];
    const started = performance.now();
    try {
      return solveSitePacking(
        highs,
        Math.min(perSiteSeconds, totalSeconds - spent),
        instance,
        items,
        free,
        initial,
      );
    } finally {
      spent += (performance.now() - started) / 1000;
    }
  };
}

function solveSitePacking(
  highs: Highs,
  timeLimitSeconds: number,
  instance: PlanningInstance,
  items: readonly PackItem[],
  free: Float64Array,
  initial: readonly Packed[],
): Packed[] {
  const T = free.length;
  const { earliestStart, latestStart } = instance.candidates;
  const cost: number[] = [];
  const upper: number[] = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const tags: { item: number; start: number }[] = [];
  items.forEach((item, i) => {
    const cls = instance.classes[item.classIndex]!;
    for (let t = earliestStart[item.candidate]!; t <= latestStart[item.candidate]!; t++) {
      let room = true;
      for (let u = t; u < t + cls.durationSlots && room; u++) room = free[u]! >= cls.accelerators;
      if (!room) continue;
      cost.push(-itemValue(instance, item));
      upper.push(item.count);
      indices.push(i);
      values.push(1);
      for (let u = t; u < t + cls.durationSlots; u++) {
        indices.push(items.length + u);
        values.push(cls.accelerators);
      }
      starts.push(indices.length);
      tags.push({ item: i, start: t });
    }
  });
  if (tags.length === 0) return [];
  const numRows = items.length + T;
  const model = highs.createModel({
    numCols: tags.length,
    numRows,
    colCost: cost,
    colLower: new Float64Array(tags.length),
    colUpper: upper,
    rowLower: new Float64Array(numRows).fill(-Infinity),
    rowUpper: [...items.map((i) => i.count), ...free],
    matrix: { format: 'csc', numRows, numCols: tags.length, starts, indices, values },
    integrality: new Int32Array(tags.length).fill(1),
  });
  try {
    // Stop as soon as everything is packed: nothing can beat that.
    const everything = -items.reduce((sum, i) => sum + i.count * itemValue(instance, i), 0);
    model.options.set({
      output_flag: false,
      time_limit: timeLimitSeconds,
      mip_rel_gap: 1e-3,
      objective_target: everything + 1e-6 * Math.abs(everything),
    });
    const column = new Map(tags.map((tag, col) => [tag.item * T + tag.start, col]));
    const start = new Float64Array(tags.length);
    for (const p of initial) {
      const col = column.get(p.item * T + p.start);
      if (col !== undefined) start[col]! += p.count;
    }
    model.setSolution({ colValue: start });
    model.run();
    if (Number(model.info.get('primal_solution_status')) !== 2) return [];
    const x = model.getSolution().colValue;
    const out: Packed[] = [];
    tags.forEach((tag, col) => {
      const count = Math.round(x[col]!);
      if (count > 0) out.push({ item: tag.item, start: tag.start, count });
    });
    return out;
  } finally {
    model.dispose();
  }
}
