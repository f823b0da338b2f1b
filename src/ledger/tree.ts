import { bitLength, isUint53, shiftRight, trailingZeros } from './bits.js';
import { emptyTreeHash, leafHash, nodeHash, type Hash } from './hash.js';
import { storedHashIndex, type HashReader, type HashStorage } from './storage.js';

/** Leaves [lo, hi) of the log, whose RFC 9162 Merkle tree hash is wanted. */
export type LeafRange = readonly [lo: number, hi: number];

/**
 * The hashes to store, starting at storedHashIndex(0, n), when leaf n with hash `leaf` is
 * appended: the leaf hash, then one hash per complete subtree the leaf closes.
 */
export async function storedHashesForRecord(
  n: number,
  leaf: Hash,
  reader: HashReader,
): Promise<Hash[]> {
  requireUint53('leaf index', n);
  // Each trailing 1 bit of n closes a subtree whose left half is already stored.
  const closed = trailingZeros(n + 1);
  const indexes: number[] = [];
  for (let level = closed - 1; level >= 0; level--) {
    indexes.push(storedHashIndex(level, shiftRight(n, level) - 1));
  }
  const lefts = await readExactly(reader, indexes);
  const hashes = [leaf];
  let hash = leaf;
  for (let i = lefts.length - 1; i >= 0; i--) {
    hash = nodeHash(lefts[i]!, hash);
    hashes.push(hash);
  }
  return hashes;
}

/** Appends `entry` as leaf number `treeSize` and returns its leaf hash. */
export async function appendLeaf(
  storage: HashStorage,
  treeSize: number,
  entry: Uint8Array,
): Promise<Hash> {
  const hash = leafHash(entry);
  const hashes = await storedHashesForRecord(treeSize, hash, storage);
  await storage.writeHashes(storedHashIndex(0, treeSize), hashes);
  return hash;
}

/** Root hash of the tree of the first `size` leaves; MTH({}) for size 0. */
export async function treeHash(size: number, reader: HashReader): Promise<Hash> {
  requireUint53('tree size', size);
  if (size === 0) return emptyTreeHash();
  const [root] = await rangeHashes([[0, size]], reader);
  return root!;
}

/** Merkle tree hashes of leaf ranges, read from storage in a single call. */
export async function rangeHashes(
  ranges: readonly LeafRange[],
  reader: HashReader,
): Promise<Hash[]> {
  const indexes: number[] = [];
  const ends: number[] = [];
  for (const [lo, hi] of ranges) {
    completeSubtrees(lo, hi, indexes);
    ends.push(indexes.length);
  }
  const stored = await readExactly(reader, indexes);
  let start = 0;
  return ends.map((end) => {
    // The range is its complete subtrees, largest first; fold them right to left.
    let hash = stored[end - 1]!;
    for (let i = end - 2; i >= start; i--) hash = nodeHash(stored[i]!, hash);
    start = end;
    return hash;
  });
}

/** Appends the stored-hash indexes of the complete subtrees that make up leaves [lo, hi). */
function completeSubtrees(lo: number, hi: number, out: number[]): void {
  while (lo < hi) {
    const width = 2 ** (bitLength(hi - lo) - 1);
    // Proof ranges always start on a multiple of their largest subtree; anything else is a bug.
    if (lo % width !== 0) throw new Error(`leaf range [${lo}, ${hi}) is not subtree-aligned`);
    const level = bitLength(width) - 1;
    out.push(storedHashIndex(level, lo / width));
    lo += width;
  }
}

async function readExactly(reader: HashReader, indexes: readonly number[]): Promise<Hash[]> {
  if (indexes.length === 0) return [];
  const hashes = await reader.readHashes(indexes);
  if (hashes.length !== indexes.length) {
    throw new Error(`hash reader returned ${hashes.length} hashes for ${indexes.length} indexes`);
  }
  return [...hashes];
}

export function requireUint53(what: string, n: number): void {
  if (!isUint53(n)) throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
}
