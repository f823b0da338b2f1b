/**
 * A plan: where each workload runs and when, what it costs, what the policies ruled out, and how
 * close the answer is to the LP bound. Built from a schedule; pure.
 */
import type { ModelKind } from './formulation.js';
import type { PlanningInstance } from './instance.js';
import type { Objective, ObjectiveWeights } from './objective.js';
import type { Refusal } from './policy-gate.js';
import { pairMetrics } from './pair-metrics.js';
import { memberOffsets, scheduleObjective, type Schedule } from './schedule.js';
import type { Workload, WorkloadKind } from './workloads.js';

export interface Assignment {
  workloadId: string;
  kind: WorkloadKind;
  siteId: string;
  siteCountry: string;
  dataCountry: string;
  startSlot: number;
  /** Last slot it runs in. */
  endSlot: number;
  accelerators: number;
  acceleratorHours: number;
  computeUsd: number;
  egressUsd: number;
  energyKwh: number;
  kgCO2: number;
  dataMoved: boolean;
  transferHours: number;
  score: number;
}

/** Pairs one policy decision refused at one site: every listed workload × that site. */
export interface PolicyExclusion {
  siteId: string;
  pack: string;
  policyId: string;
  reason: string;
  workloadIds: string[];
}

/** Why a workload has no legal site: reasons grouped, each with the sites it applies to. */
export interface UnplaceableWorkload {
  workloadId: string;
  reasons: {
    kind: 'policy' | 'hardware' | 'capacity' | 'deadline' | 'latency';
    pack?: string;
    policyId?: string;
    reason: string;
    siteIds: string[];
  }[];
}

export interface SiteLoad {
  siteId: string;
  name: string;
  country: string;
  hub?: string;
  workloads: number;
  acceleratorHours: number;
  usd: number;
  kgCO2: number;
  /** Accelerator-slots used over accelerator-slots offered in the horizon. */
  utilisation: number;
}

export interface SolveReport {
  solver: 'mip' | 'greedy';
  status: string;
  model?: ModelKind;
  /** How the MIP was solved (mip.ts): over all generated columns, or over the LP's fractional core. */
  strategy?: 'full' | 'lp-core';
  classes: number;
  columns?: number;
  candidateColumns?: number;
  rows?: number;
  pricingRounds?: number;
  displaced?: number;
  keptWarmStart?: boolean;
  solverGap?: number;
  ms: { prepare: number; greedy: number; relaxation?: number; mip?: number; total: number };
}

export interface Plan {
  objective: Objective;
  weights: ObjectiveWeights;
  gate: string;
  horizon: { slots: number; slotHours: number };
  assignments: Assignment[];
  sites: SiteLoad[];
  exclusions: PolicyExclusion[];
  /** Legal somewhere, but left out for lack of room before the deadline. */
  unplaced: { workloadId: string; reason: string }[];
  unplaceable: UnplaceableWorkload[];
  totals: {
    workloads: number;
    placed: number;
    acceleratorHours: number;
    computeUsd: number;
    egressUsd: number;
    usd: number;
    energyKwh: number;
    kgCO2: number;
    /** Σ scores of placed workloads + Σ penalties of unplaced ones. */
    objective: number;
  };
  bound: {
    /** LP relaxation optimum over all legal columns, or null if not computed. */
    lp: number | null;
    /** (objective − lp) / |lp|: how far the plan may be from the best possible. */
    gap: number | null;
    /** Every workload at its best legal site, capacity ignored: a weaker bound, always known. */
    uncapacitated: number;
  };
  solve: SolveReport;
}

export function assemblePlan(
  instance: PlanningInstance,
  schedule: Schedule,
  lpBound: number | null,
  solve: SolveReport,
): Plan {
  const { network, classes, candidates } = instance;
  const offsets = memberOffsets(instance);
  const assignments: Assignment[] = [];
  const unplaced: Plan['unplaced'] = [];
  let uncapacitated = 0;
  for (const cls of classes) {
    const first = candidates.offset[cls.index]!;
    if (first < candidates.offset[cls.index + 1]!)
      uncapacitated += cls.members.length * candidates.score[first]!;
    cls.members.forEach((w, i) => {
      const m = offsets[cls.index]! + i;
      const j = schedule.candidate[m]!;
      if (first === candidates.offset[cls.index + 1]!) return; // unplaceable: reported apart
      if (j < 0) {
        unplaced.push({
          workloadId: w.id,
          reason: 'no capacity left at any legal site before its deadline',
        });
        return;
      }
      const site = network.sites[candidates.site[j]!]!;
      const metrics = pairMetrics(network, w, site);
      const start = schedule.start[m]!;
      assignments.push({
        workloadId: w.id,
        kind: w.kind,
        siteId: site.id,
        siteCountry: site.country,
        dataCountry: w.data.country,
        startSlot: start,
        endSlot: start + cls.durationSlots - 1,
        accelerators: cls.accelerators,
        acceleratorHours: w.acceleratorHours,
        computeUsd: metrics.computeUsd,
        egressUsd: metrics.egressUsd,
        energyKwh: metrics.energyKwh,
        kgCO2: metrics.kgCO2,
        dataMoved: metrics.moved,
        transferHours: metrics.transferHours,
        score: candidates.score[j]!,
      });
    });
  }
  const objective = scheduleObjective(instance, schedule);
  const sum = (f: (a: Assignment) => number) => assignments.reduce((s, a) => s + f(a), 0);
  return {
    objective: instance.objective,
    weights: instance.weights,
    gate: instance.gateName,
    horizon: { ...network.horizon },
    assignments,
    sites: siteLoads(instance, assignments),
    exclusions: groupExclusions(instance),
    unplaced,
    unplaceable: unplaceableWorkloads(instance),
    totals: {
      workloads: instance.workloadCount,
      placed: assignments.length,
      acceleratorHours: sum((a) => a.acceleratorHours),
      computeUsd: sum((a) => a.computeUsd),
      egressUsd: sum((a) => a.egressUsd),
      usd: sum((a) => a.computeUsd + a.egressUsd),
      energyKwh: sum((a) => a.energyKwh),
      kgCO2: sum((a) => a.kgCO2),
      objective,
    },
    bound: {
      lp: lpBound,
      gap: lpBound === null ? null : relativeGap(objective, lpBound),
      uncapacitated,
    },
    solve,
  };
}

