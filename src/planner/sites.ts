/**
 * Compute sites: the network file (a planning horizon and the sites on it) and its resolved form.
 *
 * NetworkFile (sites.json):
 *   horizon   { slots, slotHours }    the planning calendar; capacity and deadlines index its slots
 *   defaults  { egressUsdPerGb, bandwidthGbps, crossBorderBandwidthGbps? }   used where a site or
 *             link declares none (assumptions)
 *   sites[]   id, location {lat, lon, country (ISO alpha-2), region?, hub?}, accelerators[]
 *             {model, count, tpp, performanceDensity, memoryGiB}, pricePerAcceleratorHourUsd, pue,
 *             gridIntensityGco2PerKwh? (default: the country's 2024 average), egressUsdPerGb?,
 *             bandwidthGbps? (the site's uplink), links[]? {to, bandwidthGbps?, latencyMs?},
 *             capacity? (accelerators per slot: one number or one per slot; default all of them)
 * Any object may carry `source` and `assumption` notes; the planner keeps but never reads them.
 */
import { z } from 'zod';
import { PlannerInputError } from './errors.js';
import type { GridIntensityTable } from './grid-intensity.js';

export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as "CN"');

const notes = { source: z.string().optional(), assumption: z.string().optional() };

export const AcceleratorSpec = z
  .object({
    model: z.string().min(1),
    count: z.int().positive(),
    /** Total processing performance (ECCN 3A090): 2 × MacTOPS × bit length. */
    tpp: z.number().nonnegative(),
    /** TPP ÷ logic-die area in mm². */
    performanceDensity: z.number().nonnegative(),
    memoryGiB: z.number().positive(),
    ...notes,
  })
  .strict();
export type AcceleratorSpec = z.infer<typeof AcceleratorSpec>;

const LinkSpec = z
  .object({
    to: z.string().min(1),
    bandwidthGbps: z.number().positive().optional(),
    latencyMs: z.number().nonnegative().optional(),
    ...notes,
  })
  .strict();

export const SiteSpec = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9._:-]+$/, 'expected letters, digits, ".", "_", ":" or "-"'),
    name: z.string().optional(),
    location: z
      .object({
        lat: z.number().min(-90).max(90),
        lon: z.number().min(-180).max(180),
        country: CountryCode,
        region: z.string().optional(),
        hub: z.string().optional(),
        ...notes,
      })
      .strict(),
    accelerators: z.array(AcceleratorSpec).min(1),
    pricePerAcceleratorHourUsd: z.number().nonnegative(),
    pue: z.number().min(1),
    gridIntensityGco2PerKwh: z.number().nonnegative().optional(),
    egressUsdPerGb: z.number().nonnegative().optional(),
    bandwidthGbps: z.number().positive().optional(),
    links: z.array(LinkSpec).default([]),
    capacity: z.union([z.int().nonnegative(), z.array(z.int().nonnegative())]).optional(),
    ...notes,
  })
  .strict();
export type SiteSpec = z.infer<typeof SiteSpec>;

/** Assumed when a file gives none: a mid-range public-cloud egress price and a 10 Gbit/s uplink. */
export const DEFAULT_EGRESS_USD_PER_GB = 0.05;
export const DEFAULT_BANDWIDTH_GBPS = 10;

export const NetworkFile = z
  .object({
    description: z.string().optional(),
    horizon: z
      .object({ slots: z.int().min(1).max(720), slotHours: z.number().positive() })
      .strict(),
    defaults: z
      .object({
        egressUsdPerGb: z.number().nonnegative().default(DEFAULT_EGRESS_USD_PER_GB),
        bandwidthGbps: z.number().positive().default(DEFAULT_BANDWIDTH_GBPS),
        /** Caps the bandwidth between sites in different countries (no cap if absent). */
        crossBorderBandwidthGbps: z.number().positive().optional(),
        ...notes,
      })
      .strict()
      .default({
        egressUsdPerGb: DEFAULT_EGRESS_USD_PER_GB,
        bandwidthGbps: DEFAULT_BANDWIDTH_GBPS,
      }),
    sites: z.array(SiteSpec).min(1),
    ...notes,
  })
  .strict()
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.sites.forEach((site, i) => {
      if (ids.has(site.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, 'id'],
          message: `duplicate id '${site.id}'`,
        });
      }
      ids.add(site.id);
      if (Array.isArray(site.capacity) && site.capacity.length !== file.horizon.slots) {
        ctx.addIssue({
          code: 'custom',
          path: ['sites', i, 'capacity'],
          message: `expected ${file.horizon.slots} values (one per slot), got ${site.capacity.length}`,
        });
      }
    });
    file.sites.forEach((site, i) =>
      site.links.forEach((link, j) => {
        if (!ids.has(link.to)) {
          ctx.addIssue({
            code: 'custom',
            path: ['sites', i, 'links', j, 'to'],
            message: `unknown site '${link.to}'`,
          });
        }
      }),
    );
  });
