/**
 * The fast heuristic. A few greedy constructions, the best kept, then local improvement
 * (improve.ts). Each construction takes classes in one order — by regret (how much worse the
 * second-best site is than the best; a class with a single site has its penalty as regret), by
 * regret × size, by size, or fewest legal sites first — and gives every workload its cheapest
 * candidate with room, as late (or as early) in its window as it fits. Placing late keeps the
 * early slots for workloads due early, whatever order they come in.
 */
import { improveSchedule } from './improve.js';
import type { PlanningInstance } from './instance.js';
import {
  emptySchedule,
  memberOffsets,
  scheduleObjective,
  SlotLedger,
  type Placement,
  type Schedule,
} from './schedule.js';

export type ClassOrder = 'regret' | 'regret-size' | 'size' | 'fewest-sites';

export function classOrder(instance: PlanningInstance, order: ClassOrder = 'regret'): number[] {
  const { offset, score } = instance.candidates;
  const regret = instance.classes.map((cls) => {
    const first = offset[cls.index]!;
    const end = offset[cls.index + 1]!;
    if (first === end) return -Infinity;
    const second = first + 1 < end ? score[first + 1]! : cls.penalty;
    return second - score[first]!;
  });
  const size = instance.classes.map((c) => c.accelerators * c.durationSlots);
  const sites = instance.classes.map((c) => offset[c.index + 1]! - offset[c.index]!);
  const key: Record<ClassOrder, (a: number, b: number) => number> = {
    regret: (a, b) => regret[b]! - regret[a]! || size[b]! - size[a]!,
    'regret-size': (a, b) => regret[b]! * size[b]! - regret[a]! * size[a]!,
    size: (a, b) => size[b]! - size[a]! || regret[b]! - regret[a]!,
    'fewest-sites': (a, b) => sites[a]! - sites[b]! || regret[b]! - regret[a]!,
  };
  return instance.classes.map((c) => c.index).sort((a, b) => key[order](a, b) || a - b);
}

/** Kept for the repair passes: the regret order. */
export function regretOrder(instance: PlanningInstance): number[] {
  return classOrder(instance, 'regret');
}

/** Places members of `classIndex` from `ordinals` into the ledger; returns how many failed. */
export function placeGreedily(
  instance: PlanningInstance,
  ledger: SlotLedger,
  schedule: Schedule,
  classIndex: number,
  ordinals: Iterable<number>,
  placement: Placement = 'latest',
): number {
  const cls = instance.classes[classIndex]!;
  const { offset, site } = instance.candidates;
  // Free capacity only shrinks, so a candidate that failed one member fails the next too.
  let j = offset[classIndex]!;
  const end = offset[classIndex + 1]!;
  let failed = 0;
  for (const m of ordinals) {
    let start = -1;
    while (j < end && (start = ledger.fit(instance, classIndex, j, placement)) < 0) j++;
    if (j === end) {
      failed++;
      continue;
    }
    ledger.take(site[j]!, start, cls.durationSlots, cls.accelerators);
    schedule.candidate[m] = j;
    schedule.start[m] = start;
  }
  return failed;
}

export function constructGreedily(
  instance: PlanningInstance,
  order: ClassOrder,
  placement: Placement,
): Schedule {
  const schedule = emptySchedule(instance);
  const ledger = new SlotLedger(instance);
  const offsets = memberOffsets(instance);
  for (const c of classOrder(instance, order)) {
    const ordinals: number[] = [];
    for (let m = offsets[c]!; m < offsets[c + 1]!; m++) ordinals.push(m);
    placeGreedily(instance, ledger, schedule, c, ordinals, placement);
  }
  return schedule;
}

const PORTFOLIO: readonly [ClassOrder, Placement][] = [
  ['regret', 'latest'],
  ['regret', 'earliest'],
  ['regret-size', 'latest'],
  ['regret-size', 'earliest'],
  ['size', 'latest'],
  ['fewest-sites', 'latest'],
];

export interface GreedyOptions {
  /** Wall-clock budget for the improvement pass (default 600 ms). */
  improveMs?: number;
}

export function solveGreedy(instance: PlanningInstance, options: GreedyOptions = {}): Schedule {
  let best: Schedule | undefined;
  let bestObjective = Infinity;
  for (const [order, placement] of PORTFOLIO) {
    const schedule = constructGreedily(instance, order, placement);
    const objective = scheduleObjective(instance, schedule);
    if (objective < bestObjective) {
      best = schedule;
      bestObjective = objective;
    }
  }
  improveSchedule(instance, best!, { budgetMs: options.improveMs ?? 600 });
  return best!;
}
