/**
 * Double-precision erfc, log erfc and log-space sums for the RDP accountant.
 *
 * erfc is a port of FreeBSD msun's s_erf.c (fdlibm), whose notice follows; its error is below
 * one ulp. log erfc evaluates fdlibm's tail form in log space, so it never underflows, and past
 * x = 28 uses the asymptotic series dp_accounting uses (REFERENCES §4.3).
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 */
import { AccountingError } from './errors.js';

const ERX = 8.45062911510467529297e-1;
const PP = [
  1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2,
  -5.77027029648944159157e-3, -2.37630166566501626084e-5,
] as const;
const QQ = [
  1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3,
  1.32494738004321644526e-4, -3.9602282787753681232e-6,
] as const;
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
  3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2,
  -2.166375594868790843e-3,
] as const;
const QA = [
  1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2,
  1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.1984499846799107417e-2,
] as const;
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
  -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2,
  -8.12874355063065934246e1, -9.81432934416914548592,
] as const;
const SA = [
  1, 1.96512716674392571292e1, 1.376577541435190426e2, 4.34565877475229228821e2,
  6.45387271733267880336e2, 4.29008140027567833386e2, 1.08635005541779435134e2,
  6.57024977031928170135, -6.04244152148580987438e-2,
] as const;
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
  -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3,
  -4.83519191608651397019e2,
] as const;
const SB = [
  1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3,
  3.19985821950859553908e3, 2.55305040643316442583e3, 4.74528541206955367215e2,
  -2.24409524465858183362e1,
] as const;

/** Evaluates c[0] + c[1]·s + c[2]·s² + … by Horner's rule. */
function poly(c: readonly number[], s: number): number {
  let acc = 0;
  for (let i = c.length - 1; i >= 0; i--) acc = acc * s + (c[i] as number);
  return acc;
}

/**
 * erfc(x)·x = exp(−z² − 0.5625)·exp((z − x)(z + x) + R/S) for x ≥ 1.25 (fdlibm's tail form), as the
 * two exponents: z keeps 24 significant bits of x, so the first exponent is exact in a double.
 */
function scaledTailExponents(x: number): [number, number] {
  const s = 1 / (x * x);
  const ratio = x < 1 / 0.35 ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
  const z = Math.fround(x);
  return [-z * z - 0.5625, (z - x) * (z + x) + ratio];
}

/** The complementary error function, to within one ulp. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(PP, z) / poly(QQ, z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const pq = poly(PA, s) / poly(QA, s);
    return x >= 0 ? 1 - ERX - pq : 1 + (ERX + pq);
  }
  if (ax < 28) {
    if (x < -6) return 2;
    const [exact, small] = scaledTailExponents(ax);
    const r = (Math.exp(exact) * Math.exp(small)) / ax;
    return x > 0 ? r : 2 - r;
  }
  return x > 0 ? 0 : 2;
}

const HALF_LOG_PI = 0.5 * Math.log(Math.PI);

/** log(erfc(x)), finite for every finite x (erfc itself underflows past x ≈ 26.5). */
export function logErfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x === Infinity) return -Infinity;
  if (x >= 28) {
    const u = 1 / (x * x);
    return (
      -HALF_LOG_PI -
      Math.log(x) -
      x * x +
      u * (-0.5 + u * (0.625 + u * (-37 / 24 + u * (353 / 64))))
    );
  }
  if (x >= 1.25) {
    const [exact, small] = scaledTailExponents(x);
    return exact + small - Math.log(x);
  }
  return Math.log(erfc(x));
}

/** log(e^a + e^b) without overflow. */
export function logAdd(a: number, b: number): number {
  const high = Math.max(a, b);
  const low = Math.min(a, b);
  if (low === -Infinity) return high;
  return high + Math.log1p(Math.exp(low - high));
}

/** log(e^a − e^b) for a ≥ b; equal inputs give −∞, as the difference is exactly zero. */
export function logSub(a: number, b: number): number {
  if (a < b) {
    throw new AccountingError(`log-space subtraction went negative (${a} − ${b})`);
  }
  if (b === -Infinity) return a;
  if (a === b) return -Infinity;
  const gap = a - b;
  // Past ~40 nats expm1(gap) equals e^gap in a double; this also avoids overflow.
  return gap > 40 ? a : b + Math.log(Math.expm1(gap));
}
