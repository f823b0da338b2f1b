import { describe, expect, it } from 'vitest';
import { builtinPolicyGate } from '../../src/planner/builtin-gate.js';
import { prepareInstance } from '../../src/planner/instance.js';
import { plan } from '../../src/planner/planner.js';
import { seededRandom } from '../../src/planner/synthetic.js';
import { bruteForceOptimum } from './brute-force.js';
import { job, network, site, workloads } from './fixtures.js';

/** Five workloads, three sites, four slots, capacity tight enough that choices interact. */
function tinyInstance(seed: number) {
  const rand = seededRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const net = network([
    site('a', 'US', { pricePerAcceleratorHourUsd: 1 + rand(), capacity: pick([4, 8]) }),
    site('b', 'SE', { pricePerAcceleratorHourUsd: 1 + 2 * rand(), capacity: pick([4, 8]) }),
    site('c', 'DE', { pricePerAcceleratorHourUsd: 1 + 3 * rand(), pue: 1.5, capacity: 4 }),
  ]);
  const jobs = Array.from({ length: 5 }, (_, i) => {
    const accelerators = pick([2, 4, 8]);
    const slots = pick([1, 2, 3]);
    return job(`w${i}`, pick(['a', 'b', 'c']), {
      accelerators,
      acceleratorHours: accelerators * slots,
      deadlineSlot: pick([slots - 1, 3, 3]),
      data: {
        site: pick(['a', 'b', 'c']),
        sizeGb: pick([0, 2000]),
        mayMoveTo: pick([['US', 'SE', 'DE'], []]),
      },
    });
  });
  return { net, wl: workloads(net, jobs) };
}

describe('placement optimality on tiny instances', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`seed ${seed}: the MIP equals brute force, greedy is no better, the LP bound is below both`, async () => {
      const { net, wl } = tinyInstance(seed);
      const optimum = bruteForceOptimum(
        prepareInstance(net, wl, builtinPolicyGate, { objective: 'balanced' }),
      );
      const mip = await plan(net, wl, {
        objective: 'balanced',
        mip: { model: 'time-indexed', mipRelGap: 0 },
      });
      const greedy = await plan(net, wl, { objective: 'balanced', solver: 'greedy' });
      const aggregate = await plan(net, wl, {
        objective: 'balanced',
        mip: { model: 'deadline-aggregate', mipRelGap: 0 },
      });
      expect(mip.totals.objective).toBeCloseTo(optimum, 6);
      expect(greedy.totals.objective).toBeGreaterThanOrEqual(optimum - 1e-6);
      expect(aggregate.totals.objective).toBeGreaterThanOrEqual(optimum - 1e-6);
      for (const p of [mip, greedy, aggregate]) {
        expect(p.bound.lp!).toBeLessThanOrEqual(optimum + 1e-6);
        expect(p.bound.gap!).toBeGreaterThanOrEqual(0);
      }
    });
  }
});
