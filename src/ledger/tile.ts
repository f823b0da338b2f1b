import { FormatError } from './errors.js';

// tlog-tiles: the log's hashes are served as tiles of up to 256 hashes at
// <prefix>/tile/<L>/<N>[.p/<W>], and its entries as bundles at <prefix>/tile/entries/<N>[.p/<W>].
// <N> is written in 3-digit groups, all but the last prefixed "x" (1234067 → x001/x234/067), so
// a filesystem never holds a file and a directory of the same name.

/** Hashes in a full tile. */
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

/** A hash-tile level 0..63, or the entry bundles. */
export type TileLevel = number | 'entries';

export interface TileCoordinates {
  level: TileLevel;
  index: number;
  /** 1..255 for a partial tile, TILE_WIDTH for a full one. */
  width: number;
}

/** Path of a tile below the log's prefix, e.g. "tile/0/x001/x234/067.p/8". */
export function tilePath(level: TileLevel, index: number, width: number = TILE_WIDTH): string {
  if (level !== 'entries' && !(Number.isInteger(level) && level >= 0 && level <= MAX_TILE_LEVEL)) {
    throw new RangeError(`tile level must be 0..${MAX_TILE_LEVEL} or 'entries', got ${level}`);
  }
  if (!Number.isSafeInteger(index) || index < 0) {
    throw new RangeError(`tile index must be a non-negative safe integer, got ${index}`);
  }
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`tile width must be 1..${TILE_WIDTH}, got ${width}`);
  }
  let n = String(index % 1000).padStart(3, '0');
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    n = `x${String(rest % 1000).padStart(3, '0')}/${n}`;
  }
  return `tile/${level}/${n}${width === TILE_WIDTH ? '' : `.p/${width}`}`;
}

const TILE_PATH =
  /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]*))?$/;

/** Inverse of tilePath; accepts only the canonical spelling (no "x000/" groups, no ".p/256"). */
export function parseTilePath(path: string): TileCoordinates {
  const match = TILE_PATH.exec(path);
  if (!match) throw new FormatError(`malformed tile path ${JSON.stringify(path)}`);
  const level = match[1] === 'entries' ? 'entries' : Number(match[1]);
  const index = Number(match[2]!.replaceAll('x', '').replaceAll('/', ''));
  const width = match[3] === undefined ? TILE_WIDTH : Number(match[3]);
  try {
    // Re-encoding rejects every other spelling of the same tile.
    if (tilePath(level, index, width) === path) return { level, index, width };
  } catch {
    // Out-of-range level, index or width: reported below like any other bad path.
  }
  throw new FormatError(`malformed tile path ${JSON.stringify(path)}`);
}

/**
 * How a tree of `treeSize` leaves is tiled at `level` (0 = leaf hashes or entry bundles): `full`
 * complete tiles, then one partial tile of `partialWidth` hashes unless that is 0.
 */
export function tilesAtLevel(
  treeSize: number,
  level: number,
): { full: number; partialWidth: number } {
  // A hash at level l covers 256^l leaves, so the level holds floor(size / 256^l) hashes.
  const hashes = Math.floor(treeSize / TILE_WIDTH ** level);
  return { full: Math.floor(hashes / TILE_WIDTH), partialWidth: hashes % TILE_WIDTH };
}
