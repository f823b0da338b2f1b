/**
 * The planning instance: workloads grouped into classes of identical ones, every (class, site)
 * pair put to the policy gate and to the technical checks (hardware, capacity, deadline,
 * latency), and the legal pairs scored. Solvers see only what this leaves: candidate sites per
 * class, sorted by score. Pure: no I/O, no solver.
 */
import { askGate, type ExclusionLog } from './gate-decisions.js';
import type { PolicyGate } from './policy-gate.js';
import { objectiveWeights, score, type Objective, type ObjectiveWeights } from './objective.js';
import { pairMetrics } from './pair-metrics.js';
import type { Network, Site } from './sites.js';
import type { Workload } from './workloads.js';

/** Workloads that are identical but for their id: one set of variables serves them all. */
export interface WorkloadClass {
  index: number;
  representative: Workload;
  members: Workload[];
  /** Per site, '1' where the gate allowed the class (its members all got the same answers). */
  allowed: string;
  /** Accelerators held at once. */
  accelerators: number;
  /** Consecutive slots it runs. */
  durationSlots: number;
  releaseSlot: number;
  deadlineSlot: number;
  /** Score charged per member left unplaced: more than placing it anywhere legal. */
  penalty: number;
}

export type MismatchKind = 'hardware' | 'capacity' | 'deadline' | 'latency';

export interface Mismatch {
  siteIndex: number;
  kind: MismatchKind;
  reason: string;
}

/** Legal (class, site) pairs in flat arrays; class c owns [offset[c], offset[c+1]), best first. */
export interface Candidates {
  offset: Int32Array;
  site: Int32Array;
  score: Float64Array;
  usd: Float64Array;
  kgCO2: Float64Array;
  transferHours: Float64Array;
  /** First slot it may start in (release, or after its data has arrived). */
  earliestStart: Int32Array;
  /** Last slot it may start in and still finish by its deadline. */
  latestStart: Int32Array;
}

export interface PlanningInstance {
  network: Network;
  gateName: string;
  objective: Objective;
  weights: ObjectiveWeights;
  classes: WorkloadClass[];
  candidates: Candidates;
  /** The workloads as given; the exclusion log refers to them by index. */
  workloads: readonly Workload[];
  excluded: ExclusionLog;
  /** Technical reasons, kept only for classes left with no candidate site. */
  mismatches: Map<number, Mismatch[]>;
  workloadCount: number;
}

export interface PrepareOptions {
  objective: Objective;
  /** Replaces the preset weights of `objective`. */
  weights?: ObjectiveWeights;
}

/** Everything but the id: workloads with equal keys are interchangeable. */
function classKey(w: Workload): string {
  return JSON.stringify({ ...w, id: undefined });
}

function groupClasses(
  workloads: readonly Workload[],
  allowedPattern: readonly string[],
  slotHours: number,
): WorkloadClass[] {
  const byKey = new Map<string, WorkloadClass>();
  for (const [i, w] of workloads.entries()) {
    const key = `${classKey(w)}\u0000${allowedPattern[i]}`;
    const known = byKey.get(key);
    if (known) {
      known.members.push(w);
      continue;
    }
    byKey.set(key, {
      index: byKey.size,
      representative: w,
      members: [w],
      allowed: allowedPattern[i]!,
      accelerators: w.accelerators,
      // A hair below 1 keeps 8.0000000001 slots from becoming 9.
      durationSlots: Math.max(
        1,
        Math.ceil(w.acceleratorHours / (w.accelerators * slotHours) - 1e-9),
      ),
      releaseSlot: w.releaseSlot,
      deadlineSlot: w.deadlineSlot,
      penalty: 0,
    });
  }
  return [...byKey.values()];
}

/** First start in [from, to] at which `need` accelerators are free for `length` slots, or -1. */
export function firstFit(
  free: ArrayLike<number>,
  base: number,
  from: number,
  to: number,
  length: number,
  need: number,
): number {
  let run = 0;
  for (let t = from; t <= to + length - 1; t++) {
    run = (free[base + t] ?? 0) >= need ? run + 1 : 0;
    if (run === length) return t - length + 1;
  }
  return -1;
}

/** Last start in [from, to] at which `need` accelerators are free for `length` slots, or -1. */
export function lastFit(
  free: ArrayLike<number>,
  base: number,
  from: number,
  to: number,
  length: number,
  need: number,
): number {
  let run = 0;
  for (let t = to + length - 1; t >= from; t--) {
    run = (free[base + t] ?? 0) >= need ? run + 1 : 0;
    if (run === length) return t;
  }
  return -1;
}

function hardwareMismatch(w: Workload, site: Site): string | undefined {
  const fits = site.accelerators.some((a) => a.tpp >= w.minTpp && a.memoryGiB >= w.minMemoryGiB);
  if (fits) return undefined;
  return `no accelerator with TPP ≥ ${w.minTpp} and ≥ ${w.minMemoryGiB.toFixed(1)} GiB`;
}

