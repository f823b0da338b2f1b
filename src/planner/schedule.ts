/**
 * A schedule: for every workload, the candidate (class, site) it runs on and its first slot, or
 * nothing. Workloads are numbered class by class (the member ordinal), so a schedule is two flat
 * arrays. The slot ledger tracks free accelerators per (site, slot) while one is built.
 */
import { firstFit, lastFit, type PlanningInstance } from './instance.js';

/** Where in its window a workload goes: as early or as late as it fits. */
export type Placement = 'earliest' | 'latest';

export interface Schedule {
  /** Global candidate index per member ordinal, or -1 when unplaced. */
  candidate: Int32Array;
  /** First slot per member ordinal, or -1. */
  start: Int32Array;
}

/** memberOffset[c] is the ordinal of class c's first member; the last entry is the total. */
export function memberOffsets(instance: PlanningInstance): Int32Array {
  const out = new Int32Array(instance.classes.length + 1);
  instance.classes.forEach((c, i) => (out[i + 1] = out[i]! + c.members.length));
  return out;
}

export function emptySchedule(instance: PlanningInstance): Schedule {
  const n = instance.workloadCount;
  return { candidate: new Int32Array(n).fill(-1), start: new Int32Array(n).fill(-1) };
}

/** Free accelerators per (site, slot). */
export class SlotLedger {
  readonly free: Float64Array;
  readonly slots: number;

  constructor(instance: PlanningInstance) {
    const { sites, horizon } = instance.network;
    this.slots = horizon.slots;
    this.free = new Float64Array(sites.length * horizon.slots);
    for (const s of sites) s.capacity.forEach((c, t) => (this.free[s.index * this.slots + t] = c));
  }

  /** A start for a candidate within its window, or -1. */
  fit(
    instance: PlanningInstance,
    classIndex: number,
    candidate: number,
    placement: Placement = 'earliest',
  ): number {
    const cls = instance.classes[classIndex]!;
    const cand = instance.candidates;
    return (placement === 'earliest' ? firstFit : lastFit)(
      this.free,
      cand.site[candidate]! * this.slots,
      cand.earliestStart[candidate]!,
      cand.latestStart[candidate]!,
      cls.durationSlots,
      cls.accelerators,
    );
  }

  /** Whether the accelerators are free for the whole run starting at `start`. */
  fitsAt(site: number, start: number, duration: number, need: number): boolean {
    const base = site * this.slots;
    for (let t = start; t < start + duration; t++) if (this.free[base + t]! < need) return false;
    return true;
  }

  take(site: number, start: number, duration: number, need: number): void {
    const base = site * this.slots;
    for (let t = start; t < start + duration; t++) this.free[base + t]! -= need;
  }
}

/** The planner's objective: each placed workload's score, each unplaced one's penalty. */
export function scheduleObjective(instance: PlanningInstance, schedule: Schedule): number {
  const offsets = memberOffsets(instance);
  let total = 0;
  for (const cls of instance.classes) {
    for (let m = offsets[cls.index]!; m < offsets[cls.index + 1]!; m++) {
      const j = schedule.candidate[m]!;
      total += j < 0 ? cls.penalty : instance.candidates.score[j]!;
    }
  }
  return total;
}
