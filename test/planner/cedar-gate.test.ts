import { describe, expect, it } from 'vitest';
import { builtinPolicyGate } from '../../src/planner/builtin-gate.js';
import { cedarPolicyGate } from '../../src/planner/cedar-gate.js';
import { runScenario } from '../../src/planner/scenario.js';
import { loadPolicyEngine } from '../../src/policy/index.js';
import { H100, H20, job, network, site, workloads } from './fixtures.js';

// The planner asking the Cedar packs: the same answers as the built-in rules where both speak,
// named by the pack and policy in force.

const engine = loadPolicyEngine();
const gate = cedarPolicyGate(engine);

const net = () =>
  network([
    site('cn-west', 'CN', { pricePerAcceleratorHourUsd: 1 }),
    site('us-east', 'US', { pricePerAcceleratorHourUsd: 0.5 }),
    site('se-north', 'SE', { pricePerAcceleratorHourUsd: 3 }),
    site('se-h20', 'SE', { accelerators: [H20] }),
  ]);

describe('the Cedar policy gate', () => {
  it('refuses a 3A090 accelerator to a D:5-headquartered owner wherever the accelerator stands', () => {
    const n = net();
    const [cn] = workloads(n, [job('x', 'us-east', { owner: { headquarters: 'CN' } })]);
    for (const at of ['us-east', 'se-north']) {
      const s = n.sites.find((x) => x.id === at)!;
      expect(s.accelerators[0]!.tpp).toBe(H100.tpp);
      expect(gate.allowed(cn!, s)).toMatchObject({
        allowed: false,
        pack: 'us',
        policyId: 'eccn-3a090-a1-d5-headquartered',
      });
    }
    // An H20 is not 3A090-class: allowed; so is the H100 to an owner outside D:5.
    expect(
      gate.allowed(
        cn!,
        n.sites.find((x) => x.id === 'se-h20')!,
      ),
    ).toEqual({ allowed: true });
    const [us] = workloads(n, [job('y', 'us-east', { owner: { headquarters: 'US' } })]);
    expect(
      gate.allowed(
        us!,
        n.sites.find((x) => x.id === 'se-north')!,
      ),
    ).toEqual({
      allowed: true,
    });
  });

  it("keeps the data owner's declaration: personal data at home, other data where mayMoveTo allows", () => {
    const n = net();
    const [p] = workloads(n, [job('p', 'cn-west', { data: { site: 'cn-west', personal: true } })]);
    expect(gate.allowed(p!, n.sites[0]!)).toEqual({ allowed: true });
    expect(gate.allowed(p!, n.sites[1]!)).toMatchObject({
      allowed: false,
      policyId: 'personal-data-stays-local',
    });
  });

  it('puts a declared payload to the packs as a transfer, stating whether it carries personal information', () => {
    const n = net();
    const us = n.sites.find((x) => x.id === 'us-east')!;
    // Model updates from China and Germany to a US site: no owner's mayMoveTo needed, since
    // they carry no personal information (the CN and EU transfer rules do not apply).
    const [updates] = workloads(n, [
      job('agg', 'se-h20', {
        data: { site: 'se-h20', payload: 'model-update', origins: ['CN', 'DE'] },
      }),
    ]);
    expect(updates!.data.mayMoveTo).toEqual([]);
    expect(gate.allowed(updates!, us)).toEqual({ allowed: true });
    // Only a model update or an aggregate may be declared free of personal information.
    const [records] = workloads(n, [
      job('rec', 'se-h20', { data: { site: 'se-h20', payload: 'derived-records' } }),
    ]);
    expect(gate.allowed(records!, us)).toMatchObject({
      allowed: false,
      pack: 'consortium',
      policyId: 'personal-information-flag-checked',
    });
    expect((gate.allowed(records!, us) as { reason: string }).reason).toContain(
      'derived-records from SE to US',
    );
    // Personal data never moves, whatever it declares.
    const [personal] = workloads(n, [
      job('p', 'se-h20', { data: { site: 'se-h20', payload: 'model-update', personal: true } }),
    ]);
    expect(gate.allowed(personal!, us)).toMatchObject({ policyId: 'personal-data-stays-local' });
  });

  it('plans the East Data, West Computing scenario exactly as the built-in rules do', async () => {
    const options = { solver: 'greedy' as const };
    const cedar = await runScenario('balanced', { ...options, gate });
    const builtin = await runScenario('balanced', { ...options, gate: builtinPolicyGate });
    const pairs = (r: typeof cedar) =>
      r.plan.exclusions.reduce((n, e) => n + e.workloadIds.length, 0);
    expect(pairs(cedar)).toBe(pairs(builtin));
    expect(cedar.comparison).toEqual(builtin.comparison);
    const exportRefusals = cedar.plan.exclusions.filter((e) => e.pack === 'us');
    expect(exportRefusals.length).toBeGreaterThan(0);
    for (const e of exportRefusals) expect(e.policyId).toBe('eccn-3a090-a1-d5-headquartered');
  });
});
