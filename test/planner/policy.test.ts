import { describe, expect, it } from 'vitest';
import { builtinPolicyGate, eccn3a090 } from '../../src/planner/builtin-gate.js';
import { plan } from '../../src/planner/planner.js';
import type { PolicyGate } from '../../src/planner/policy-gate.js';
import { H100, H20, job, network, site, workloads } from './fixtures.js';

const net = () =>
  network([
    site('cn-west', 'CN', { pricePerAcceleratorHourUsd: 1 }),
    site('us-east', 'US', { pricePerAcceleratorHourUsd: 0.5 }),
    site('se-north', 'SE', { pricePerAcceleratorHourUsd: 3 }),
  ]);

describe('ECCN 3A090 classification (REFERENCES §2.2, §2.3)', () => {
  it('TPP ≥ 4800 is 3A090.a.1; TPP ≥ 1600 with PD ≥ 5.92 is .a.2; the H20 is neither', () => {
    expect(eccn3a090(H100)).toBe('3A090.a.1');
    expect(eccn3a090({ ...H100, tpp: 4800 })).toBe('3A090.a.1');
    expect(eccn3a090({ ...H100, tpp: 4799, performanceDensity: 5.92 })).toBe('3A090.a.2');
    expect(eccn3a090({ ...H100, tpp: 1600, performanceDensity: 6 })).toBe('3A090.a.2');
    expect(eccn3a090({ ...H100, tpp: 1599, performanceDensity: 20 })).toBeUndefined();
    expect(eccn3a090({ ...H100, tpp: 4799, performanceDensity: 5.91 })).toBeUndefined();
    expect(eccn3a090(H20)).toBeUndefined();
  });
});

describe('the built-in gate', () => {
  it('keeps personal data at its own site', () => {
    const n = net();
    const [w] = workloads(n, [job('p', 'cn-west', { data: { site: 'cn-west', personal: true } })]);
    const decisions = n.sites.map((s) => builtinPolicyGate.allowed(w!, s));
    expect(decisions[0]).toEqual({ allowed: true });
    expect(decisions[1]).toMatchObject({
      allowed: false,
      pack: 'CN',
      policyId: 'personal-data-stays-local',
    });
  });

  it('refuses moving data abroad unless mayMoveTo lists the country', () => {
    const n = net();
    const [w] = workloads(n, [
      job('d', 'us-east', { data: { site: 'us-east', mayMoveTo: ['SE'] } }),
    ]);
    expect(builtinPolicyGate.allowed(w!, n.sites[2]!)).toEqual({ allowed: true });
    expect(builtinPolicyGate.allowed(w!, n.sites[0]!)).toMatchObject({
      allowed: false,
      pack: 'US',
      policyId: 'data-residency',
    });
  });

  it('refuses 3A090 accelerators to an owner headquartered in a D:5 country or Macau', () => {
    const n = net();
    for (const hq of ['CN', 'MO', 'RU']) {
      const [w] = workloads(n, [job('x', 'us-east', { owner: { headquarters: hq } })]);
      expect(builtinPolicyGate.allowed(w!, n.sites[1]!)).toMatchObject({
        allowed: false,
        pack: 'US',
        policyId: 'eccn-3a090',
      });
      expect(builtinPolicyGate.allowed(w!, n.sites[0]!)).toEqual({ allowed: true }); // H20 at cn-west
    }
    const [w] = workloads(n, [job('y', 'us-east', { owner: { headquarters: 'DE' } })]);
    expect(builtinPolicyGate.allowed(w!, n.sites[1]!)).toEqual({ allowed: true });
  });
});

describe('plans report what policy ruled out', () => {
  it('excluded pairs are not placed and carry the deciding policy; an unplaceable workload does not stop the rest', async () => {
    const n = net();
    const wl = workloads(n, [
      // Chinese-owned work on US data that may not leave the US: residency bars CN and SE,
      // export control bars the only US site.
      job('stuck', 'us-east', {
        owner: { headquarters: 'CN' },
        data: { site: 'us-east', mayMoveTo: [] },
      }),
      job('free', 'us-east', { data: { site: 'us-east', mayMoveTo: ['SE', 'CN'] } }),
      job('home', 'cn-west', {
        owner: { headquarters: 'CN' },
        data: { site: 'cn-west', mayMoveTo: [] },
      }),
    ]);
    const p = await plan(n, wl, { objective: 'cost' });
    expect(p.assignments.map((a) => [a.workloadId, a.siteId]).sort()).toEqual([
      ['free', 'us-east'],
      ['home', 'cn-west'],
    ]);
    expect(p.unplaceable).toHaveLength(1);
    const stuck = p.unplaceable[0]!;
    expect(stuck.workloadId).toBe('stuck');
    expect(stuck.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'policy',
          pack: 'US',
          policyId: 'eccn-3a090',
          siteIds: ['us-east'],
        }),
        expect.objectContaining({
          kind: 'policy',
          pack: 'US',
          policyId: 'data-residency',
          siteIds: ['cn-west'],
        }),
      ]),
    );
    const homeAbroad = p.exclusions.filter((e) => e.workloadIds.includes('home'));
    expect(homeAbroad.map((e) => e.siteId).sort()).toEqual(['se-north', 'us-east']);
    expect(homeAbroad.every((e) => e.pack === 'CN' && e.policyId === 'data-residency')).toBe(true);
  });

  it('any PolicyGate can stand in for the built-in one', async () => {
    const n = net();
    const wl = workloads(n, [job('a', 'us-east'), job('b', 'us-east')]);
    const consortium: PolicyGate = {
      name: 'test consortium',
      allowed: (w, s) =>
        s.country === 'US' && w.id === 'b'
          ? {
              allowed: false,
              pack: 'consortium',
              policyId: 'no-us-for-b',
              reason: 'b may not run in the US',
            }
          : { allowed: true },
    };
    const p = await plan(n, wl, { gate: consortium, objective: 'cost' });
    expect(p.gate).toBe('test consortium');
    expect(p.assignments.find((a) => a.workloadId === 'b')!.siteCountry).not.toBe('US');
    expect(p.exclusions).toEqual([
      {
        siteId: 'us-east',
        pack: 'consortium',
        policyId: 'no-us-for-b',
        reason: 'b may not run in the US',
        workloadIds: ['b'],
      },
    ]);
  });
});
