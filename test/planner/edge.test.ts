import { describe, expect, it } from 'vitest';
import { plan } from '../../src/planner/planner.js';
import { job, network, site, workloads } from './fixtures.js';

describe('edge cases', () => {
  it('no workloads: an empty plan, not an error', async () => {
    const net = network([site('a', 'US')]);
    for (const solver of ['mip', 'greedy'] as const) {
      const p = await plan(net, [], { solver });
      expect(p.totals).toMatchObject({ workloads: 0, placed: 0, objective: 0 });
      expect(p.bound.lp).toBe(0);
    }
  });

  it('nothing placeable: every workload is reported with its reasons', async () => {
    const net = network([site('a', 'US'), site('b', 'SE')]);
    const wl = workloads(net, [
      job('too-wide', 'a', { accelerators: 64, acceleratorHours: 64 }),
      job('too-late', 'a', { acceleratorHours: 40, deadlineSlot: 1 }),
    ]);
    for (const solver of ['mip', 'greedy'] as const) {
      const p = await plan(net, wl, { solver });
      expect(p.assignments).toEqual([]);
      expect(p.unplaceable.map((u) => [u.workloadId, u.reasons.map((r) => r.kind)])).toEqual([
        ['too-wide', ['capacity']],
        ['too-late', ['deadline']],
      ]);
    }
  });

  it('a workload that needs more memory than any accelerator has is a hardware mismatch', async () => {
    const net = network([site('a', 'US')]);
    const wl = workloads(net, [job('huge', 'a', { memoryGiB: 4 * 200 })]);
    const p = await plan(net, wl, { solver: 'greedy' });
    expect(p.unplaceable[0]!.reasons[0]).toMatchObject({ kind: 'hardware', siteIds: ['a'] });
  });
});
