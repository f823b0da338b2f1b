import { access, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseCheckpoint, type Checkpoint } from '../checkpoint.js';
import { LogCorruptionError } from '../errors.js';
import { hashesEqual, leafHash, type Hash } from '../hash.js';
import { parseNote } from '../note.js';
import { proveInclusion } from '../prove.js';
import { TILE_WIDTH, tilePath, type TileLevel } from '../tile.js';
import { verifyInclusion } from '../verify.js';
import { fsyncDirectory, isNotFound, readFileIfExists, removeIfExists } from './durable-fs.js';
import { edgeRoot, hashesAtLevel, type TreeEdge } from './edge.js';
import { CHECKPOINT_FILE, partialTileDirectory } from './tile-files.js';
import type { TileReader } from './tile-reader.js';

// Opening a log after a crash. The checkpoint file is the commit point: a batch's tiles and
// bundles are all durable before the checkpoint naming its size is renamed into place. So a
// crash leaves, at worst, tiles of an uncommitted batch past the committed size. They are
// deleted here, before anything can serve them or a new batch can lay different entries at
// the same positions next to them. A batch spans at most `maxBatch` entries, which bounds where
// such files can be.

export interface CommittedState {
  /** The signed checkpoint note, as stored. */
  note: string;
  checkpoint: Checkpoint;
}

export async function readCommittedState(dir: string): Promise<CommittedState | undefined> {
  const bytes = await readFileIfExists(join(dir, CHECKPOINT_FILE));
  if (bytes === undefined) return undefined;
  const note = new TextDecoder().decode(bytes);
  return { note, checkpoint: parseCheckpoint(parseNote(note).text) };
}

/** Deletes every tile and bundle that a batch past tree size `size` may have left behind. */
export async function removeUncommittedTiles(
  dir: string,
  size: number,
  maxBatch: number,
): Promise<string[]> {
  const removed: string[] = [];
  const levels: TileLevel[] = ['entries'];
  for (let level = 0; hashesAtLevel(size + maxBatch, level) > 0; level++) levels.push(level);
  for (const level of levels) {
    const count = hashesAtLevel(size, level);
    const first = Math.floor(count / TILE_WIDTH);
    const last = Math.floor(hashesAtLevel(size + maxBatch, level) / TILE_WIDTH);
    for (let n = first; n <= last; n++) {
      // Tile `first` is not full at `size`; its partials up to the committed width are good.
      const keepWidth = n === first ? count % TILE_WIDTH : 0;
      removed.push(...(await removeTile(dir, level, n, keepWidth)));
    }
  }
  // Make the deletions durable, lest a stale tile reappear below a later commit.
  const parents = new Set(removed.map((path) => dirname(join(dir, path))));
  await Promise.all([...parents].map((parent) => fsyncDirectory(parent).catch(ignoreMissing)));
  return removed;
}

async function removeTile(
  dir: string,
  level: TileLevel,
  n: number,
  keepWidth: number,
): Promise<string[]> {
  const removed: string[] = [];
  const full = tilePath(level, n);
  if (
    await access(join(dir, full)).then(
      () => true,
      () => false,
    )
  ) {
    await removeIfExists(join(dir, full));
    removed.push(full);
  }
  const partials = partialTileDirectory(level, n);
  let widths: string[];
  try {
    widths = await readdir(join(dir, partials));
  } catch (error) {
    if (isNotFound(error)) return removed;
    throw error;
  }
  for (const width of widths) {
    if (/^[0-9]+$/.test(width) && Number(width) <= keepWidth) continue;
    await removeIfExists(join(dir, partials, width));
    removed.push(`${partials}/${width}`);
  }
  return removed;
}

/**
 * Rebuilds the right edge of the committed tree from its tiles, and checks it: the root must be
 * the checkpoint's, the partial bundle must hash to the partial level-0 tile, and the last entry
 * must prove its inclusion. A failure means storage lost data that was fsynced before the commit.
 */
export async function loadEdge(reader: TileReader, checkpoint: Checkpoint): Promise<TreeEdge> {
  const { size, root } = checkpoint;
  try {
    const rows: Hash[][] = [];
    for (let level = 0; hashesAtLevel(size, level) > 0; level++) {
      const count = hashesAtLevel(size, level);
      rows.push(
        count % TILE_WIDTH === 0
          ? []
          : await reader.tileHashes(level, Math.floor(count / TILE_WIDTH)),
      );
    }
    const bundle =
      size % TILE_WIDTH === 0 ? [] : await reader.bundle(Math.floor(size / TILE_WIDTH));
    bundle.forEach((entry, i) => {
      if (!hashesEqual(leafHash(entry), rows[0]![i]!)) {
        throw new Error(`entry ${size - bundle.length + i} does not match its leaf hash tile`);
      }
    });
    const edge = { size, bundle, rows };
    if (!hashesEqual(edgeRoot(edge), root)) throw new Error('tiles do not hash to its root');
    if (size > 0) {
      const leaf = leafHash(await reader.entry(size - 1));
      const proof = await proveInclusion(size, size - 1, reader);
      verifyInclusion({ leafIndex: size - 1, treeSize: size, leafHash: leaf, proof, root });
    }
    return edge;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new LogCorruptionError(`log ${checkpoint.origin} at size ${size} is corrupt: ${reason}`, {
      cause: error,
    });
  }
}

function ignoreMissing(error: unknown): void {
  if (!isNotFound(error)) throw error;
}
