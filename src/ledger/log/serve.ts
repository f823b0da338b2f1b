import { join } from 'node:path';
import { parseCheckpoint } from '../checkpoint.js';
import { FormatError } from '../errors.js';
import { parseNote } from '../note.js';
import { TILE_WIDTH, parseTilePath, type TileCoordinates } from '../tile.js';
import { readFileIfExists } from './durable-fs.js';
import { hashesAtLevel } from './edge.js';
import { CHECKPOINT_FILE } from './tile-files.js';

// The tlog-tiles read API as plain responses, so any HTTP layer can carry it: the checkpoint
// (mutable, cached for seconds) and tiles and bundles (immutable, cached for a year). Only
// what the committed checkpoint covers is served; a tile of a batch not yet committed (or of
// one lost in a crash) is 404, like any tile that does not exist.

export interface TileResponse {
  status: number;
  body: Uint8Array | string;
  contentType: string;
  cacheControl: string;
}

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const CHECKPOINT_CACHE = 'public, max-age=5';
const TEXT = 'text/plain; charset=utf-8';
const BINARY = 'application/octet-stream';

/** What a log has committed: its signed checkpoint and the tree size that note states. */
export interface CommittedView {
  note: string;
  size: number;
}

/** Reads the file at a tlog-tiles path below the log's directory. */
export type ReadLogFile = (path: string) => Promise<Uint8Array | undefined>;

/** Serves `path` (relative to the log's prefix, e.g. "tile/0/x001/005.p/3") from a log. */
export async function tileResponse(
  path: string,
  committed: CommittedView | undefined,
  read: ReadLogFile,
): Promise<TileResponse> {
  if (path === CHECKPOINT_FILE) {
    if (!committed) return failure(404, 'the log has no checkpoint yet');
    return { status: 200, body: committed.note, contentType: TEXT, cacheControl: CHECKPOINT_CACHE };
  }
  if (!path.startsWith('tile/')) return failure(404, `no such log resource: ${path}`);
  let tile: TileCoordinates;
  try {
    tile = parseTilePath(path);
  } catch (error) {
    if (error instanceof FormatError) return failure(400, error.message);
    throw error;
  }
  if (!committed || !isCommitted(tile, committed.size)) {
    return failure(404, `${path} is not part of the committed tree`);
  }
  const body = await read(path);
  // A partial tile may be gone once its full tile exists; clients then fetch the full tile.
  if (body === undefined) return failure(404, `${path} is not stored`);
  return { status: 200, body, contentType: BINARY, cacheControl: IMMUTABLE };
}

/** Serves `path` from the log directory `dir`, as its committed checkpoint allows. */
export async function serveTile(dir: string, path: string): Promise<TileResponse> {
  const note = await readFileIfExists(join(dir, CHECKPOINT_FILE));
  let committed: CommittedView | undefined;
  if (note !== undefined) {
    const text = new TextDecoder().decode(note);
    committed = { note: text, size: parseCheckpoint(parseNote(text).text).size };
  }
  return tileResponse(path, committed, (file) => readFileIfExists(join(dir, file)));
}

/**
 * Whether a tree of `size` leaves has (or, for a partial tile, had at a smaller size) the tile:
 * a full tile once the level holds its 256 hashes; a partial one of width W once it holds W.
 */
export function isCommitted({ level, index, width }: TileCoordinates, size: number): boolean {
  return index * TILE_WIDTH + width <= hashesAtLevel(size, level);
}

function failure(status: number, message: string): TileResponse {
  return { status, body: `${message}\n`, contentType: TEXT, cacheControl: 'no-store' };
}
