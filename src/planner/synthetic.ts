/**
 * Seeded synthetic networks and job sets for benchmarks and tests, shaped as the sites and jobs
 * files (so they pass through the same schemas). Every quantity here is invented; the grid
 * intensities come from the shipped country table.
 */
import type { z } from 'zod';
import type { NetworkFile } from './sites.js';
import type { JobsFile, WorkloadKind } from './workloads.js';

type NetworkInput = z.input<typeof NetworkFile>;
type JobsInput = z.input<typeof JobsFile>;
type SiteInput = NetworkInput['sites'][number];
type WorkloadInput = JobsInput['workloads'][number];

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rough country centres for placing synthetic sites (degrees). */
const COUNTRIES: readonly { code: string; lat: number; lon: number; weight: number }[] = [
  { code: 'CN', lat: 33, lon: 108, weight: 5 },
  { code: 'US', lat: 39, lon: -98, weight: 5 },
  { code: 'DE', lat: 51, lon: 10, weight: 2 },
  { code: 'FR', lat: 46.5, lon: 2.5, weight: 2 },
  { code: 'GB', lat: 53, lon: -2, weight: 1 },
  { code: 'SE', lat: 62, lon: 15, weight: 1 },
  { code: 'NO', lat: 61, lon: 9, weight: 1 },
  { code: 'IE', lat: 53, lon: -8, weight: 1 },
  { code: 'NL', lat: 52.2, lon: 5.3, weight: 1 },
  { code: 'JP', lat: 36, lon: 138, weight: 2 },
  { code: 'KR', lat: 36.5, lon: 128, weight: 1 },
  { code: 'SG', lat: 1.35, lon: 103.8, weight: 1 },
  { code: 'IN', lat: 22, lon: 79, weight: 2 },
  { code: 'BR', lat: -10, lon: -52, weight: 1 },
  { code: 'CA', lat: 50, lon: -100, weight: 1 },
];

/** Accelerator catalogue (TPP per REFERENCES §2.3; PD and prices invented for the benchmark). */
const ACCELERATORS = [
  { model: 'H100 SXM', tpp: 15832, performanceDensity: 19.4, memoryGiB: 80, price: [2.0, 3.5] },
  { model: 'A100', tpp: 4992, performanceDensity: 6.04, memoryGiB: 80, price: [1.2, 2.2] },
  { model: 'L40S', tpp: 5864, performanceDensity: 9.6, memoryGiB: 48, price: [0.8, 1.4] },
  { model: 'H20', tpp: 2368, performanceDensity: 2.9, memoryGiB: 96, price: [0.9, 1.5] },
] as const;

export interface SyntheticSpec {
  sites: number;
  workloads: number;
  slots?: number;
  seed?: number;
  /** Demanded over offered accelerator-slots (default 0.55): how contested capacity is. */
  load?: number;
}

export function syntheticInstance(spec: SyntheticSpec): { network: NetworkInput; jobs: JobsInput } {
  const rand = seededRandom(spec.seed ?? 1);
  const slots = spec.slots ?? 24;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const totalWeight = COUNTRIES.reduce((s, c) => s + c.weight, 0);
  const country = () => {
    let r = rand() * totalWeight;
    for (const c of COUNTRIES) if ((r -= c.weight) < 0) return c;
    return COUNTRIES[0]!;
  };

  const sites: SiteInput[] = [];
  for (let i = 0; i < spec.sites; i++) {
    const c = country();
    const a = pick(ACCELERATORS);
    sites.push({
      id: `site-${String(i).padStart(3, '0')}`,
      location: { lat: c.lat + between(-3, 3), lon: c.lon + between(-3, 3), country: c.code },
      accelerators: [
        {
          model: a.model,
          count: 1,
          tpp: a.tpp,
          performanceDensity: a.performanceDensity,
          memoryGiB: a.memoryGiB,
        },
      ],
      pricePerAcceleratorHourUsd: Math.round(between(a.price[0], a.price[1]) * 100) / 100,
      pue: Math.round(between(1.08, 1.6) * 100) / 100,
      egressUsdPerGb: Math.round(between(0.02, 0.09) * 100) / 100,
      bandwidthGbps: pick([10, 25, 40, 100]),
    });
  }

  const workloads: WorkloadInput[] = [];
  let demand = 0;
  for (let i = 0; i < spec.workloads; i++) {
    const r = rand();
    const kind: WorkloadKind =
      r < 0.2 ? 'training' : r < 0.6 ? 'analytics' : r < 0.8 ? 'evaluation' : 'data-processing';
    const training = kind === 'training';
    const accelerators = training ? pick([8, 16, 32]) : pick([1, 1, 2, 4, 8]);
    const duration = training ? 2 + Math.floor(rand() * 8) : 1 + Math.floor(rand() * 3);
    const dataSite = sites[Math.floor(rand() * sites.length)]!;
    const home = dataSite.location.country;
    const m = rand();
    const mayMoveTo =
      m < 0.45
        ? []
        : m < 0.8
          ? [...new Set([pick(COUNTRIES).code, pick(COUNTRIES).code])]
          : COUNTRIES.map((c) => c.code);
    const deadline = Math.min(slots - 1, duration - 1 + Math.floor(between(0.3, 1) * slots));
    workloads.push({
      id: `job-${String(i).padStart(5, '0')}`,
      kind,
      owner: { headquarters: rand() < 0.1 ? 'CN' : home },
      acceleratorHours: Math.round(accelerators * duration * between(0.7, 1) * 10) / 10,
      accelerators,
      needs: { minTpp: 0, minMemoryGiB: training ? pick([40, 64]) : pick([0, 16, 40]) },
      powerWattsPerAccelerator: pick([300, 400, 550, 700]),
      data: {
        site: dataSite.id,
        sizeGb: training ? pick([200, 1000, 4000]) : pick([5, 50, 200]),
        mayMoveTo: mayMoveTo.filter((code) => code !== home),
        personal: rand() < 0.15,
      },
      deadlineSlot: deadline,
    });
    demand += accelerators * duration;
  }

  // Size sites so that demand is `load` of what they offer; pools are a multiple of 8.
  const perSite = demand / (spec.load ?? 0.55) / slots / spec.sites;
  for (const site of sites) {
    const count = Math.max(8, Math.round((perSite * between(0.3, 1.7)) / 8) * 8);
    site.accelerators[0]!.count = count;
  }
  return {
    network: {
      description: `synthetic: ${spec.sites} sites, seed ${spec.seed ?? 1}`,
      horizon: { slots, slotHours: 1 },
      sites,
    },
    jobs: {
      description: `synthetic: ${spec.workloads} workloads, seed ${spec.seed ?? 1}`,
      workloads,
    },
  };
}
