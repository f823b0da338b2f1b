/**
 * t-of-k Shamir secret sharing of 32-byte secrets over GF(2^8), byte by byte (as SLIP-39 and
 * HashiCorp Vault do). Why GF(2^8): sharing is information-theoretic in any field, a byte field
 * needs no chunking or bignums (Flower shares 16-byte chunks over GF(2^128)), and log/exp tables
 * make a 100-site round's reconstruction take microseconds. The cost is at most 255 holders per
 * secret, far above SecAgg+'s logarithmic neighbourhoods; x-coordinates are 1..255.
 * Table lookups are not constant-time; the hub, who reconstructs, is meant to learn the secret.
 */
import { randomBytes } from 'node:crypto';

export const MAX_SHARES = 255;

// GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 and generator 3.
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let v = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = v;
    EXP[i + 255] = v;
    LOG[v] = i;
    v ^= (v << 1) ^ (v & 0x80 ? 0x11b : 0); // v·3 = v·2 ⊕ v, reduced
  }
}

function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP[LOG[a]! + LOG[b]!]!;
}

function div(a: number, b: number): number {
  return a === 0 ? 0 : EXP[LOG[a]! + 255 - LOG[b]!]!;
}

export interface Share {
  /** The evaluation point, 1..255. */
  x: number;
  /** The polynomials' values at x, one byte per secret byte. */
  y: Uint8Array;
}

function requireDistinctPoints(xs: readonly number[]): void {
  const seen = new Set<number>();
  for (const x of xs) {
    if (!Number.isInteger(x) || x < 1 || x > MAX_SHARES) {
      throw new RangeError(`share x-coordinate must be an integer in 1..${MAX_SHARES} (got ${x})`);
    }
    if (seen.has(x)) throw new RangeError(`share x-coordinate ${x} appears twice`);
    seen.add(x);
  }
}

/** Shares of `secret` at the points `xs`; any `threshold` of them recover it, fewer reveal nothing. */
export function splitSecret(secret: Uint8Array, threshold: number, xs: readonly number[]): Share[] {
  requireDistinctPoints(xs);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > xs.length) {
    throw new RangeError(`threshold must be in 1..${xs.length} (got ${threshold})`);
  }
  const degree = threshold - 1;
  // coefficients[b·degree + j] is the x^(j+1) coefficient of byte b's polynomial.
  const coefficients = randomBytes(secret.length * degree);
  return xs.map((x) => {
    const y = new Uint8Array(secret.length);
    for (let b = 0; b < secret.length; b++) {
      let acc = 0;
      for (let j = degree - 1; j >= 0; j--) acc = mul(acc, x) ^ coefficients[b * degree + j]!;
      y[b] = mul(acc, x) ^ secret[b]!;
    }
    return { x, y };
  });
}

/** The secret from the first `threshold` shares (Lagrange interpolation at 0). */
export function combineShares(shares: readonly Share[], threshold: number): Uint8Array {
  if (shares.length < threshold) {
    throw new RangeError(`need ${threshold} shares to reconstruct, have ${shares.length}`);
  }
  const used = shares.slice(0, threshold);
  requireDistinctPoints(used.map((s) => s.x));
  const length = used[0]!.y.length;
  if (used.some((s) => s.y.length !== length)) throw new RangeError('shares differ in length');
  // L_j(0) = Π_{m≠j} x_m / (x_m − x_j); subtraction is XOR in GF(2^8).
  const basis = used.map((sj, j) =>
    used.reduce((acc, sm, m) => (m === j ? acc : mul(acc, div(sm.x, sm.x ^ sj.x))), 1),
  );
  const secret = new Uint8Array(length);
  used.forEach((s, j) => {
    const l = basis[j]!;
    for (let b = 0; b < length; b++) secret[b] = secret[b]! ^ mul(l, s.y[b]!);
  });
  return secret;
}
