import { describe, expect, it } from 'vitest';
import { gridIntensity2024 } from '../../src/planner/files.js';
import { parseJobs, parseNetwork } from '../../src/planner/parse.js';
import type { Plan } from '../../src/planner/plan.js';
import { plan } from '../../src/planner/planner.js';
import type { Network } from '../../src/planner/sites.js';
import { syntheticInstance } from '../../src/planner/synthetic.js';
import type { Workload } from '../../src/planner/workloads.js';

async function contested() {
  const { network: raw, jobs } = syntheticInstance({
    workloads: 300,
    sites: 12,
    seed: 11,
    load: 0.6,
  });
  const network = parseNetwork(raw, await gridIntensity2024());
  return { network, workloads: parseJobs(jobs, network) };
}

function expectFeasible(p: Plan, network: Network, workloads: readonly Workload[]) {
  const byId = new Map(workloads.map((w) => [w.id, w]));
  const used = new Map<string, number[]>();
  const refused = new Set(
    p.exclusions.flatMap((e) => e.workloadIds.map((id) => `${id}@${e.siteId}`)),
  );
  for (const a of p.assignments) {
    const w = byId.get(a.workloadId)!;
    expect(a.startSlot).toBeGreaterThanOrEqual(w.releaseSlot);
    expect(a.endSlot).toBeLessThanOrEqual(w.deadlineSlot);
    expect(a.endSlot - a.startSlot + 1).toBe(
      Math.ceil(w.acceleratorHours / w.accelerators / network.horizon.slotHours - 1e-9),
    );
    expect(refused.has(`${a.workloadId}@${a.siteId}`)).toBe(false);
    const load = used.get(a.siteId) ?? new Array<number>(network.horizon.slots).fill(0);
    for (let t = a.startSlot; t <= a.endSlot; t++) load[t]! += a.accelerators;
    used.set(a.siteId, load);
  }
  for (const site of network.sites) {
    (used.get(site.id) ?? []).forEach((load, t) =>
      expect(load).toBeLessThanOrEqual(site.capacity[t]!),
    );
  }
  const placed = new Set(p.assignments.map((a) => a.workloadId));
  expect(placed.size).toBe(p.assignments.length); // at most once
  expect(placed.size + p.unplaced.length + p.unplaceable.length).toBe(workloads.length);
}

describe('every plan respects capacity, deadlines and the policy gate', () => {
  it('greedy', async () => {
    const { network, workloads } = await contested();
    const p = await plan(network, workloads, { solver: 'greedy' });
    expect(p.unplaced.length).toBeGreaterThan(0); // the instance is contested
    expectFeasible(p, network, workloads);
    expect(p.bound.gap!).toBeGreaterThanOrEqual(0);
  });

  it('MIP on the deadline-aggregate model, repaired into slots', async () => {
    const { network, workloads } = await contested();
    const p = await plan(network, workloads, {
      mip: { model: 'deadline-aggregate', timeLimitSeconds: 8 },
    });
    expect(p.solve.model).toBe('deadline-aggregate');
    expectFeasible(p, network, workloads);
    expect(p.bound.gap!).toBeGreaterThanOrEqual(0);
  });

  it('MIP on the deadline-aggregate model with the LP-core strategy', async () => {
    const { network, workloads } = await contested();
    const p = await plan(network, workloads, {
      mip: { model: 'deadline-aggregate', strategy: 'lp-core' },
    });
    expect(p.solve.strategy).toBe('lp-core');
    expectFeasible(p, network, workloads);
  });

  it('the MIP is never worse than the greedy plan it starts from', async () => {
    const { network, workloads } = await contested();
    const greedy = await plan(network, workloads, { solver: 'greedy', bound: false });
    const mip = await plan(network, workloads, { mip: { timeLimitSeconds: 8 } });
    expect(mip.totals.objective).toBeLessThanOrEqual(greedy.totals.objective + 1e-6);
  });
});
