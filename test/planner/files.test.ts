import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlannerInputError } from '../../src/planner/errors.js';
import { readJobsFile, readNetworkFile } from '../../src/planner/files.js';
import { parseJobs, parseNetwork } from '../../src/planner/parse.js';
import { intensity, job, network, site } from './fixtures.js';

const sites = () => [site('a', 'US'), site('b', 'SE'), site('c', 'CN'), site('d', 'DE')];
const file = (s: unknown[]) => ({ horizon: { slots: 4, slotHours: 1 }, sites: s });

function parseError(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(PlannerInputError);
    return (e as Error).message;
  }
  throw new Error('expected a PlannerInputError');
}

describe('malformed sites files are refused, naming the field', () => {
  it('a wrong type deep inside', () => {
    const s = sites();
    s[3] = {
      ...s[3]!,
      accelerators: [
        { model: 'H100', count: 8, tpp: 'fast', performanceDensity: 19, memoryGiB: 80 },
      ],
    };
    expect(parseError(() => parseNetwork(file(s), intensity))).toContain(
      'sites[3].accelerators[0].tpp: expected a number',
    );
  });

  it('a missing field, an unknown field, a bad country code', () => {
    const s = sites();
    const { pue: _pue, ...noPue } = s[0]!;
    s[0] = noPue as (typeof s)[0];
    s[1] = { ...s[1]!, colour: 'green' };
    s[2] = { ...s[2]!, location: { lat: 30, lon: 110, country: 'China' } };
    const message = parseError(() => parseNetwork(file(s), intensity));
    expect(message).toContain('sites[0].pue: required');
    expect(message).toContain('sites[1]: Unrecognized key: "colour"');
    expect(message).toContain(
      'sites[2].location.country: expected an ISO 3166-1 alpha-2 country code',
    );
  });

  it('duplicate ids, links to unknown sites, a capacity profile of the wrong length', () => {
    const s = [
      site('a', 'US', { links: [{ to: 'nowhere', latencyMs: 3 }] }),
      site('a', 'SE', { capacity: [8, 8] }),
    ];
    const message = parseError(() => parseNetwork(file(s), intensity));
    expect(message).toContain("sites[1].id: duplicate id 'a'");
    expect(message).toContain("sites[0].links[0].to: unknown site 'nowhere'");
    expect(message).toContain('sites[1].capacity: expected 4 values (one per slot), got 2');
  });

  it('a country without a grid intensity needs one in the file', () => {
    const message = parseError(() => parseNetwork(file([site('x', 'BR')]), intensity));
    expect(message).toContain(
      "sites[0].gridIntensityGco2PerKwh: required, because the grid intensity table has no value for country 'BR'",
    );
    expect(
      parseNetwork(file([site('x', 'BR', { gridIntensityGco2PerKwh: 106 })]), intensity).sites[0]!
        .gridIntensityGco2PerKwh,
    ).toBe(106);
  });
});

describe('malformed jobs files are refused, naming the field', () => {
  const net = () => network(sites());

  it('unknown data site, deadline past the horizon, bad kind', () => {
    expect(parseError(() => parseJobs({ workloads: [job('j', 'nowhere')] }, net()))).toContain(
      "workloads[0].data.site: unknown site 'nowhere'",
    );
    expect(
      parseError(() => parseJobs({ workloads: [job('j', 'a', { deadlineSlot: 9 })] }, net())),
    ).toContain("workloads[0].deadlineSlot: 9 is past the horizon's last slot 3");
    expect(
      parseError(() => parseJobs({ workloads: [job('j', 'a', { kind: 'mining' })] }, net())),
    ).toContain('workloads[0].kind: Invalid option');
  });

  it('work given twice or not at all', () => {
    const both = job('j', 'a', { operations: 1e18, operationsPerSecondPerAccelerator: 1e14 });
    expect(parseError(() => parseJobs({ workloads: [both] }, net()))).toContain(
      'workloads[0].operations: give acceleratorHours or operations, not both',
    );
    const { acceleratorHours: _h, ...none } = job('k', 'a');
    expect(parseError(() => parseJobs({ workloads: [job('ok', 'a'), none] }, net()))).toContain(
      'workloads[1].acceleratorHours: required (or operations with operationsPerSecondPerAccelerator)',
    );
  });

  it('operations convert to accelerator-hours, and count expands to numbered workloads', () => {
    const { acceleratorHours: _h, ...spec } = job('ops', 'a');
    const [w] = parseJobs(
      { workloads: [{ ...spec, operations: 7.2e17, operationsPerSecondPerAccelerator: 1e14 }] },
      net(),
    );
    expect(w!.acceleratorHours).toBeCloseTo(2, 12); // 7.2e17 / 1e14 / 3600
    const many = parseJobs({ workloads: [job('rep', 'a', { count: 3 })] }, net());
    expect(many.map((x) => x.id)).toEqual(['rep#1', 'rep#2', 'rep#3']);
  });

  it('reading files names the path, and bad JSON is an input error too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'planner-'));
    const bad = join(dir, 'sites.json');
    await writeFile(bad, JSON.stringify(file([{ ...site('a', 'US'), pue: 0.5 }])));
    await expect(readNetworkFile(bad, intensity)).rejects.toThrow(
      `${bad}: sites[0].pue: Too small`,
    );
    const broken = join(dir, 'jobs.json');
    await writeFile(broken, '{ "workloads": [');
    await expect(readJobsFile(broken, net())).rejects.toThrow(PlannerInputError);
    await expect(readJobsFile(join(dir, 'missing.json'), net())).rejects.toThrow(/cannot read/);
  });
});
