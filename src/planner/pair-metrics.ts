/** What running one workload on one site costs: money, energy, carbon and data transfer. */
import { defaultLatencyMs, greatCircleKm } from './geo.js';
import type { Network, Site } from './sites.js';
import type { Workload } from './workloads.js';

export interface PairMetrics {
  computeUsd: number;
  egressUsd: number;
  energyKwh: number;
  kgCO2: number;
  /** Whether the data has to move to this site. */
  moved: boolean;
  transferHours: number;
  latencyMs: number;
}

/** Bandwidth and latency from where a workload's data lives to a site. */
export function dataPath(
  network: Network,
  workload: Workload,
  site: Site,
): { bandwidthGbps: number; latencyMs: number; egressUsdPerGb: number } {
  const { data } = workload;
  const source =
    data.site === undefined ? undefined : network.sites[network.siteIndex.get(data.site) ?? -1];
  if (source !== undefined && source.index === site.index) {
    return { bandwidthGbps: Infinity, latencyMs: 0, egressUsdPerGb: 0 };
  }
  const link = source?.links.get(site.id) ?? (source ? site.links.get(source.id) : undefined);
  const from =
    data.lat !== undefined && data.lon !== undefined ? { lat: data.lat, lon: data.lon } : site;
  const uplinks = Math.min(
    source?.bandwidthGbps ?? network.defaults.bandwidthGbps,
    site.bandwidthGbps,
  );
  const border =
    data.country !== site.country ? network.defaults.crossBorderBandwidthGbps : undefined;
  return {
    bandwidthGbps: link?.bandwidthGbps ?? Math.min(uplinks, border ?? Infinity),
    latencyMs: link?.latencyMs ?? defaultLatencyMs(greatCircleKm(from, site)),
    egressUsdPerGb: source?.egressUsdPerGb ?? network.defaults.egressUsdPerGb,
  };
}

export function pairMetrics(network: Network, workload: Workload, site: Site): PairMetrics {
  const path = dataPath(network, workload, site);
  const moved = path.bandwidthGbps !== Infinity && workload.data.sizeGb > 0;
  const energyKwh =
    (workload.acceleratorHours * workload.powerWattsPerAccelerator * site.pue) / 1000;
  return {
    computeUsd: workload.acceleratorHours * site.pricePerAcceleratorHourUsd,
    egressUsd: moved ? workload.data.sizeGb * path.egressUsdPerGb : 0,
    energyKwh,
    kgCO2: (energyKwh * site.gridIntensityGco2PerKwh) / 1000,
    moved,
    // GB × 8 bit/B ÷ Gbit/s = seconds; the planner counts hours.
    transferHours: moved ? (workload.data.sizeGb * 8) / path.bandwidthGbps / 3600 : 0,
    latencyMs: path.latencyMs,
  };
}
