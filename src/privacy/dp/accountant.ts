/**
 * Privacy accounting for the sampled Gaussian mechanism: ε for a run, the noise a budget needs,
 * and an accountant that composes heterogeneous steps (each round or epoch may differ in q, σ).
 */
import { z } from 'zod';
import { PrivacyParameterError } from './errors.js';
import {
  deltaSchema,
  epsilonSchema,
  ordersSchema,
  parseParameters,
  positiveSchema,
  privacyStepSchema,
  type PrivacyStep,
} from './parameters.js';
import { DEFAULT_ORDERS, composedRdp, rdpToEpsilon, type PrivacySpent } from './rdp.js';

export type { PrivacyStep } from './parameters.js';
export type { PrivacySpent } from './rdp.js';

/** A total budget in (ε, δ). */
export interface PrivacyBudget {
  epsilon: number;
  delta: number;
}

const epsilonInputSchema = privacyStepSchema.extend({
  delta: deltaSchema,
  orders: ordersSchema.optional(),
});

/** RDP summed over a history of steps, order by order. */
function historyRdp(history: readonly PrivacyStep[], orders: readonly number[]): Float64Array {
  const total = new Float64Array(orders.length);
  for (const step of history) {
    const rdp = composedRdp(step.sampleRate, step.noiseMultiplier, step.steps, orders);
    for (let k = 0; k < total.length; k++) total[k] = (total[k] as number) + (rdp[k] as number);
  }
  return total;
}

/** ε after composition; a history that never touched data (q = 0 or no steps) spends exactly 0. */
function spent(history: readonly PrivacyStep[], delta: number, orders: readonly number[]) {
  const touched = history.some((s) => s.sampleRate > 0 && s.steps > 0);
  if (!touched) return { epsilon: 0, bestOrder: null };
  return rdpToEpsilon(orders, historyRdp(history, orders), delta);
}

/** (ε, δ) of `steps` compositions of the sampled Gaussian with rate q and noise multiplier σ. */
export function epsilon(input: {
  sampleRate: number;
  noiseMultiplier: number;
  steps: number;
  delta: number;
  orders?: readonly number[];
}): PrivacySpent {
  const p = parseParameters(epsilonInputSchema, input, 'epsilon');
  return spent([p], p.delta, p.orders ?? DEFAULT_ORDERS);
}

/**
 * Steps of DP-SGD for `epochs` passes at rate q: ⌊epochs/q⌋ computed as a double, as JS
 * Math.floor and Python int() do; note Python's `epochs // q` can be one less (90 // 0.04 = 2249).
 */
export function stepsForEpochs(epochs: number, sampleRate: number): number {
  parseParameters(
    z.object({ epochs: positiveSchema, sampleRate: positiveSchema }),
    { epochs, sampleRate },
    'stepsForEpochs',
  );
  return Math.floor(epochs / sampleRate);
}

const MAX_NOISE_MULTIPLIER = 2 ** 20;
const noiseInputSchema = z.object({
  epsilon: epsilonSchema,
  delta: deltaSchema,
  sampleRate: privacyStepSchema.shape.sampleRate,
  steps: privacyStepSchema.shape.steps,
  orders: ordersSchema.optional(),
  tolerance: positiveSchema.optional(),
});

/**
 * The smallest noise multiplier σ whose ε is within the budget, by bisection on σ (ε falls as σ
 * grows). The answer σ̂ meets the budget and exceeds the exact smallest σ by at most `tolerance`
 * (default 1e-4). Opacus's get_noise_multiplier stops on an ε gap of 0.01 instead, so it returns a
 * slightly larger σ.
 */
export function noiseForBudget(input: {
  epsilon: number;
  delta: number;
  sampleRate: number;
  steps: number;
  orders?: readonly number[];
  tolerance?: number;
}): number {
  const p = parseParameters(noiseInputSchema, input, 'noiseForBudget');
  const orders = p.orders ?? DEFAULT_ORDERS;
  const tolerance = p.tolerance ?? 1e-4;
  const epsAt = (sigma: number) =>
    spent([{ sampleRate: p.sampleRate, noiseMultiplier: sigma, steps: p.steps }], p.delta, orders)
      .epsilon;
  if (epsAt(0) <= p.epsilon) return 0; // nothing sampled: no noise is needed
  let low = 0;
  let high = 1;
  while (epsAt(high) > p.epsilon) {
    low = high;
    high *= 2;
    if (high > MAX_NOISE_MULTIPLIER) {
      throw new PrivacyParameterError(
        `noiseForBudget: no noise multiplier up to ${MAX_NOISE_MULTIPLIER} reaches ε = ${p.epsilon} at δ = ${p.delta} over ${p.steps} steps; the budget is too small`,
      );
    }
  }
  while (high - low > tolerance) {
    const mid = (low + high) / 2;
    if (epsAt(mid) <= p.epsilon) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * Accumulates the privacy cost of every release: each entry is (q, σ, steps); consecutive
 * entries with the same (q, σ) merge. The history is plain data, so it can be stored and replayed.
 */
export class RdpAccountant {
  private readonly entries: PrivacyStep[] = [];

  constructor(history: readonly PrivacyStep[] = []) {
    for (const step of history) this.record(step);
  }

  /** Records `steps` releases of the sampled Gaussian with rate q and noise multiplier σ. */
  record(step: PrivacyStep): void {
    const s = parseParameters(privacyStepSchema, step, 'RdpAccountant.record');
    const last = this.entries.at(-1);
    if (last && last.sampleRate === s.sampleRate && last.noiseMultiplier === s.noiseMultiplier) {
      last.steps += s.steps;
    } else {
      this.entries.push({ ...s });
    }
  }

  get history(): readonly PrivacyStep[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** Total RDP at each order. */
  rdp(orders: readonly number[] = DEFAULT_ORDERS): Float64Array {
    const checked = parseParameters(ordersSchema, orders, 'RdpAccountant.rdp');
    return historyRdp(this.entries, checked);
  }

  /** ε spent so far at δ. */
  epsilon(delta: number, orders: readonly number[] = DEFAULT_ORDERS): PrivacySpent {
    const d = parseParameters(deltaSchema, delta, 'RdpAccountant.epsilon');
    const o = parseParameters(ordersSchema, orders, 'RdpAccountant.epsilon');
    return spent(this.entries, d, o);
  }

  /** ε that would be spent after also recording `next`; records nothing. */
  epsilonAfter(next: PrivacyStep, delta: number, orders = DEFAULT_ORDERS): PrivacySpent {
    const s = parseParameters(privacyStepSchema, next, 'RdpAccountant.epsilonAfter');
    const d = parseParameters(deltaSchema, delta, 'RdpAccountant.epsilonAfter');
    const o = parseParameters(ordersSchema, orders, 'RdpAccountant.epsilonAfter');
    return spent([...this.entries, s], d, o);
  }

  /** Whether `next` keeps the total within `budget`: the check to make before every release. */
  allows(next: PrivacyStep, budget: PrivacyBudget): boolean {
    const e = parseParameters(epsilonSchema, budget.epsilon, 'RdpAccountant.allows');
    return this.epsilonAfter(next, budget.delta).epsilon <= e;
  }
}
