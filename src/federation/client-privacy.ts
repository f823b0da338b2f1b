import {
  effectiveNoiseMultiplier,
  noiseForBudget,
  RdpAccountant,
  type PrivacyStep,
} from '../privacy/index.js';
import type { ClientNoise, DpFedAvgSpec } from './privacy-spec.js';

/** What one DP-FedAvg round published and the job has spent so far. */
export interface ClientPrivacySpent {
  /** ε of the job so far at `delta`, composed under RDP over every published round. */
  epsilon: number;
  delta: number;
  /** σ the round's sum really carried: σ·√(r/m) for r updates in it. */
  noiseMultiplier: number;
  survivors: number;
}

/**
 * The job's noise for every site and round: σ given, or calibrated so that every round (all
 * sites each round: sampling rate 1) spends the target ε in total. Refuses a quantization
 * clipping range that a noisy update would often exceed (clipped noise is no longer Gaussian).
 */
export function planClientNoise(
  spec: DpFedAvgSpec,
  participants: number,
  rounds: number,
  clippingRange: number,
): ClientNoise {
  const minimumSurvivors = spec.minimumSurvivors ?? participants;
  if (minimumSurvivors > participants) {
    throw new Error(
      `clientPrivacy.minimumSurvivors is ${minimumSurvivors} but only ${participants} sites take part`,
    );
  }
  const noiseMultiplier =
    spec.noiseMultiplier ??
    noiseForBudget({ epsilon: spec.epsilon!, delta: spec.delta, sampleRate: 1, steps: rounds });
  const shareStd = (noiseMultiplier * spec.clipNorm) / Math.sqrt(minimumSurvivors);
  if (clippingRange < spec.clipNorm + 6 * shareStd) {
    throw new Error(
      `secureAggregation.clippingRange ${clippingRange} is below clipNorm + 6 noise std ` +
        `(${(spec.clipNorm + 6 * shareStd).toPrecision(3)}): noisy updates would be clipped`,
    );
  }
  return { clipNorm: spec.clipNorm, noiseMultiplier, minimumSurvivors };
}

/** The job's client-level accountant, rebuilt from the rounds already published. */
export class ClientPrivacyAccount {
  private readonly accountant: RdpAccountant;

  constructor(
    private readonly noise: ClientNoise,
    private readonly delta: number,
    published: readonly number[],
  ) {
    this.accountant = new RdpAccountant(published.map(release));
  }

  /** A round with `survivors` updates in its sum: refused below m, else recorded. */
  publish(survivors: number): ClientPrivacySpent {
    if (survivors < this.noise.minimumSurvivors) {
      throw new Error(
        `client-level DP: only ${survivors} updates survived, fewer than the ${this.noise.minimumSurvivors} ` +
          `the noise was sized for; the round is not published`,
      );
    }
    const noiseMultiplier = effectiveNoiseMultiplier(this.noise, survivors);
    this.accountant.record(release(noiseMultiplier));
    const { epsilon } = this.accountant.epsilon(this.delta);
    return { epsilon, delta: this.delta, noiseMultiplier, survivors };
  }
}

function release(noiseMultiplier: number): PrivacyStep {
  return { sampleRate: 1, noiseMultiplier, steps: 1 };
}
