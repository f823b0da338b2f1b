import { emptyTreeHash, leafHash, type Hash } from '../hash.js';
import { TILE_WIDTH, type TileLevel } from '../tile.js';
import { encodeBundle } from './bundle.js';
import { concatHashes, foldSubtrees, fullTileRoot, rowSubtrees } from './tile-data.js';

// The pure core of a tiled log's writer. Everything left of the right edge is immutable full
// tiles; the edge itself is one partial row per level (and the partial entry bundle). Appending
// pushes leaf hashes into row 0; a row that reaches 256 hashes becomes a full tile, and its root
// is pushed into the row above. The tree root needs nothing but the edge.

/** One file of the tlog-tiles layout: a hash tile or an entry bundle. */
export interface TileFile {
  level: TileLevel;
  index: number;
  /** 1..255 for a partial tile, TILE_WIDTH for a full one. */
  width: number;
  data: Uint8Array;
}

export interface TreeEdge {
  readonly size: number;
  /** The entries of the partial entry bundle: size mod 256 of them. */
  readonly bundle: readonly Uint8Array[];
  /** rows[L]: the hashes of the partial tile at level L, floor(size / 256^L) mod 256 of them. */
  readonly rows: readonly (readonly Hash[])[];
}

export const EMPTY_EDGE: TreeEdge = { size: 0, bundle: [], rows: [] };

/** Hashes at tile level `level` (or entries, for 'entries') in a tree of `size` leaves. */
export function hashesAtLevel(size: number, level: TileLevel): number {
  return level === 'entries' ? size : Math.floor(size / TILE_WIDTH ** level);
}

/** Appends `entries`; returns the new edge and the full tiles and bundles they completed. */
export function extendEdge(
  edge: TreeEdge,
  entries: readonly Uint8Array[],
): { edge: TreeEdge; full: TileFile[] } {
  const rows = edge.rows.map((row) => [...row]);
  let bundle = [...edge.bundle];
  const full: TileFile[] = [];
  let size = edge.size;
  for (const entry of entries) {
    size++;
    bundle.push(entry);
    if (bundle.length === TILE_WIDTH) {
      full.push(fullFile('entries', size, encodeBundle(bundle)));
      bundle = [];
    }
    let hash = leafHash(entry);
    for (let level = 0; ; level++) {
      const row = rows[level] ?? (rows[level] = []);
      row.push(hash);
      if (row.length < TILE_WIDTH) break;
      const data = concatHashes(row);
      full.push(fullFile(level, size, data));
      rows[level] = [];
      hash = fullTileRoot(data);
    }
  }
  return { edge: { size, bundle, rows }, full };
}

/**
 * The partial tiles and bundle of `edge`'s tree that a tree of `since` leaves did not have:
 * those levels whose partial width changed. (A level whose row is empty has no partial tile.)
 */
export function partialTiles(edge: TreeEdge, since: number): TileFile[] {
  const files: TileFile[] = [];
  const levels: TileLevel[] = ['entries', ...edge.rows.keys()];
  for (const level of levels) {
    const count = hashesAtLevel(edge.size, level);
    const width = count % TILE_WIDTH;
    if (width === 0 || count === hashesAtLevel(since, level)) continue;
    const index = Math.floor(count / TILE_WIDTH);
    const data =
      level === 'entries' ? encodeBundle(edge.bundle) : concatHashes(edge.rows[level] ?? []);
    files.push({ level, index, width, data });
  }
  return files;
}

/** RFC 9162 root of the edge's tree: its perfect subtrees, top level first, folded. */
export function edgeRoot(edge: TreeEdge): Hash {
  if (edge.size === 0) return emptyTreeHash();
  const subtrees: Hash[] = [];
  for (let level = edge.rows.length - 1; level >= 0; level--) {
    subtrees.push(...rowSubtrees(edge.rows[level] ?? []));
  }
  return foldSubtrees(subtrees);
}

/** The full tile at `level` that the leaf making the tree `size` long has just completed. */
function fullFile(level: TileLevel, size: number, data: Uint8Array): TileFile {
  const index = hashesAtLevel(size, level) / TILE_WIDTH - 1;
  return { level, index, width: TILE_WIDTH, data };
}
