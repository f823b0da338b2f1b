/** Exhaustive search over every (candidate, start) or unplaced choice: the true optimum. */
import type { PlanningInstance } from '../../src/planner/instance.js';

export function bruteForceOptimum(instance: PlanningInstance): number {
  const { classes, candidates: cand, network } = instance;
  const T = network.horizon.slots;
  const members: { cls: number }[] = [];
  for (const c of classes)
    for (let i = 0; i < c.members.length; i++) members.push({ cls: c.index });
  const free = network.sites.map((s) => [...s.capacity]);
  let best = Infinity;
  const visit = (m: number, total: number) => {
    if (total >= best) return;
    if (m === members.length) {
      best = total;
      return;
    }
    const cls = classes[members[m]!.cls]!;
    for (let j = cand.offset[cls.index]!; j < cand.offset[cls.index + 1]!; j++) {
      const s = cand.site[j]!;
      for (let t = cand.earliestStart[j]!; t <= cand.latestStart[j]!; t++) {
        let fits = t + cls.durationSlots <= T;
        for (let u = t; u < t + cls.durationSlots && fits; u++)
          fits = free[s]![u]! >= cls.accelerators;
        if (!fits) continue;
        for (let u = t; u < t + cls.durationSlots; u++) free[s]![u]! -= cls.accelerators;
        visit(m + 1, total + cand.score[j]!);
        for (let u = t; u < t + cls.durationSlots; u++) free[s]![u]! += cls.accelerators;
      }
    }
    visit(m + 1, total + cls.penalty);
  };
  visit(0, 0);
  return best;
}
