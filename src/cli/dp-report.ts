/**
 * What `converge dp` computes and prints: ε for a run of the sampled Gaussian mechanism, and the
 * noise multiplier a budget needs, both through the RDP accountant in src/privacy.
 */
import { epsilon, noiseForBudget } from '../privacy/index.js';

export interface EpsilonQuery {
  sampleRate: number;
  noiseMultiplier: number;
  steps: number;
  delta: number;
}

export interface EpsilonReport extends EpsilonQuery {
  epsilon: number;
  /** The RDP order that gives the smallest ε. */
  bestOrder: number | null;
}

export interface NoiseQuery {
  epsilon: number;
  delta: number;
  sampleRate: number;
  steps: number;
}

export interface NoiseReport {
  target: NoiseQuery;
  /** The noise multiplier to use: meets the budget, at most 2e-4 above the smallest that does. */
  noiseMultiplier: number;
  /** ε at that noise multiplier (≤ the target). */
  epsilon: number;
  bestOrder: number | null;
}

/** Noise multipliers are printed to four decimals, so the answer is rounded up to them. */
const NOISE_STEP = 1e-4;

export function epsilonReport(q: EpsilonQuery): EpsilonReport {
  const spent = epsilon(q);
  return { ...q, epsilon: spent.epsilon, bestOrder: spent.bestOrder };
}

export function noiseReport(q: NoiseQuery): NoiseReport {
  const sigma = noiseForBudget(q);
  // Rounded up, never down: ε falls as σ grows, so the printed σ still meets the budget.
  const rounded = Number((Math.ceil(sigma / NOISE_STEP) * NOISE_STEP).toFixed(4));
  const spentRounded = epsilon({ ...q, noiseMultiplier: rounded });
  // Decimal rounding could in principle land an ulp short; then the exact answer is kept.
  const [noiseMultiplier, spent] =
    spentRounded.epsilon <= q.epsilon
      ? [rounded, spentRounded]
      : [sigma, epsilon({ ...q, noiseMultiplier: sigma })];
  return { target: q, noiseMultiplier, epsilon: spent.epsilon, bestOrder: spent.bestOrder };
}

const order = (alpha: number | null) => (alpha === null ? 'none' : String(alpha));
/** δ is usually tiny: 1e-5 reads better than 0.00001. */
const small = (x: number) => (x < 1e-3 ? x.toExponential() : String(x));

export function formatEpsilonReport(r: EpsilonReport): string {
  return [
    `ε = ${r.epsilon.toFixed(4)} at δ = ${small(r.delta)} (best RDP order α = ${order(r.bestOrder)})`,
    `sampled Gaussian: q = ${r.sampleRate}, σ = ${r.noiseMultiplier}, ${r.steps} steps`,
  ].join('\n');
}

export function formatNoiseReport(r: NoiseReport): string {
  const t = r.target;
  return [
    `σ = ${r.noiseMultiplier} keeps ε ≤ ${t.epsilon} at δ = ${small(t.delta)}`,
    `sampled Gaussian: q = ${t.sampleRate}, ${t.steps} steps; ε at this σ = ${r.epsilon.toFixed(4)} (best RDP order α = ${order(r.bestOrder)})`,
  ].join('\n');
}
