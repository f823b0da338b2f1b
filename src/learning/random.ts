/**
 * Seeded randomness for everything that must replay bit-for-bit: weight initialisation,
 * minibatch order and random train/test splits. Math.random is never used for these.
 */

/** A stream of uniform numbers in [0, 1), fully determined by its seed (mulberry32). */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds (0, 1, 2...) start far apart.
    this.state = mix32(Math.trunc(seed) >>> 0);
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** Fisher-Yates shuffle of 0..n-1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = order[i] as number;
      order[i] = order[j] as number;
      order[j] = tmp;
    }
    return order;
  }
}

/** Derives an independent seed from a base seed and labels (round, site...), e.g. deriveSeed(7, 3, 'cleveland'). */
export function deriveSeed(base: number, ...parts: (number | string)[]): number {
  let h = mix32(Math.trunc(base) >>> 0);
  for (const part of parts) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) h = mix32((h ^ text.charCodeAt(i)) >>> 0);
    h = mix32((h ^ 0x9e3779b9) >>> 0);
  }
  return h;
}

function mix32(x: number): number {
  let z = (x + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}
