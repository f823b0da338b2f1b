import { isUint53, shiftRight, trailingZeros } from './bits.js';
import { HASH_SIZE, type Hash } from './hash.js';

// Stored-hash layout (Crosby & Wallach §3.3, as in golang.org/x/mod/sumdb/tlog): appending leaf n
// writes its leaf hash and then the hash of every complete subtree that leaf closes, so the
// stored hashes form one append-only sequence (about 2 per leaf) and every complete subtree
// (level, n) has a fixed position. Append-only files, tiles and key-value tables all fit it.

type MaybePromise<T> = T | Promise<T>;

/** Reads stored hashes by position; may be backed by memory, a database or fetched tiles. */
export interface HashReader {
  /** Returns exactly one hash per index, in order, or throws. Sorted indexes may be faster. */
  readHashes(indexes: readonly number[]): MaybePromise<readonly Hash[]>;
}

/** A HashReader that the log appends to. */
export interface HashStorage extends HashReader {
  /** Stores hashes at positions start, start + 1, ... */
  writeHashes(start: number, hashes: readonly Hash[]): MaybePromise<void>;
}

/** Position of the hash of the complete subtree `n` (0-based) at `level` (0 = leaves). */
export function storedHashIndex(level: number, n: number): number {
  // Subtree (level, n) is stored right after the hash of leaf n·2^level + 2^level − 1 ...
  let leaf = n;
  for (let l = level; l > 0; l--) leaf = 2 * leaf + 1;
  // ... and leaf m is stored at m + m/2 + m/4 + ..., after all hashes of the leaves before it.
  let i = 0;
  for (let m = leaf; m > 0; m = Math.floor(m / 2)) i += m;
  return i + level;
}

/** Inverse of storedHashIndex: the [level, n] stored at `index`. */
export function splitStoredHashIndex(index: number): [level: number, n: number] {
  // storedHashIndex(0, n) < 2n, so the leaf that wrote `index` is n ∈ [index/2, index/2 + log₂ index].
  let n = Math.floor(index / 2);
  let start = storedHashIndex(0, n);
  for (;;) {
    // Leaf n writes 1 + trailingZeros(n + 1) hashes.
    const next = start + 1 + trailingZeros(n + 1);
    if (next > index) break;
    n++;
    start = next;
  }
  const level = index - start;
  return [level, shiftRight(n, level)];
}

/** Number of stored hashes for a log of `size` leaves. */
export function storedHashCount(size: number): number {
  if (size === 0) return 0;
  let count = storedHashIndex(0, size - 1) + 1;
  for (let i = size - 1; i % 2 === 1; i = Math.floor(i / 2)) count++;
  return count;
}

const CHUNK_HASHES = 1 << 16;

/** Append-only HashStorage in memory: 2 MiB chunks, so a million-leaf log is ~64 objects. */
export class MemoryHashStorage implements HashStorage {
  private readonly chunks: Uint8Array[] = [];
  private count = 0;

  /** Number of hashes stored so far. */
  get storedCount(): number {
    return this.count;
  }

  readHashes(indexes: readonly number[]): Hash[] {
    return indexes.map((index) => {
      if (!isUint53(index) || index >= this.count) {
        throw new RangeError(`hash ${index} is not stored (${this.count} stored)`);
      }
      const offset = (index % CHUNK_HASHES) * HASH_SIZE;
      return this.chunks[Math.floor(index / CHUNK_HASHES)]!.slice(offset, offset + HASH_SIZE);
    });
  }

  writeHashes(start: number, hashes: readonly Hash[]): void {
    // Writing anywhere but the end means the caller's idea of the tree size is stale.
    if (start !== this.count) {
      throw new RangeError(`hashes written at ${start}, want ${this.count}`);
    }
    for (const hash of hashes) {
      if (hash.length !== HASH_SIZE) throw new RangeError(`stored hash must be ${HASH_SIZE} bytes`);
    }
    for (const hash of hashes) {
      const chunk = Math.floor(this.count / CHUNK_HASHES);
      if (chunk === this.chunks.length) this.chunks.push(new Uint8Array(CHUNK_HASHES * HASH_SIZE));
      this.chunks[chunk]!.set(hash, (this.count % CHUNK_HASHES) * HASH_SIZE);
      this.count++;
    }
  }
}
