/**
 * Local improvement of a schedule by single ejections: for a workload left unplaced, look at its
 * best candidate sites; at each, take out one workload already running there in the way, place
 * the newcomer, and put the one taken out back anywhere it fits (elsewhere, or at another time).
 * A move is kept only if it lowers the objective, so the pass always terminates; it is bounded
 * by a time budget too.
 */
import type { PlanningInstance } from './instance.js';
import { memberOffsets, SlotLedger, type Schedule } from './schedule.js';

export interface ImproveOptions {
  /** Candidate sites tried per unplaced workload (best first). */
  sitesPerWorkload?: number;
  /** Running workloads considered for ejection per site. */
  blockersPerSite?: number;
  budgetMs?: number;
}

export function improveSchedule(
  instance: PlanningInstance,
  schedule: Schedule,
  options: ImproveOptions = {},
): number {
  const deadline = performance.now() + (options.budgetMs ?? 500);
  const sitesPerWorkload = options.sitesPerWorkload ?? 4;
  const blockersPerSite = options.blockersPerSite ?? 40;
  const { classes, candidates: cand } = instance;
  const offsets = memberOffsets(instance);
  const classOf = new Int32Array(instance.workloadCount);
  classes.forEach((c) => classOf.fill(c.index, offsets[c.index]!, offsets[c.index + 1]!));
  const ledger = new SlotLedger(instance);
  const running: number[][] = instance.network.sites.map(() => []);
  const queue: number[] = [];
  for (let m = 0; m < instance.workloadCount; m++) {
    const c = classes[classOf[m]!]!;
    const j = schedule.candidate[m]!;
    if (j >= 0) {
      ledger.take(cand.site[j]!, schedule.start[m]!, c.durationSlots, c.accelerators);
      running[cand.site[j]!]!.push(m);
    } else if (cand.offset[c.index]! < cand.offset[c.index + 1]!) {
      queue.push(m);
    }
  }
  const cost = (m: number, j: number) => (j < 0 ? classes[classOf[m]!]!.penalty : cand.score[j]!);
  const release = (m: number) => {
    const c = classes[classOf[m]!]!;
    ledger.take(
      cand.site[schedule.candidate[m]!]!,
      schedule.start[m]!,
      c.durationSlots,
      -c.accelerators,
    );
  };
  const occupy = (m: number, j: number, start: number) => {
    const c = classes[classOf[m]!]!;
    ledger.take(cand.site[j]!, start, c.durationSlots, c.accelerators);
    schedule.candidate[m] = j;
    schedule.start[m] = start;
  };
  /** Best candidate with room now, as late as it fits; -1 if none. */
  const bestFit = (m: number): { j: number; start: number } => {
    const c = classOf[m]!;
    for (let j = cand.offset[c]!; j < cand.offset[c + 1]!; j++) {
      const start = ledger.fit(instance, c, j, 'latest');
      if (start >= 0) return { j, start };
    }
    return { j: -1, start: -1 };
  };

  let moves = 0;
  for (let q = 0; q < queue.length && performance.now() < deadline; q++) {
    const w = queue[q]!;
    if (schedule.candidate[w]! >= 0) continue;
    const cw = classes[classOf[w]!]!;
    const last = Math.min(cand.offset[cw.index + 1]!, cand.offset[cw.index]! + sitesPerWorkload);
    let done = false;
    for (let jw = cand.offset[cw.index]!; jw < last && !done; jw++) {
      const s = cand.site[jw]!;
      const windowEnd = cand.latestStart[jw]! + cw.durationSlots - 1;
      const blockers = running[s]!.filter((v) => {
        const cv = classes[classOf[v]!]!;
        const start = schedule.start[v]!;
        return start <= windowEnd && start + cv.durationSlots - 1 >= cand.earliestStart[jw]!;
      });
      for (const v of blockers.slice(0, blockersPerSite)) {
        const jv = schedule.candidate[v]!;
        const sv = schedule.start[v]!;
        release(v);
        const startW = ledger.fit(instance, cw.index, jw, 'latest');
        if (startW >= 0) {
          occupy(w, jw, startW);
          const moved = bestFit(v);
          const delta = cost(w, jw) - cw.penalty + cost(v, moved.j) - cost(v, jv);
          if (delta < -1e-9) {
            running[s] = running[s]!.filter((x) => x !== v);
            running[s]!.push(w);
            if (moved.j >= 0) {
              occupy(v, moved.j, moved.start);
              running[cand.site[moved.j]!]!.push(v);
            } else {
              schedule.candidate[v] = -1;
              schedule.start[v] = -1;
              queue.push(v);
            }
            moves++;
            done = true;
            break;
          }
          release(w);
          schedule.candidate[w] = -1;
          schedule.start[w] = -1;
        }
        occupy(v, jv, sv);
      }
    }
  }
  // Relocation: a workload moves to a cheaper candidate that has room now.
  for (let m = 0; m < instance.workloadCount && performance.now() < deadline; m++) {
    const jm = schedule.candidate[m]!;
    if (jm < 0) continue;
    const c = classOf[m]!;
    const sm = schedule.start[m]!;
    release(m);
    let placed = false;
    for (let j = cand.offset[c]!; j < jm && !placed; j++) {
      if (cand.score[j]! >= cand.score[jm]! - 1e-9) break;
      const start = ledger.fit(instance, c, j, 'latest');
      if (start < 0) continue;
      occupy(m, j, start);
      running[cand.site[jm]!] = running[cand.site[jm]!]!.filter((x) => x !== m);
      running[cand.site[j]!]!.push(m);
      placed = true;
      moves++;
    }
    if (!placed) occupy(m, jm, sm);
  }
  return moves;
}
