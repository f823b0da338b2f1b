import type { Checkpoint } from '../checkpoint.js';
import { FormatError, LogCorruptionError } from '../errors.js';
import { HASH_SIZE, hashesEqual } from '../hash.js';
import { TILE_WIDTH } from '../tile.js';
import { EMPTY_EDGE, edgeRoot, extendEdge, partialTiles, type TileFile } from './edge.js';
import { concatHashes } from './tile-data.js';
import { TileCache, TileReader, type TileSource } from './tile-reader.js';

// A full audit, as a monitor would run it: replay every entry of the log through the same pure
// writer core, compare every hash tile it produces with the tile the log serves, and compare the
// resulting root with the checkpoint's. Memory stays at one bundle plus the right edge.

export interface AuditReport {
  entries: number;
  /** Hash tiles compared byte for byte with those the log stores. */
  tilesCompared: number;
}

export interface AuditOptions {
  /** Sees every entry in order once its hash matched the stored tile; a throw stops the audit. */
  onEntry?: (index: number, entry: Uint8Array) => void;
}

/** Bundles fetched ahead of the one being hashed, to hide read (or network) latency. */
const READ_AHEAD = 16;

export async function auditLog(
  source: TileSource,
  checkpoint: Checkpoint,
  options: AuditOptions = {},
): Promise<AuditReport> {
  const { origin, size, root } = checkpoint;
  const reader = new TileReader(source, size, new TileCache(2 * READ_AHEAD));
  const bundles = Math.ceil(size / TILE_WIDTH);
  const pending = new Map<number, Promise<Uint8Array[]>>();
  const fetchBundle = (n: number): void => {
    if (n >= bundles || pending.has(n)) return;
    const bundle = reader.bundle(n);
    bundle.catch(() => undefined); // awaited in turn; a bundle read ahead must not fail alone
    pending.set(n, bundle);
  };
  // Entries are shown to onEntry once their leaf hashes matched the stored tile, so that an
  // entry altered at rest is reported as such, whatever else is wrong with it.
  const see = (n: number, entries: readonly Uint8Array[]): void =>
    entries.forEach((entry, i) => options.onEntry?.(n * TILE_WIDTH + i, entry));
  let edge = EMPTY_EDGE;
  let tilesCompared = 0;
  const compare = async (file: TileFile): Promise<void> => {
    if (file.level === 'entries') return;
    const stored = concatHashes(await reader.tileHashes(file.level, file.index));
    if (!hashesEqual(stored, file.data)) {
      throw new LogCorruptionError(`audit of ${origin}: ${mismatch(file, stored)}`);
    }
    tilesCompared++;
  };
  for (let n = 0; n < bundles; n++) {
    for (let ahead = n; ahead <= n + READ_AHEAD; ahead++) fetchBundle(ahead);
    const entries = await readBundle(pending.get(n)!, n, origin);
    pending.delete(n);
    const next = extendEdge(edge, entries);
    edge = next.edge;
    for (const file of next.full) await compare(file);
    if (entries.length === TILE_WIDTH) see(n, entries);
  }
  for (const file of partialTiles(edge, 0)) await compare(file);
  if (edge.bundle.length > 0) see(bundles - 1, edge.bundle);
  if (!hashesEqual(edgeRoot(edge), root)) {
    throw new LogCorruptionError(
      `audit of ${origin}: the ${size} entries do not hash to the checkpoint's root`,
    );
  }
  return { entries: size, tilesCompared };
}

/** A bundle's entries; a bundle that does not parse is named with the entries it holds. */
async function readBundle(
  bundle: Promise<Uint8Array[]>,
  n: number,
  origin: string,
): Promise<Uint8Array[]> {
  try {
    return await bundle;
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    const first = n * TILE_WIDTH;
    throw new LogCorruptionError(
      `audit of ${origin}: entry bundle ${n} (entries ${first}..${first + TILE_WIDTH - 1}): ${error.message}`,
    );
  }
}

/**
 * What a tile mismatch means. At level 0 the tile holds the entries' leaf hashes, so the first
 * differing hash names the entry that was altered (or whose stored hash was).
 */
function mismatch(file: TileFile, stored: Uint8Array): string {
  const tile = `tile ${file.level}/${file.index} (width ${file.width})`;
  if (file.level !== 0) return `${tile} does not match its entries`;
  for (let k = 0; k < file.width; k++) {
    const at = k * HASH_SIZE;
    const want = file.data.subarray(at, at + HASH_SIZE);
    if (!hashesEqual(stored.subarray(at, at + HASH_SIZE), want)) {
      return `entry ${file.index * TILE_WIDTH + k} does not match the leaf hash stored for it in ${tile}`;
    }
  }
  return `${tile} does not match its entries`;
}
