/**
 * Turns a solver's answer (how many workloads of each class go to which candidate, and when if
 * it says) into a schedule that respects every slot's capacity. Intents with a start are taken
 * as they are. Intents without one are packed site by site (site-packing.ts). Whatever does not
 * fit, and whatever the solver left out, is offered the remaining capacity greedily, best
 * candidate first.
 */
import { placeGreedily, regretOrder } from './greedy.js';
import type { PlanningInstance } from './instance.js';
import { emptySchedule, memberOffsets, SlotLedger, type Schedule } from './schedule.js';
import { packSite, type ExactSitePacker, type PackItem } from './site-packing.js';

export interface Intent {
  classIndex: number;
  candidate: number;
  /** First slot, or -1 to let packing choose. */
  start: number;
  count: number;
}

/** What packing could not fit at one site: accelerator-slots, and the earliest deadline among them. */
export interface Shortfall {
  site: number;
  area: number;
  deadlineSlot: number;
}

export interface Realised {
  schedule: Schedule;
  /** Workloads whose intended placement did not fit and went to the repair pass. */
  displaced: number;
  shortfalls: Shortfall[];
}

export function realise(
  instance: PlanningInstance,
  intents: readonly Intent[],
  exact?: ExactSitePacker,
): Realised {
  const schedule = emptySchedule(instance);
  const ledger = new SlotLedger(instance);
  const offsets = memberOffsets(instance);
  const next = Int32Array.from(offsets.subarray(0, instance.classes.length));
  const { site } = instance.candidates;
  const slots = instance.network.horizon.slots;
  let intended = 0;
  let assigned = 0;

  const assign = (classIndex: number, candidate: number, start: number): boolean => {
    const m = next[classIndex]!;
    if (m >= offsets[classIndex + 1]!) return false; // more intents than members: ignore the excess
    const cls = instance.classes[classIndex]!;
    ledger.take(site[candidate]!, start, cls.durationSlots, cls.accelerators);
    schedule.candidate[m] = candidate;
    schedule.start[m] = start;
    next[classIndex] = m + 1;
    assigned++;
    return true;
  };

  const bySite = new Map<number, PackItem[]>();
  for (const intent of intents) {
    intended += intent.count;
    if (intent.start < 0) {
      const items = bySite.get(site[intent.candidate]!) ?? [];
      items.push({
        classIndex: intent.classIndex,
        candidate: intent.candidate,
        count: intent.count,
      });
      bySite.set(site[intent.candidate]!, items);
      continue;
    }
    const cls = instance.classes[intent.classIndex]!;
    for (let k = 0; k < intent.count; k++) {
      if (
        ledger.fitsAt(site[intent.candidate]!, intent.start, cls.durationSlots, cls.accelerators)
      ) {
        assign(intent.classIndex, intent.candidate, intent.start);
      }
    }
  }
  const shortfalls: Shortfall[] = [];
  for (const [s, items] of [...bySite].sort((a, b) => a[0] - b[0])) {
    const free = ledger.free.slice(s * slots, (s + 1) * slots);
    const packed = new Int32Array(items.length);
    for (const { item, start, count } of packSite(instance, items, free, exact)) {
      const { classIndex, candidate } = items[item]!;
      for (let k = 0; k < count; k++) assign(classIndex, candidate, start);
      packed[item]! += count;
    }
    let area = 0;
    let deadlineSlot = Infinity;
    items.forEach((item, i) => {
      const cls = instance.classes[item.classIndex]!;
      if (packed[i]! >= item.count) return;
      area += (item.count - packed[i]!) * cls.accelerators * cls.durationSlots;
      deadlineSlot = Math.min(deadlineSlot, cls.deadlineSlot);
    });
    if (area > 0) shortfalls.push({ site: s, area, deadlineSlot });
  }
  const displaced = intended - assigned;
  for (const c of regretOrder(instance)) {
    const rest: number[] = [];
    for (let m = next[c]!; m < offsets[c + 1]!; m++) rest.push(m);
    if (rest.length > 0) placeGreedily(instance, ledger, schedule, c, rest);
  }
  return { schedule, displaced, shortfalls };
}
