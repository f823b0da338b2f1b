/**
 * The compute sites a hub knows: where a job's movable work (aggregation) may run. A hub's
 * config may name a sites file in the planner's format (`converge plan --sites`); without one,
 * the hub offers only itself: one server in its own jurisdiction.
 */
import {
  gridIntensity2024,
  parseNetwork,
  readNetworkFile,
  type GridIntensityTable,
  type Network,
} from '../planner/index.js';

export interface ComputeSites {
  network: Network;
  /** The sites file, or a sentence saying the hub offers only itself. */
  source: string;
  /** Sites whose coordinates are real (the default site has none). */
  located: ReadonlySet<string>;
}

/** Ember's 2024 world average (data/planner/grid-intensity-2024.json, aggregates.World). */
const WORLD_GCO2_PER_KWH = 472.94;

/**
 * Assumptions for the hub's own server (no file): a small cloud VM's price, the industry's
 * average PUE (Uptime Institute survey, about 1.5), room for any job (one slot of a year).
 */
const OWN_SERVER = {
  pricePerAcceleratorHourUsd: 0.1,
  pue: 1.5,
  memoryGiB: 16,
  horizonHours: 24 * 365,
};

/** Reads a sites file; errors name the file and the field (`sites[0].pue: …`). */
export async function readComputeSites(path: string): Promise<ComputeSites> {
  const network = await readNetworkFile(path);
  return { network, source: path, located: new Set(network.sites.map((s) => s.id)) };
}

/** The hub alone: one server where the hub is, its grid the country's yearly average. */
export async function hubComputeSite(
  hub: { name: string; jurisdiction: string },
  intensity?: GridIntensityTable,
): Promise<ComputeSites> {
  const table = intensity ?? (await gridIntensity2024());
  const national = table.lookup(hub.jurisdiction);
  const network = parseNetwork(
    {
      horizon: { slots: 1, slotHours: OWN_SERVER.horizonHours },
      sites: [
        {
          id: hub.name,
          name: `${hub.name} (the hub's own server)`,
          // Coordinates are unknown (a node declares only its jurisdiction): with one site
          // they decide nothing, and placements leave them out.
          location: { lat: 0, lon: 0, country: hub.jurisdiction },
          accelerators: [
            {
              model: 'CPU server',
              count: 1,
              tpp: 0,
              performanceDensity: 0,
              memoryGiB: OWN_SERVER.memoryGiB,
            },
          ],
          pricePerAcceleratorHourUsd: OWN_SERVER.pricePerAcceleratorHourUsd,
          pue: OWN_SERVER.pue,
          ...(national ? {} : { gridIntensityGco2PerKwh: WORLD_GCO2_PER_KWH }),
        },
      ],
    },
    table,
    `the hub's own compute site`,
  );
  return {
    network,
    source: `the hub's own server in ${hub.jurisdiction} (no computeSites file in its config)`,
    located: new Set(),
  };
}