export type NetworkFile = z.infer<typeof NetworkFile>;

export interface Horizon {
  slots: number;
  slotHours: number;
}

/** A site as the planner sees it: every default filled in. */
export interface Site {
  index: number;
  id: string;
  name: string;
  country: string;
  lat: number;
  lon: number;
  region?: string;
  hub?: string;
  accelerators: AcceleratorSpec[];
  pricePerAcceleratorHourUsd: number;
  pue: number;
  gridIntensityGco2PerKwh: number;
  /** Where the intensity came from: the site file, or the country's yearly average. */
  gridIntensitySource: string;
  egressUsdPerGb: number;
  bandwidthGbps: number;
  /** Accelerators available in each slot. */
  capacity: number[];
  links: ReadonlyMap<string, { bandwidthGbps?: number; latencyMs?: number }>;
}

export interface Network {
  horizon: Horizon;
  sites: Site[];
  siteIndex: ReadonlyMap<string, number>;
  defaults: { egressUsdPerGb: number; bandwidthGbps: number; crossBorderBandwidthGbps?: number };
}

/** Fills defaults (intensity, egress, bandwidth, capacity) into a parsed network file. */
export function resolveNetwork(file: NetworkFile, intensity: GridIntensityTable): Network {
  const { horizon, defaults } = file;
  const sites = file.sites.map((spec, index): Site => {
    let gridIntensityGco2PerKwh = spec.gridIntensityGco2PerKwh;
    let gridIntensitySource = 'site file';
    if (gridIntensityGco2PerKwh === undefined) {
      const national = intensity.lookup(spec.location.country);
      if (national === undefined) {
        throw new PlannerInputError(
          `sites[${index}].gridIntensityGco2PerKwh: required, because the grid intensity table has no value for country '${spec.location.country}'`,
        );
      }
      gridIntensityGco2PerKwh = national.gco2PerKwh;
      gridIntensitySource = `${spec.location.country} national average ${national.year} (${intensity.source})`;
    }
    const total = spec.accelerators.reduce((sum, a) => sum + a.count, 0);
    const capacity = Array.isArray(spec.capacity)
      ? [...spec.capacity]
      : new Array<number>(horizon.slots).fill(spec.capacity ?? total);
    return {
      index,
      id: spec.id,
      name: spec.name ?? spec.id,
      country: spec.location.country,
      lat: spec.location.lat,
      lon: spec.location.lon,
      region: spec.location.region,
      hub: spec.location.hub,
      accelerators: spec.accelerators,
      pricePerAcceleratorHourUsd: spec.pricePerAcceleratorHourUsd,
      pue: spec.pue,
      gridIntensityGco2PerKwh,
      gridIntensitySource,
      egressUsdPerGb: spec.egressUsdPerGb ?? defaults.egressUsdPerGb,
      bandwidthGbps: spec.bandwidthGbps ?? defaults.bandwidthGbps,
      capacity,
      links: new Map(spec.links.map((l) => [l.to, l])),
    };
  });
  return {
    horizon,
    sites,
    siteIndex: new Map(sites.map((s) => [s.id, s.index])),
    defaults: {
      egressUsdPerGb: defaults.egressUsdPerGb,
      bandwidthGbps: defaults.bandwidthGbps,
      crossBorderBandwidthGbps: defaults.crossBorderBandwidthGbps,
    },
  };
}
