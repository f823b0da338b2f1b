/**
 * Keys and mask expansion. Every mask is the AES-256-CTR keystream (zero IV) under a key derived
 * with HKDF-SHA256 from a full 32-byte secret. Flower's pitfall, folding the seed into a 32-bit
 * NumPy RandomState (REFERENCES §3.3), cannot happen here: no general-purpose RNG is involved.
 * Each key is used for exactly one stream, so the fixed IV never repeats under a key.
 */
import { createCipheriv, hkdfSync } from 'node:crypto';
import { domainLabel } from './domain.js';

export const SEED_BYTES = 32;
const IV = Buffer.alloc(16);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
let zeros = Buffer.alloc(0);

/** HKDF-SHA256 (RFC 5869) with an empty salt: the inputs are already uniform secrets. */
export function deriveKey(secret: Uint8Array, info: Uint8Array): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, new Uint8Array(0), info, 32));
}

/** The key of the mask shared by sites a and b, from their X25519 mask-key agreement. */
export function pairwiseMaskKey(sharedSecret: Uint8Array, round: string, a: string, b: string) {
  const [low, high] = a < b ? [a, b] : [b, a];
  return deriveKey(sharedSecret, domainLabel('pairwise-mask', round, low, high));
}

/** The key of a site's self mask, from its 32-byte self-mask seed. */
export function selfMaskKey(seed: Uint8Array, round: string, site: string): Uint8Array {
  return deriveKey(seed, domainLabel('self-mask', round, site));
}

/** `byteLength` bytes of AES-256-CTR keystream under `key`. */
export function keystream(key: Uint8Array, byteLength: number): Uint8Array {
  if (zeros.length < byteLength) zeros = Buffer.alloc(byteLength);
  const out = createCipheriv('aes-256-ctr', key, IV).update(zeros.subarray(0, byteLength));
  // Small outputs may sit in Node's shared pool at an odd offset; words need 4-byte alignment.
  return out.byteOffset % 4 === 0 ? out : new Uint8Array(out);
}

/** The mask under `key` as `length` words mod 2^32 (little-endian). */
export function expandMask(key: Uint8Array, length: number): Uint32Array {
  const bytes = keystream(key, length * 4);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, length).slice();
}

/**
 * target ← target + sign·source mod 2^32. Stores into a Uint32Array reduce mod 2^32 and the
 * doubles stay exact below 2^53. A small function of its own, so V8 optimizes it once and keeps it.
 */
export function addWords(target: Uint32Array, source: Uint32Array, sign: 1 | -1): void {
  const n = target.length;
  if (sign === 1) for (let i = 0; i < n; i++) target[i] = target[i]! + source[i]!;
  else for (let i = 0; i < n; i++) target[i] = target[i]! - source[i]!;
}

/** target ← target + sign·mask(key) mod 2^32, without keeping the mask. */
export function addMask(target: Uint32Array, key: Uint8Array, sign: 1 | -1): void {
  if (!LITTLE_ENDIAN) throw new Error('secure aggregation masks assume a little-endian platform');
  const bytes = keystream(key, target.length * 4);
  addWords(target, new Uint32Array(bytes.buffer, bytes.byteOffset, target.length), sign);
}

/** A deterministic stream of uniform integers from a key: for choices every party must repeat. */
export class KeyedStream {
  private words = new Uint32Array(0);
  private cursor = 0;
  private block = 0;

  constructor(private readonly key: Uint8Array) {}

  private nextUint32(): number {
    if (this.cursor === this.words.length) {
      // Block b is the keystream's b-th 4 KiB slice; regenerating from the start keeps it simple.
      const bytes = keystream(this.key, (this.block + 1) * 4096).subarray(this.block * 4096);
      this.words = new Uint32Array(new Uint8Array(bytes).buffer);
      this.cursor = 0;
      this.block++;
    }
    return this.words[this.cursor++]!;
  }

  /** Uniform in [0, n), by rejection so that no value is favoured. */
  uniformInt(n: number): number {
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const w = this.nextUint32();
      if (w < limit) return w % n;
    }
  }
}
