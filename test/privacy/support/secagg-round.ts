/**
 * Runs a whole SecAgg+ round in memory: one hub, n sites, messages passed by hand, with chosen
 * sites going silent after a chosen phase. Everything the hub receives is kept as its view.
 */
import { randomBytes } from 'node:crypto';
import {
  DEFAULT_QUANTIZATION,
  SecAggHub,
  SecAggSite,
  type AggregateResult,
  type QuantizationConfig,
  type RoundConfig,
  type SiteMessage,
} from '../../../src/privacy/index.js';

/** The last phase a site completes before going silent; 'nothing' never advertises. */
export type DropPoint = 'nothing' | 'advertise' | 'share-keys' | 'masked-input';

export function roundConfig(options: {
  sites: number;
  neighbours: number;
  threshold: number;
  vectorLength: number;
  round?: string;
  quantization?: Partial<QuantizationConfig>;
}): RoundConfig {
  return {
    round: options.round ?? 'job-1/round-1',
    sites: Array.from({ length: options.sites }, (_, i) => `site-${String(i).padStart(3, '0')}`),
    neighbours: options.neighbours,
    threshold: options.threshold,
    graphSeed: new Uint8Array(randomBytes(32)),
    vectorLength: options.vectorLength,
    quantization: { ...DEFAULT_QUANTIZATION, ...options.quantization },
  };
}

export interface RoundRun {
  hub: SecAggHub;
  sites: Map<string, SecAggSite>;
  /** Every message the hub received, in order. */
  hubView: SiteMessage[];
  result: AggregateResult;
}

export function randomUpdates(config: RoundConfig, scale = 1): Map<string, Float32Array> {
  return new Map(
    config.sites.map((s) => {
      const v = new Float32Array(config.vectorLength);
      for (let i = 0; i < v.length; i++) v[i] = (Math.random() * 2 - 1) * scale;
      return [s, v];
    }),
  );
}

export interface RoundParties {
  hub: SecAggHub;
  sites: Map<string, SecAggSite>;
}

export function startRound(config: RoundConfig): RoundParties {
  return {
    hub: new SecAggHub(config),
    sites: new Map(config.sites.map((s) => [s, new SecAggSite(config, s)])),
  };
}

export function runRound(
  config: RoundConfig,
  updates: ReadonlyMap<string, Float32Array>,
  options: {
    sampleCounts?: ReadonlyMap<string, number>;
    drops?: ReadonlyMap<string, DropPoint>;
    /** Survivors that never answer the unmask request. */
    silentInUnmasking?: ReadonlySet<string>;
  } = {},
  { hub, sites }: RoundParties = startRound(config),
): RoundRun {
  const hubView: SiteMessage[] = [];
  const send = (m: SiteMessage) => {
    hubView.push(m);
    hub.receive(m);
  };
  const stillIn = (site: string, after: DropPoint[]) =>
    !after.includes(options.drops?.get(site) ?? ('none' as DropPoint));
  for (const [name, site] of sites) if (stillIn(name, ['nothing'])) send(site.advertise());
  for (const req of hub.closeAdvertise()) {
    if (stillIn(req.site, ['advertise'])) send(sites.get(req.site)!.shareKeys(req));
  }
  for (const req of hub.closeShareKeys()) {
    if (!stillIn(req.site, ['share-keys'])) continue;
    const count = options.sampleCounts?.get(req.site) ?? config.quantization.maxWeight;
    send(sites.get(req.site)!.maskInput(req, updates.get(req.site)!, count));
  }
  for (const req of hub.closeMaskedInput()) {
    if (!stillIn(req.site, ['masked-input']) || options.silentInUnmasking?.has(req.site)) continue;
    send(sites.get(req.site)!.unmask(req));
  }
  return { hub, sites, hubView, result: hub.finish() };
}

/** Σ clip(w·x) over `sites` in double precision, w = round(n/maxWeight·T)/T as the site computes. */
export function exactWeightedSum(
  config: RoundConfig,
  updates: ReadonlyMap<string, Float32Array>,
  counts: ReadonlyMap<string, number>,
  sites: readonly string[],
) {
  const { clippingRange: c, quantizationRange: t, maxWeight } = config.quantization;
  const sum = new Float64Array(config.vectorLength);
  let weightTotal = 0;
  for (const s of sites) {
    const w = Math.round(((counts.get(s) ?? maxWeight) / maxWeight) * t) / t;
    weightTotal += w;
    updates.get(s)!.forEach((x, i) => (sum[i] = sum[i]! + Math.max(-c, Math.min(c, w * x))));
  }
  return { sum, weightTotal };
}

export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}
