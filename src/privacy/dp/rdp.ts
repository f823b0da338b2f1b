/**
 * Rényi DP of the Poisson-subsampled Gaussian mechanism (Mironov 2017; Mironov, Talwar and Zhang,
 * arXiv 1908.10530 §3.3), ported from Opacus (`opacus/accountants/analysis/rdp.py`).
 *
 * Fractional orders use Opacus's *signed* series: each term is added or subtracted by the sign
 * of the generalized binomial C(α, i). dp_accounting instead adds |terms| (a looser upper bound);
 * we follow Opacus, which matches arbitrary-precision values to ~1e-9 (REFERENCES §4.2).
 */
import { AccountingError } from './errors.js';
import { logAdd, logErfc, logSub } from './log-math.js';

/** Opacus's default orders: 1.1, 1.2, …, 10.9, then 12, 13, …, 63 (151 orders; 11 is absent). */
export const DEFAULT_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10),
  ...Array.from({ length: 52 }, (_, x) => 12 + x),
]);

/** Opacus stops the fractional series once both terms fall below e^−30. */
const SERIES_CUTOFF = -30;
const MAX_SERIES_TERMS = 100_000;
const LOG_HALF = Math.log(0.5);

/** log A_α for integer α: a finite log-sum-exp over i = 0..α. */
function logAIntegerOrder(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const logNotQ = Math.log1p(-q);
  const twoVariance = 2 * sigma * sigma;
  let logA = -Infinity;
  let logBinomial = 0; // log C(α, 0)
  for (let i = 0; i <= alpha; i++) {
    const term = logBinomial + i * logQ + (alpha - i) * logNotQ + (i * i - i) / twoVariance;
    logA = logAdd(logA, term);
    logBinomial += Math.log(alpha - i) - Math.log(i + 1);
  }
  return logA;
}

/** log A_α for fractional α: Opacus's two signed series split at z0, summed until negligible. */
function logAFractionalOrder(q: number, sigma: number, alpha: number): number {
  const logQ = Math.log(q);
  const logNotQ = Math.log1p(-q);
  const twoVariance = 2 * sigma * sigma;
  const erfcScale = Math.SQRT2 * sigma;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  let logBinomial = 0; // log |C(α, 0)|
  let positive = true; // sign of C(α, i); it alternates once i > α
  for (let i = 0; i < MAX_SERIES_TERMS; i++) {
    const j = alpha - i;
    const logS0 =
      logBinomial +
      i * logQ +
      j * logNotQ +
      (i * i - i) / twoVariance +
      LOG_HALF +
      logErfc((i - z0) / erfcScale);
    const logS1 =
      logBinomial +
      j * logQ +
      i * logNotQ +
      (j * j - j) / twoVariance +
      LOG_HALF +
      logErfc((z0 - j) / erfcScale);
    if (positive) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < SERIES_CUTOFF) return logAdd(logA0, logA1);
    // C(α, i+1) = C(α, i)·(α − i)/(i + 1), tracked as log-magnitude and sign.
    logBinomial += Math.log(Math.abs(j)) - Math.log(i + 1);
    if (j < 0) positive = !positive;
  }
  throw new AccountingError(
    `RDP series did not converge in ${MAX_SERIES_TERMS} terms (q=${q}, σ=${sigma}, α=${alpha})`,
  );
}

/**
 * RDP at `order` of one step of the Gaussian mechanism with noise multiplier σ on a Poisson
 * sample with rate q. Inputs are trusted here; the public functions validate them.
 */
export function sampledGaussianRdp(q: number, sigma: number, order: number): number {
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (q === 1) return order / (2 * sigma * sigma);
  if (order === Infinity) return Infinity;
  const logA = Number.isInteger(order)
    ? logAIntegerOrder(q, sigma, order)
    : logAFractionalOrder(q, sigma, order);
  return logA / (order - 1);
}

/** RDP of `steps` compositions at each order (composition adds RDP order by order). */
export function composedRdp(
  q: number,
  sigma: number,
  steps: number,
  orders: readonly number[],
): Float64Array {
  return Float64Array.from(orders, (order) =>
    steps === 0 ? 0 : steps * sampledGaussianRdp(q, sigma, order),
  );
}

export interface PrivacySpent {
  /** The smallest ε over the orders; never negative. */
  epsilon: number;
  /** The order that attains it; null when no data was touched (ε = 0 exactly). */
  bestOrder: number | null;
}

/**
 * The improved RDP → (ε, δ) conversion (Balle et al., AISTATS 2020), as Opacus and dp_accounting:
 * ε = min_α [RDP(α) + log1p(−1/α) − (log δ + log α)/(α − 1)]. Never mixed with the older,
 * looser min_α [RDP(α) − log δ/(α − 1)]. A negative bound is reported as 0, as dp_accounting does.
 */
export function rdpToEpsilon(
  orders: readonly number[],
  rdp: ArrayLike<number>,
  delta: number,
): PrivacySpent {
  const logDelta = Math.log(delta);
  let best = Infinity;
  let bestOrder: number | null = null;
  orders.forEach((alpha, k) => {
    const eps =
      (rdp[k] as number) + Math.log1p(-1 / alpha) - (logDelta + Math.log(alpha)) / (alpha - 1);
    if (eps < best) {
      best = eps;
      bestOrder = alpha;
    }
  });
  return { epsilon: Math.max(0, best), bestOrder };
}
