/** Small hand-made networks and workloads, passed through the same schemas as files. */
import { parseJobs, parseNetwork } from '../../src/planner/parse.js';
import { parseGridIntensity } from '../../src/planner/grid-intensity.js';
import type { Network } from '../../src/planner/sites.js';
import type { Workload } from '../../src/planner/workloads.js';

/** A tiny intensity table, so tests do not depend on the shipped data's values. */
export const intensity = parseGridIntensity({
  unit: 'gCO2/kWh',
  year: 2024,
  source: 'test',
  countries: {
    CN: { iso3: 'CHN', gco2PerKwh: 500 },
    US: { iso3: 'USA', gco2PerKwh: 400 },
    SE: { iso3: 'SWE', gco2PerKwh: 40 },
    DE: { iso3: 'DEU', gco2PerKwh: 300 },
  },
});

export const H100 = {
  model: 'H100 SXM',
  count: 8,
  tpp: 15832,
  performanceDensity: 19.4,
  memoryGiB: 80,
};
export const H20 = { model: 'H20', count: 8, tpp: 2368, performanceDensity: 2.9, memoryGiB: 96 };

type SiteInput = Record<string, unknown> & { id: string };
type WorkloadInput = Record<string, unknown> & { id: string };

export function site(
  id: string,
  country: string,
  overrides: Record<string, unknown> = {},
): SiteInput {
  return {
    id,
    location: { lat: 30, lon: 110, country },
    accelerators: [country === 'CN' ? H20 : H100],
    pricePerAcceleratorHourUsd: 2,
    pue: 1.2,
    capacity: 8,
    ...overrides,
  };
}

export function job(
  id: string,
  dataSite: string,
  overrides: Record<string, unknown> = {},
): WorkloadInput {
  return {
    id,
    kind: 'analytics',
    owner: { headquarters: 'US' },
    acceleratorHours: 4,
    accelerators: 4,
    powerWattsPerAccelerator: 500,
    data: { site: dataSite, sizeGb: 0, mayMoveTo: ['CN', 'US', 'SE', 'DE'] },
    ...overrides,
  };
}

export function network(sites: SiteInput[], slots = 4): Network {
  return parseNetwork({ horizon: { slots, slotHours: 1 }, sites }, intensity);
}

export function workloads(net: Network, jobs: WorkloadInput[]): Workload[] {
  return parseJobs({ workloads: jobs }, net);
}
