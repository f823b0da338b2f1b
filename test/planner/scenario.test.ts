import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  gridIntensity2024,
  plannerDataDir,
  readJobsFile,
  readNetworkFile,
} from '../../src/planner/files.js';
import { runScenario } from '../../src/planner/scenario.js';

const dir = join(plannerDataDir(), 'east-data-west-computing');

describe('the shipped data', () => {
  it('the grid intensity table has the reference values (REFERENCES §6.5)', async () => {
    const table = await gridIntensity2024();
    expect(table.lookup('CN')).toEqual({ gco2PerKwh: 557.5, year: 2024 });
    expect(table.lookup('SE')!.gco2PerKwh).toBe(35.89);
    expect(table.lookup('HK')).toEqual({ gco2PerKwh: 681.99, year: 2023 });
    const source = await readFile(join(plannerDataDir(), 'SOURCE.md'), 'utf8');
    expect(source).toMatch(/Ember.*CC BY 4\.0/s);
    expect(source).toMatch(/co2\.js.*CC BY-SA 4\.0/s);
  });

  it('the scenario has the eight hubs, their PUE targets, and a source or assumption on every site and job', async () => {
    const network = await readNetworkFile(join(dir, 'sites.json'));
    const hubs = new Set(network.sites.filter((s) => s.country === 'CN').map((s) => s.hub));
    expect(hubs.size).toBe(8);
    for (const s of network.sites.filter((x) => x.country === 'CN')) {
      expect(s.pue).toBe(s.region === 'west' ? 1.2 : 1.25);
      expect(s.gridIntensityGco2PerKwh).toBe(557.5);
    }
    const raw = JSON.parse(await readFile(join(dir, 'sites.json'), 'utf8')) as {
      sites: { source?: string; assumption?: string }[];
    };
    for (const s of raw.sites) expect(s.source && s.assumption).toBeTruthy();
    const jobs = JSON.parse(await readFile(join(dir, 'jobs.json'), 'utf8')) as {
      workloads: { assumption?: string }[];
    };
    for (const w of jobs.workloads) expect(w.assumption).toBeTruthy();
    expect((await readJobsFile(join(dir, 'jobs.json'), network)).length).toBeGreaterThan(50);
  });
});

describe('East Data, West Computing', () => {
  it('saves cost and carbon against running everything where its data is', async () => {
    const r = await runScenario('balanced');
    expect(r.comparison.savedUsd).toBeGreaterThan(0);
    expect(r.comparison.savedKgCO2).toBeGreaterThan(0);
    expect(r.plan.bound.gap!).toBeGreaterThanOrEqual(0);
    // Movable eastern work goes west.
    expect(
      r.flows.some(
        (f) =>
          f.from === 'cn-bth-zhangjiakou' &&
          ['cn-im-horinger', 'cn-gz-guian', 'cn-gs-qingyang', 'cn-nx-zhongwei'].includes(f.to),
      ),
    ).toBe(true);
  });

  it('the carbon objective saves at least as much carbon as the cost objective', async () => {
    const carbon = await runScenario('carbon');
    const cost = await runScenario('cost');
    expect(carbon.comparison.planned.kgCO2).toBeLessThanOrEqual(
      cost.comparison.planned.kgCO2 + 1e-9,
    );
    expect(cost.comparison.planned.usd).toBeLessThanOrEqual(carbon.comparison.planned.usd + 1e-9);
  });

  it('reports what policy kept at home, ruled out and left without a site', async () => {
    const r = await runScenario('balanced');
    expect(r.keptHomeByPolicy.share).toBeGreaterThan(0.5);
    expect(r.keptHomeByPolicy.workloads).toContain('yrd-hospital-imaging-eval#1');
    const policies = new Set(r.exclusions.map((e) => `${e.pack}/${e.policyId}`));
    expect(policies).toEqual(
      new Set([
        'CN/data-residency',
        'CN/personal-data-stays-local',
        'DE/personal-data-stays-local',
        'DE/data-residency',
        'US/data-residency',
        'US/eccn-3a090',
        'FR/data-residency',
        'IE/data-residency',
        'SG/data-residency',
      ]),
    );
    expect(r.plan.unplaceable.map((u) => u.workloadId)).toEqual(['cn-us-joint-grid-study']);
    expect(r.notRunnableAtData).toEqual([
      'cn-eu-joint-air-quality-study#1',
      'cn-eu-joint-air-quality-study#2',
    ]);
    const joint = r.plan.assignments.filter((a) => a.workloadId.startsWith('cn-eu-joint'));
    expect(joint.every((a) => a.siteCountry === 'CN')).toBe(true);
  });
});