export function prepareInstance(
  network: Network,
  workloads: readonly Workload[],
  gate: PolicyGate,
  options: PrepareOptions,
): PlanningInstance {
  const { slots, slotHours } = network.horizon;
  const { refused: excluded, allowedPattern } = askGate(gate, workloads, network.sites);
  const classes = groupClasses(workloads, allowedPattern, slotHours);
  const sites = network.sites;
  const capacity = new Float64Array(sites.length * slots);
  sites.forEach((s) => s.capacity.forEach((c, t) => (capacity[s.index * slots + t] = c)));

  const max = classes.length * sites.length;
  const raw = {
    site: new Int32Array(max),
    usd: new Float64Array(max),
    kg: new Float64Array(max),
    hours: new Float64Array(max),
    earliest: new Int32Array(max),
  };
  const offset = new Int32Array(classes.length + 1);
  const mismatches = new Map<number, Mismatch[]>();
  let n = 0;
  for (const cls of classes) {
    offset[cls.index] = n;
    const w = cls.representative;
    const local: Mismatch[] = [];
    const latestStart = cls.deadlineSlot - cls.durationSlots + 1;
    for (const site of sites) {
      if (cls.allowed.charCodeAt(site.index) !== 49) continue; // refused: in the exclusion log
      const hardware = hardwareMismatch(w, site);
      if (hardware !== undefined) {
        local.push({ siteIndex: site.index, kind: 'hardware', reason: hardware });
        continue;
      }
      const m = pairMetrics(network, w, site);
      if (w.maxLatencyMs !== undefined && m.latencyMs > w.maxLatencyMs) {
        const reason = `${m.latencyMs.toFixed(0)} ms from its data; limit ${w.maxLatencyMs} ms`;
        local.push({ siteIndex: site.index, kind: 'latency', reason });
        continue;
      }
      const earliest = Math.max(cls.releaseSlot, Math.ceil(m.transferHours / slotHours - 1e-9));
      if (earliest > latestStart) {
        const reason = `cannot finish by slot ${cls.deadlineSlot}: ${cls.durationSlots} slot(s) of work, earliest start ${earliest} (data transfer ${m.transferHours.toFixed(1)} h)`;
        local.push({ siteIndex: site.index, kind: 'deadline', reason });
        continue;
      }
      const base = site.index * slots;
      if (
        firstFit(capacity, base, earliest, latestStart, cls.durationSlots, cls.accelerators) < 0
      ) {
        const reason = `needs ${cls.accelerators} accelerators for ${cls.durationSlots} slot(s) in slots ${earliest}–${cls.deadlineSlot}; the site never has that many`;
        local.push({ siteIndex: site.index, kind: 'capacity', reason });
        continue;
      }
      raw.site[n] = site.index;
      raw.usd[n] = m.computeUsd + m.egressUsd;
      raw.kg[n] = m.kgCO2;
      raw.hours[n] = m.transferHours;
      raw.earliest[n] = earliest;
      n++;
    }
    if (n === offset[cls.index]) mismatches.set(cls.index, local);
  }
  offset[classes.length] = n;

  const weights =
    options.weights ?? objectiveWeights(options.objective, usdPerKg(classes, offset, raw));
  const candidates = sortCandidates(classes, offset, raw, weights, n);
  return {
    network,
    gateName: gate.name,
    workloads,
    objective: options.objective,
    weights,
    classes,
    candidates,
    excluded,
    mismatches,
    workloadCount: workloads.length,
  };
}

/** λ: the total of the cheapest prices over the total of the lowest emissions. */
function usdPerKg(
  classes: readonly WorkloadClass[],
  offset: Int32Array,
  raw: { usd: Float64Array; kg: Float64Array },
): number {
  let usd = 0;
  let kg = 0;
  for (const cls of classes) {
    let minUsd = Infinity;
    let minKg = Infinity;
    for (let j = offset[cls.index]!; j < offset[cls.index + 1]!; j++) {
      minUsd = Math.min(minUsd, raw.usd[j]!);
      minKg = Math.min(minKg, raw.kg[j]!);
    }
    if (minUsd === Infinity) continue;
    usd += minUsd * cls.members.length;
    kg += minKg * cls.members.length;
  }
  return kg > 0 ? usd / kg : 0;
}

function sortCandidates(
  classes: WorkloadClass[],
  offset: Int32Array,
  raw: {
    site: Int32Array;
    usd: Float64Array;
    kg: Float64Array;
    hours: Float64Array;
    earliest: Int32Array;
  },
  weights: ObjectiveWeights,
  n: number,
): Candidates {
  const out: Candidates = {
    offset,
    site: new Int32Array(n),
    score: new Float64Array(n),
    usd: new Float64Array(n),
    kgCO2: new Float64Array(n),
    transferHours: new Float64Array(n),
    earliestStart: new Int32Array(n),
    latestStart: new Int32Array(n),
  };
  const scores = new Float64Array(n);
  for (let j = 0; j < n; j++) scores[j] = score(weights, raw.usd[j]!, raw.kg[j]!, raw.hours[j]!);
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  const byScore = (a: number, b: number) => scores[a]! - scores[b]! || raw.site[a]! - raw.site[b]!;
  for (const cls of classes) {
    const from = offset[cls.index]!;
    const to = offset[cls.index + 1]!;
    // Ties go to the lower site index, so plans do not depend on sort stability.
    order.subarray(from, to).sort(byScore);
    let worst = 0;
    for (let k = from; k < to; k++) {
      const j = order[k]!;
      out.site[k] = raw.site[j]!;
      out.score[k] = scores[j]!;
      out.usd[k] = raw.usd[j]!;
      out.kgCO2[k] = raw.kg[j]!;
      out.transferHours[k] = raw.hours[j]!;
      out.earliestStart[k] = raw.earliest[j]!;
      out.latestStart[k] = cls.deadlineSlot - cls.durationSlots + 1;
      worst = Math.max(worst, scores[j]!);
    }
    // A class with no legal site is reported apart and costs the objective nothing.
    cls.penalty = to > from ? 2 * worst + 1 : 0;
  }
  return out;
}