export function relativeGap(objective: number, bound: number): number {
  if (Math.abs(objective - bound) <= 1e-9 * Math.max(1, Math.abs(objective))) return 0;
  return (objective - bound) / Math.max(Math.abs(bound), 1e-12);
}

function siteLoads(instance: PlanningInstance, assignments: readonly Assignment[]): SiteLoad[] {
  const { sites } = instance.network;
  const loads = new Map<string, SiteLoad>(
    sites.map((s) => [
      s.id,
      {
        siteId: s.id,
        name: s.name,
        country: s.country,
        hub: s.hub,
        workloads: 0,
        acceleratorHours: 0,
        usd: 0,
        kgCO2: 0,
        utilisation: 0,
      },
    ]),
  );
  for (const a of assignments) {
    const load = loads.get(a.siteId)!;
    load.workloads++;
    load.acceleratorHours += a.acceleratorHours;
    load.usd += a.computeUsd + a.egressUsd;
    load.kgCO2 += a.kgCO2;
    load.utilisation += a.accelerators * (a.endSlot - a.startSlot + 1);
  }
  for (const s of sites) {
    const offered = s.capacity.reduce((x, y) => x + y, 0);
    const load = loads.get(s.id)!;
    load.utilisation = offered > 0 ? load.utilisation / offered : 0;
  }
  return [...loads.values()];
}

/** Groups refused pairs by decision (pack, policy, reason) and site. */
/** Groups refused pairs by decision (pack, policy, reason) and site. */
function groupExclusions(instance: PlanningInstance): PolicyExclusion[] {
  const groups = new Map<string, Map<number, string[]>>();
  const decisions = new Map<string, Refusal>();
  // Gates may hand back one object per decision; remember each object's key once.
  const keyOf = new Map<Refusal, string>();
  instance.excluded.forEach((workloadIndex, siteIndex, refusal) => {
    let key = keyOf.get(refusal);
    if (key === undefined) {
      key = `${refusal.pack}\u0000${refusal.policyId}\u0000${refusal.reason}`;
      keyOf.set(refusal, key);
      decisions.set(key, refusal);
    }
    const bySite = groups.get(key) ?? new Map<number, string[]>();
    groups.set(key, bySite);
    const ids = bySite.get(siteIndex) ?? [];
    bySite.set(siteIndex, ids);
    ids.push(instance.workloads[workloadIndex]!.id);
  });
  const out: PolicyExclusion[] = [];
  for (const [key, bySite] of groups) {
    const { pack, policyId, reason } = decisions.get(key)!;
    for (const [siteIndex, workloadIds] of bySite) {
      out.push({
        siteId: instance.network.sites[siteIndex]!.id,
        pack,
        policyId,
        reason,
        workloadIds,
      });
    }
  }
  return out;
}

type Reason = UnplaceableWorkload['reasons'][number];

function unplaceableWorkloads(instance: PlanningInstance): UnplaceableWorkload[] {
  const { sites } = instance.network;
  const unplaceable = new Set<Workload>();
  for (const classIndex of instance.mismatches.keys()) {
    for (const w of instance.classes[classIndex]!.members) unplaceable.add(w);
  }
  const reasons = new Map<Workload, Map<string, Reason>>();
  const note = (w: Workload, key: string, make: () => Reason, siteIndex: number) => {
    const groups = reasons.get(w) ?? new Map<string, Reason>();
    reasons.set(w, groups);
    const group = groups.get(key) ?? make();
    groups.set(key, group);
    group.siteIds.push(sites[siteIndex]!.id);
  };
  instance.excluded.forEach((workloadIndex, siteIndex, { pack, policyId, reason }) => {
    const w = instance.workloads[workloadIndex]!;
    if (!unplaceable.has(w)) return;
    const make = (): Reason => ({ kind: 'policy', pack, policyId, reason, siteIds: [] });
    note(w, `p|${pack}|${policyId}|${reason}`, make, siteIndex);
  });
  for (const [classIndex, mismatches] of instance.mismatches) {
    for (const w of instance.classes[classIndex]!.members) {
      for (const { siteIndex, kind, reason } of mismatches) {
        note(w, `t|${kind}|${reason}`, () => ({ kind, reason, siteIds: [] }), siteIndex);
      }
    }
  }
  return [...unplaceable].map((w) => ({
    workloadId: w.id,
    reasons: [...(reasons.get(w)?.values() ?? [])],
  }));
}
