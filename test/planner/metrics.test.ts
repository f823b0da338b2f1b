import { describe, expect, it } from 'vitest';
import { builtinPolicyGate } from '../../src/planner/builtin-gate.js';
import { defaultLatencyMs, greatCircleKm } from '../../src/planner/geo.js';
import { prepareInstance } from '../../src/planner/instance.js';
import { objectiveWeights } from '../../src/planner/objective.js';
import { pairMetrics } from '../../src/planner/pair-metrics.js';
import { parseNetwork } from '../../src/planner/parse.js';
import { intensity, job, site, workloads } from './fixtures.js';

const at = (lat: number, lon: number, country: string) => ({ lat, lon, country });

function twoSites(defaults: Record<string, unknown> = {}, links: unknown[] = []) {
  return parseNetwork(
    {
      horizon: { slots: 4, slotHours: 1 },
      defaults,
      sites: [
        site('us', 'US', { location: at(0, 0, 'US'), egressUsdPerGb: 0.09, links }),
        site('se', 'SE', { location: at(0, 10, 'SE'), pricePerAcceleratorHourUsd: 3, pue: 1.1 }),
      ],
    },
    intensity,
  );
}

describe('what a (workload, site) pair costs', () => {
  it('compute, energy and carbon at the data site: no transfer', () => {
    const net = twoSites();
    const [w] = workloads(net, [
      job('j', 'us', { data: { site: 'us', sizeGb: 100, mayMoveTo: ['SE'] } }),
    ]);
    const m = pairMetrics(net, w!, net.sites[0]!);
    expect(m.computeUsd).toBe(8); // 4 accelerator-hours × 2 USD
    expect(m.energyKwh).toBeCloseTo(2.4, 12); // 4 h × 0.5 kW × PUE 1.2
    expect(m.kgCO2).toBeCloseTo(0.96, 12); // 2.4 kWh × 400 g/kWh
    expect(m).toMatchObject({ egressUsd: 0, moved: false, transferHours: 0, latencyMs: 0 });
  });

  it('moving the data costs egress at the source and time at the bottleneck bandwidth', () => {
    const net = twoSites();
    const [w] = workloads(net, [
      job('j', 'us', { data: { site: 'us', sizeGb: 100, mayMoveTo: ['SE'] } }),
    ]);
    const m = pairMetrics(net, w!, net.sites[1]!);
    expect(m.computeUsd).toBe(12);
    expect(m.kgCO2).toBeCloseTo(4 * 0.5 * 1.1 * 0.04, 12);
    expect(m.egressUsd).toBeCloseTo(9, 12); // 100 GB × 0.09 USD at the source
    expect(m.transferHours).toBeCloseTo((100 * 8) / 10 / 3600, 12); // default 10 Gbit/s uplinks
    const km = greatCircleKm({ lat: 0, lon: 0 }, { lat: 0, lon: 10 });
    expect(km).toBeCloseTo(1111.95, 1);
    expect(m.latencyMs).toBeCloseTo((km / 200) * 1.5 + 5, 9);
    expect(defaultLatencyMs(0)).toBe(5);
  });

  it('a cross-border cap and a measured link override the defaults', () => {
    const capped = twoSites({ crossBorderBandwidthGbps: 1 });
    const [w] = workloads(capped, [
      job('j', 'us', { data: { site: 'us', sizeGb: 100, mayMoveTo: ['SE'] } }),
    ]);
    expect(pairMetrics(capped, w!, capped.sites[1]!).transferHours).toBeCloseTo(800 / 3600, 12);
    const linked = twoSites({}, [{ to: 'se', bandwidthGbps: 100, latencyMs: 42 }]);
    const [v] = workloads(linked, [
      job('j', 'us', { data: { site: 'us', sizeGb: 100, mayMoveTo: ['SE'] } }),
    ]);
    const m = pairMetrics(linked, v!, linked.sites[1]!);
    expect(m.transferHours).toBeCloseTo(8 / 3600, 12);
    expect(m.latencyMs).toBe(42);
  });

  it('a slow transfer delays the earliest start slot', () => {
    const net = twoSites({ crossBorderBandwidthGbps: 0.1 });
    const [w] = workloads(net, [
      job('j', 'us', { data: { site: 'us', sizeGb: 100, mayMoveTo: ['SE'] } }),
    ]);
    const inst = prepareInstance(net, [w!], builtinPolicyGate, { objective: 'cost' });
    const se = [...inst.candidates.site].indexOf(1);
    expect(inst.candidates.earliestStart[se]).toBe(3); // 8000 s = 2.2 h → slot 3
  });
});

describe('objective weights', () => {
  it('cost and carbon lead with their own unit and break ties with the others; balanced prices carbon at λ', () => {
    expect(objectiveWeights('cost', 5)).toEqual({ usd: 1, kgCO2: 0.005, transferHours: 0.001 });
    expect(objectiveWeights('carbon', 5)).toEqual({ usd: 0.0002, kgCO2: 1, transferHours: 0.0002 });
    expect(objectiveWeights('balanced', 5)).toEqual({ usd: 1, kgCO2: 5, transferHours: 1 });
  });

  it('λ is the instance total of cheapest prices over lowest emissions', () => {
    const net = twoSites();
    const wl = workloads(net, [job('j', 'us', { data: { site: 'us', mayMoveTo: ['SE'] } })]);
    const inst = prepareInstance(net, wl, builtinPolicyGate, { objective: 'balanced' });
    // cheapest: 8 USD at us; lowest emissions: 4 × 0.5 × 1.1 × 0.04 kg at se
    expect(inst.weights.kgCO2).toBeCloseTo(8 / (4 * 0.5 * 1.1 * 0.04), 9);
  });
});
