import type { Checkpoint } from '../checkpoint.js';
import { LogCorruptionError } from '../errors.js';
import { hashesEqual } from '../hash.js';
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

/** Bundles fetched ahead of the one being hashed, to hide read (or network) latency. */
const READ_AHEAD = 16;

export async function auditLog(source: TileSource, checkpoint: Checkpoint): Promise<AuditReport> {
  const { origin, size, root } = checkpoint;
  const reader = new TileReader(source, size, new TileCache(2 * READ_AHEAD));
  const bundles = Math.ceil(size / TILE_WIDTH);
  const pending = new Map<number, Promise<Uint8Array[]>>();
  const fetchBundle = (n: number): void => {
    if (n < bundles && !pending.has(n)) pending.set(n, reader.bundle(n));
  };
  let edge = EMPTY_EDGE;
  let tilesCompared = 0;
  const compare = async (file: TileFile): Promise<void> => {
    if (file.level === 'entries') return;
    const stored = concatHashes(await reader.tileHashes(file.level, file.index));
    if (!hashesEqual(stored, file.data)) {
      throw new LogCorruptionError(
        `audit of ${origin}: tile ${file.level}/${file.index} (width ${file.width}) does not match its entries`,
      );
    }
    tilesCompared++;
  };
  for (let n = 0; n < bundles; n++) {
    for (let ahead = n; ahead <= n + READ_AHEAD; ahead++) fetchBundle(ahead);
    const entries = await pending.get(n)!;
    pending.delete(n);
    const next = extendEdge(edge, entries);
    edge = next.edge;
    for (const file of next.full) await compare(file);
  }
  for (const file of partialTiles(edge, 0)) await compare(file);
  if (!hashesEqual(edgeRoot(edge), root)) {
    throw new LogCorruptionError(
      `audit of ${origin}: the ${size} entries do not hash to the checkpoint's root`,
    );
  }
  return { entries: size, tilesCompared };
}
