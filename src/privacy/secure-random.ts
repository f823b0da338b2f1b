/**
 * Uniform randomness from the operating system's CSPRNG (crypto.randomFillSync), pooled so that
 * per-coordinate draws stay cheap. Privacy noise and stochastic rounding must come from here:
 * Math.random and seeded generators are predictable, and predictable noise protects nothing.
 */
import { randomFillSync } from 'node:crypto';

const POOL_WORDS = 16_384;
const TWO_POW_26 = 67_108_864;
const TWO_POW_53 = 9_007_199_254_740_992;

export class SecureUniform {
  private readonly pool = new Uint32Array(POOL_WORDS);
  private cursor = POOL_WORDS;

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    if (this.cursor === POOL_WORDS) {
      randomFillSync(this.pool);
      this.cursor = 0;
    }
    return this.pool[this.cursor++] as number;
  }

  /** A uniform double in (0, 1], with 53 random bits; never 0, so log(u) is finite. */
  nextOpenUnit(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * TWO_POW_26 + low + 1) / TWO_POW_53;
  }

  /** Fills `target` with uniform 32-bit words (one bulk call, no pooling). */
  fillUint32(target: Uint32Array): Uint32Array {
    return randomFillSync(target);
  }
}

/** One process-wide source; it holds no secret state beyond unread pool words. */
export const secureUniform = new SecureUniform();
