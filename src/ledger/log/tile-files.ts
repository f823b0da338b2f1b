import { join } from 'node:path';
import { tilePath, type TileLevel } from '../tile.js';
import { readFileIfExists, type FileWrite } from './durable-fs.js';
import type { TileFile } from './edge.js';
import type { TileSource } from './tile-reader.js';

// A log directory in the tlog-tiles layout, so that any static file server can serve it:
//   checkpoint                       the signed note of the committed tree (the commit point)
//   tile/<L>/<N>[.p/<W>]             hash tiles
//   tile/entries/<N>[.p/<W>]         entry bundles
//   lock                             names the process that appends (never served)

export const CHECKPOINT_FILE = 'checkpoint';
export const LOCK_FILE = 'lock';

/** The write of one tile or bundle, at its tlog-tiles path. */
export function tileWrite(file: TileFile): FileWrite {
  return { path: tilePath(file.level, file.index, file.width), data: file.data };
}

/** The directory that holds tile (level, n)'s partial versions: "<tile path>.p". */
export function partialTileDirectory(level: TileLevel, n: number): string {
  return `${tilePath(level, n)}.p`;
}

/** Reads tiles straight from a log directory. */
export class DirectoryTileSource implements TileSource {
  constructor(readonly dir: string) {}

  readTile(level: TileLevel, index: number, width: number): Promise<Uint8Array | undefined> {
    return readFileIfExists(join(this.dir, tilePath(level, index, width)));
  }
}
