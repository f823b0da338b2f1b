// Bit arithmetic on tree sizes and indexes. JavaScript's bitwise operators truncate to 32 bits,
// but a log may outgrow 2^32 entries, so these work on any non-negative safe integer (< 2^53).

const TWO_32 = 2 ** 32;

/** Whether n is a non-negative integer that a JavaScript number holds exactly. */
export function isUint53(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

export function isOdd(n: number): boolean {
  return n % 2 === 1;
}

/** n >> k without the 32-bit truncation. */
export function shiftRight(n: number, k: number): number {
  return Math.floor(n / 2 ** k);
}

/** Number of bits needed to write n: 0 for 0, 1 for 1, 3 for 5. */
export function bitLength(n: number): number {
  const high = Math.floor(n / TWO_32);
  return high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(n);
}

export function onesCount(n: number): number {
  return popcount32(Math.floor(n / TWO_32)) + popcount32(n >>> 0);
}

/** Trailing zero bits of n (n > 0). */
export function trailingZeros(n: number): number {
  const low = n >>> 0;
  return low !== 0 ? ctz32(low) : 32 + ctz32(Math.floor(n / TWO_32));
}

export function xor(a: number, b: number): number {
  const high = Math.floor(a / TWO_32) ^ Math.floor(b / TWO_32);
  return high * TWO_32 + ((a ^ b) >>> 0);
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && n === 2 ** (bitLength(n) - 1);
}

/** Largest power of two strictly below n (n > 1): RFC 9162's split point k. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

function popcount32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
