import { describe, expect, it } from 'vitest';
import { PlanJson, planToJson } from '../../src/planner/plan-json.js';
import { formatPlanTable } from '../../src/planner/plan-table.js';
import { plan } from '../../src/planner/planner.js';
import { job, network, site, workloads } from './fixtures.js';

async function smallPlan() {
  const net = network([
    site('cn', 'CN'),
    site('us', 'US'),
    site('se', 'SE', { pricePerAcceleratorHourUsd: 1 }),
  ]);
  const wl = workloads(net, [
    job('move', 'us', { data: { site: 'us', sizeGb: 10, mayMoveTo: ['SE'] } }),
    job('stay', 'cn', { owner: { headquarters: 'CN' }, data: { site: 'cn' } }),
    job('stuck', 'us', { owner: { headquarters: 'CN' }, data: { site: 'us' } }),
    job('big', 'se', { accelerators: 16, acceleratorHours: 16 }),
  ]);
  return plan(net, wl, { objective: 'cost' });
}

describe('plan output', () => {
  it('the table lists sites in use, totals, exclusions and workloads without a site', async () => {
    const text = formatPlanTable(await smallPlan());
    expect(text).toMatch(/^Plan — objective cost; mip, time-indexed, full, optimal/);
    expect(text).toMatch(
      /site\s+country\s+hub\s+workloads\s+accelerator-h\s+cost USD\s+kgCO2\s+utilisation/,
    );
    expect(text).toMatch(/\nse\s+SE\s+1\s+4\.0\s+/);
    expect(text).toMatch(/\ntotal\s+2\s+8\.0/);
    expect(text).toContain('Excluded by policy:');
    expect(text).toMatch(/US\s+eccn-3a090/);
    expect(text).toContain('Unplaceable (no legal site):');
    expect(text).toContain('  stuck');
    expect(text).toContain('  big');
    expect(text).toMatch(/capacity at cn, us, se: needs 16 accelerators/);
  });

  it('the JSON form parses with its schema and survives a round trip', async () => {
    const json = planToJson(await smallPlan());
    const parsed = PlanJson.parse(JSON.parse(JSON.stringify(json)));
    expect(parsed.version).toBe(1);
    expect(parsed.assignments.map((a) => a.workloadId).sort()).toEqual(['move', 'stay']);
    expect(parsed.exclusionSummary.find((g) => g.policyId === 'eccn-3a090')).toMatchObject({
      pack: 'US',
      pairs: 1,
      workloads: 1,
      sites: 1,
    });
    expect(parsed.unplaceable.map((u) => u.workloadId).sort()).toEqual(['big', 'stuck']);
  });
});
