/**
 * The hub's last step, pure: rebuild survivors' self-mask seeds and dropped sites' mask keys from
 * their shares, strip every mask from the sum of masked inputs, and dequantize.
 */
import type { RoundConfig } from './config.js';
import { RoundFailedError } from './errors.js';
import type { NeighbourGraph } from './graph.js';
import { agree, importKeyPair } from './keys.js';
import type { RevealedShare } from './messages.js';
import { addMask, pairwiseMaskKey, selfMaskKey } from './prg.js';
import { dequantizeSum, quantizationErrorBound } from './quantization.js';
import { combineShares } from './shamir.js';

export interface AggregateResult {
  round: string;
  /** Sites whose updates are in the sum. */
  survivors: string[];
  /** Selected sites whose updates are not. */
  dropped: string[];
  /** Σ clip(w·x) over survivors, per coordinate, with w each site's sample-count weight. */
  weightedSum: Float64Array;
  /** Σ w over survivors. */
  weightTotal: number;
  /** weightedSum / weightTotal: the weighted mean update; null if every weight was 0. */
  mean: Float32Array | null;
  /** Per coordinate, |weightedSum − exact Σ clip(w·x)| is below this (stochastic rounding). */
  errorBound: number;
}

export interface UnmaskingInput {
  config: RoundConfig;
  graph: NeighbourGraph;
  /** U3: sites whose masked input arrived. */
  survivors: readonly string[];
  /** U2 \ U3: sites that shared keys but sent no masked input. */
  droppedAfterSharing: readonly string[];
  maskPublicKeys: ReadonlyMap<string, Uint8Array>;
  /** Σ y_u over the survivors, mod 2^32. */
  maskedSum: Uint32Array;
  /** Revealed shares by owner; at least t for every secret needed (the hub checked). */
  selfMaskShares: ReadonlyMap<string, readonly RevealedShare[]>;
  maskKeyShares: ReadonlyMap<string, readonly RevealedShare[]>;
}

function rebuild(shares: readonly RevealedShare[] | undefined, threshold: number): Uint8Array {
  return combineShares(shares ?? [], threshold);
}

/** Σ y_u − Σ PRG(b_u) ∓ PRG(s_uv) for dropped v, dequantized. */
export function unmaskSum(input: UnmaskingInput): Omit<AggregateResult, 'dropped'> {
  const { config, graph, survivors } = input;
  const { round, threshold } = config;
  const sum = input.maskedSum.slice();
  for (const u of survivors) {
    const seed = rebuild(input.selfMaskShares.get(u), threshold);
    addMask(sum, selfMaskKey(seed, round, u), -1);
  }
  const alive = new Set(survivors);
  for (const v of input.droppedAfterSharing) {
    const partners = (graph.get(v) ?? []).filter((u) => alive.has(u));
    if (partners.length === 0) continue; // no survivor masked with v
    const maskKey = importKeyPair(
      rebuild(input.maskKeyShares.get(v), threshold),
      input.maskPublicKeys.get(v)!,
    );
    if (!maskKey) {
      throw new RoundFailedError(
        round,
        'unmasking',
        [v],
        'the mask key rebuilt from shares does not match the committed public key',
      );
    }
    for (const u of partners) {
      const key = pairwiseMaskKey(agree(maskKey, input.maskPublicKeys.get(u)!), round, u, v);
      addMask(sum, key, u < v ? -1 : 1); // undo the sign u used
    }
  }
  const { weightedSum, weightTotal } = dequantizeSum(sum, survivors.length, config.quantization);
  return {
    round,
    survivors: [...survivors],
    weightedSum,
    weightTotal,
    mean: weightTotal > 0 ? Float32Array.from(weightedSum, (v) => v / weightTotal) : null,
    errorBound: quantizationErrorBound(survivors.length, config.quantization),
  };
}
