import { HASH_SIZE, type Hash } from '../hash.js';
import { splitStoredHashIndex, type HashReader } from '../storage.js';
import { TILE_WIDTH, type TileLevel } from '../tile.js';
import { decodeBundle } from './bundle.js';
import { hashesAtLevel } from './edge.js';
import { TILE_HEIGHT, splitTile, tileLevels } from './tile-data.js';

// Reads a tiled log of a known size from any TileSource (a directory, HTTP): stored hashes for
// the Merkle core's provers, and entries. Which tile holds a hash follows from the size alone:
// a full tile where the tree has one, else the partial tile of the size's width.

/** Where tiles come from. Returns undefined for a tile the source does not have. */
export interface TileSource {
  readTile(level: TileLevel, index: number, width: number): Promise<Uint8Array | undefined>;
}

/** Least-recently-used map of tiles, shared by readers of one log (keys include the width). */
export class TileCache<V> {
  private readonly map = new Map<string, V>();

  constructor(readonly capacity = 4096) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}

/** A hash tile's levels (see tileLevels), or a bundle's bytes as a one-element array. */
type Cached = Promise<Uint8Array[]>;

export function tileKey(level: TileLevel, index: number, width: number): string {
  return `${level}/${index}/${width}`;
}

export class TileReader implements HashReader {
  constructor(
    private readonly source: TileSource,
    /** Tree size that decides which tiles exist; a log raises it as it grows. */
    public size: number,
    private readonly cache: TileCache<Cached> = new TileCache<Cached>(),
  ) {}

  /** Seeds the cache with a tile just written, so recent proofs need no read. */
  remember(level: TileLevel, index: number, width: number, data: Uint8Array): void {
    const value = level === 'entries' ? [data] : tileLevels(data);
    this.cache.set(tileKey(level, index, width), Promise.resolve(value));
  }

  async readHashes(indexes: readonly number[]): Promise<Hash[]> {
    return Promise.all(indexes.map((index) => this.readHash(index)));
  }

  /** Entry `index`, which must be below the reader's size. */
  async entry(index: number): Promise<Uint8Array> {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) {
      throw new RangeError(`entry ${index} is not in the log of ${this.size} entries`);
    }
    const bundle = await this.bundle(Math.floor(index / TILE_WIDTH));
    return bundle[index % TILE_WIDTH]!;
  }

  /** The entries of bundle `n` as the tree of `size` holds them. */
  async bundle(n: number): Promise<Uint8Array[]> {
    const width = this.widthOf('entries', n);
    const [data] = await this.load('entries', n, width);
    return decodeBundle(data!, width);
  }

  /** The bottom row of hash tile (level, n), as many hashes as the tree holds. */
  async tileHashes(level: number, n: number): Promise<Hash[]> {
    const width = this.widthOf(level, n);
    const [data] = await this.load(level, n, width);
    return splitTile(data!, width);
  }

  private async readHash(index: number): Promise<Hash> {
    const [height, n] = splitStoredHashIndex(index);
    const level = Math.floor(height / TILE_HEIGHT);
    const inner = height % TILE_HEIGHT;
    // A tile holds 2^(8 - inner) complete subtrees of height `inner`.
    const perTile = 2 ** (TILE_HEIGHT - inner);
    const tile = Math.floor(n / perTile);
    const levels = await this.load(level, tile, this.widthOf(level, tile));
    const offset = (n - tile * perTile) * HASH_SIZE;
    const row = levels[inner];
    if (!row || offset + HASH_SIZE > row.length) {
      throw new RangeError(`stored hash ${index} is not complete in a tree of ${this.size}`);
    }
    return row.subarray(offset, offset + HASH_SIZE);
  }

  private widthOf(level: TileLevel, n: number): number {
    const width = Math.min(TILE_WIDTH, hashesAtLevel(this.size, level) - n * TILE_WIDTH);
    if (width <= 0) {
      throw new RangeError(`tile ${level}/${n} is beyond the tree of ${this.size} entries`);
    }
    return width;
  }

  /** A tile's levels (or, for a bundle, its bytes); one read per tile, however many callers. */
  private load(level: TileLevel, n: number, width: number): Cached {
    const key = tileKey(level, n, width);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const loading = this.fetch(level, n, width).then((data) =>
      level === 'entries' ? [data] : tileLevels(data),
    );
    this.cache.set(key, loading);
    loading.catch(() => this.cache.delete(key));
    return loading;
  }

  private async fetch(level: TileLevel, n: number, width: number): Promise<Uint8Array> {
    let data = await this.source.readTile(level, n, width);
    // tlog-tiles lets a log delete a partial tile once the full one exists: take its prefix.
    if (data === undefined && width < TILE_WIDTH) {
      const full = await this.source.readTile(level, n, TILE_WIDTH);
      if (full)
        data =
          level === 'entries' ? bundlePrefix(full, width) : full.subarray(0, width * HASH_SIZE);
    }
    if (data === undefined) throw new Error(`tile ${level}/${n} (width ${width}) is missing`);
    if (level !== 'entries' && data.length !== width * HASH_SIZE) {
      throw new Error(`tile ${level}/${n} has ${data.length} bytes, want ${width * HASH_SIZE}`);
    }
    return data;
  }
}

/** The bytes of the first `count` entries of a bundle. */
function bundlePrefix(bundle: Uint8Array, count: number): Uint8Array {
  let offset = 0;
  for (let i = 0; i < count && offset + 2 <= bundle.length; i++) {
    offset += 2 + ((bundle[offset]! << 8) | bundle[offset + 1]!);
  }
  return bundle.subarray(0, offset);
}
