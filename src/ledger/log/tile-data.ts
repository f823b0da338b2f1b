import { FormatError } from '../errors.js';
import { HASH_SIZE, type Hash } from '../hash.js';
import { nodeHashInto } from '../sha256-node.js';
import { TILE_WIDTH } from '../tile.js';

// A hash tile is its bottom row only: up to 256 concatenated 32-byte hashes. The 7 Merkle levels
// inside a tile (and the tile's own root, one level up) are recomputed from that row.

/** Levels inside a tile: 2^8 hashes at the bottom hash up to one root, 8 levels higher. */
export const TILE_HEIGHT = 8;

export function concatHashes(hashes: readonly Hash[]): Uint8Array {
  const out = new Uint8Array(hashes.length * HASH_SIZE);
  hashes.forEach((hash, i) => out.set(hash, i * HASH_SIZE));
  return out;
}

/** The hashes of a tile, as views into its bytes; throws unless it holds exactly `width`. */
export function splitTile(data: Uint8Array, width: number): Hash[] {
  if (data.length !== width * HASH_SIZE) {
    throw new FormatError(`tile has ${data.length} bytes, want ${width} hashes (${width * 32})`);
  }
  const hashes: Hash[] = [];
  for (let i = 0; i < width; i++) hashes.push(data.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE));
  return hashes;
}

/**
 * Every complete Merkle level inside a tile: levels[r] holds the floor(width / 2^r) hashes of
 * the perfect subtrees of 2^r bottom hashes, concatenated; levels[0] is the tile itself.
 */
export function tileLevels(data: Uint8Array): Uint8Array[] {
  const levels = [data];
  for (let row = data; row.length >= 2 * HASH_SIZE;) {
    const count = Math.floor(row.length / HASH_SIZE / 2);
    const next = new Uint8Array(count * HASH_SIZE);
    for (let i = 0; i < count; i++) {
      const left = row.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
      const right = row.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
      nodeHashInto(next.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE), left, right);
    }
    levels.push(next);
    row = next;
  }
  return levels;
}

/** Root of a full tile: the Merkle tree hash of its 256 hashes, one entry of the tile above. */
export function fullTileRoot(data: Uint8Array): Hash {
  if (data.length !== TILE_WIDTH * HASH_SIZE) {
    throw new RangeError(`a full tile has ${TILE_WIDTH * HASH_SIZE} bytes, got ${data.length}`);
  }
  return tileLevels(data)[TILE_HEIGHT]!.slice(0, HASH_SIZE);
}

/**
 * The perfect subtrees that cover a row of hashes, largest first: the binary digits of its
 * length (a row of 11 gives the subtrees over hashes 0–7, 8–9 and 10).
 */
export function rowSubtrees(row: readonly Hash[]): Hash[] {
  const subtrees: Hash[] = [];
  let start = 0;
  for (let bit = TILE_HEIGHT; bit >= 0; bit--) {
    const width = 2 ** bit;
    if ((row.length - start) & width) {
      subtrees.push(perfectRoot(row.slice(start, start + width)));
      start += width;
    }
  }
  return subtrees;
}

/** The Merkle hash of perfect subtrees listed largest first, as RFC 9162 folds the right edge. */
export function foldSubtrees(subtrees: readonly Hash[]): Hash {
  if (subtrees.length === 0) throw new RangeError('no subtrees to fold');
  const hash = Uint8Array.from(subtrees[subtrees.length - 1]!);
  for (let i = subtrees.length - 2; i >= 0; i--) nodeHashInto(hash, subtrees[i]!, hash);
  return hash;
}

function perfectRoot(hashes: readonly Hash[]): Hash {
  if (hashes.length === 1) return hashes[0]!;
  const levels = tileLevels(concatHashes(hashes));
  return levels[levels.length - 1]!;
}
