import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '../identity/encoding.js';
import {
  DEFAULT_QUANTIZATION,
  decodeMessage,
  encodeMessage,
  parseRoundConfig,
  SecAggRefusal,
  type RoundConfig,
  type SecAggMessage,
} from '../privacy/index.js';

/**
 * A job's request for SecAgg+ secure aggregation: the hub then learns only the sum of the
 * sites' updates. `dropoutRate` sizes each site's neighbourhood (k) and threshold (t);
 * `clippingRange` bounds every sample-weighted update coordinate before quantization (Flower's
 * default 8 is far above what a round of local training moves a weight).
 */
export const SecureAggregationSpec = z
  .object({
    dropoutRate: z.number().min(0).max(0.5).optional(),
    clippingRange: z.number().positive().finite().optional(),
    quantizationRange: z
      .number()
      .int()
      .min(2)
      .max(2 ** 24)
      .optional(),
  })
  .strict();
export type SecureAggregationSpec = z.infer<typeof SecureAggregationSpec>;

/** The defaults: 5 % dropout per round planned for, Flower's clipping range and 2^22 levels. */
export function secureAggregationSettings(spec: SecureAggregationSpec) {
  return {
    dropoutRate: spec.dropoutRate ?? 0.05,
    clippingRange: spec.clippingRange ?? DEFAULT_QUANTIZATION.clippingRange,
    quantizationRange: spec.quantizationRange ?? DEFAULT_QUANTIZATION.quantizationRange,
  };
}

/** A round's public SecAgg+ parameters as they travel in a task (JSON; the seed in base64url). */
export const SecAggRoundWire = z.object({
  id: z.string().min(1).max(256),
  sites: z.array(z.string().min(1).max(128)).min(3).max(1024),
  neighbours: z.number().int(),
  threshold: z.number().int(),
  graphSeed: z.string().max(64),
  vectorLength: z.number().int().positive(),
  quantization: z.object({
    clippingRange: z.number().positive(),
    quantizationRange: z.number().int().min(2),
    maxWeight: z.number().positive(),
  }),
});
export type SecAggRoundWire = z.infer<typeof SecAggRoundWire>;

export function roundToWire(config: RoundConfig): SecAggRoundWire {
  return {
    id: config.round,
    sites: [...config.sites],
    neighbours: config.neighbours,
    threshold: config.threshold,
    graphSeed: toBase64Url(config.graphSeed),
    vectorLength: config.vectorLength,
    quantization: { ...config.quantization },
  };
}

/** Back to the core's configuration; a bad seed or parameter throws naming the field. */
export function roundFromWire(wire: SecAggRoundWire): RoundConfig {
  const graphSeed = fromBase64Url(wire.graphSeed);
  return parseRoundConfig({
    round: wire.id,
    sites: wire.sites,
    neighbours: wire.neighbours,
    threshold: wire.threshold,
    graphSeed: graphSeed ?? wire.graphSeed,
    vectorLength: wire.vectorLength,
    quantization: wire.quantization,
  });
}

/** SecAgg messages travel inside reports and tasks as base64url of their binary encoding. */
export function packMessage(message: SecAggMessage): string {
  return toBase64Url(encodeMessage(message));
}

export function unpackMessage(text: string): SecAggMessage {
  const bytes = fromBase64Url(text);
  if (!bytes) throw new SecAggRefusal('malformed', 'SecAgg message is not base64url');
  return decodeMessage(bytes);
}
