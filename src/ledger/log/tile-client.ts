import { parseCheckpoint, type Checkpoint } from '../checkpoint.js';
import { leafHash, type Hash } from '../hash.js';
import type { NoteVerifier } from '../keys.js';
import { openNote } from '../note.js';
import { proveConsistency, proveInclusion } from '../prove.js';
import { tilePath, type TileLevel } from '../tile.js';
import { verifyInclusion } from '../verify.js';
import { TileCache, TileReader, type TileSource } from './tile-reader.js';

// Reads a log back over HTTP from its tlog-tiles URLs (the prefix a hub serves tileRoutes at).
// Nothing the server says is taken on trust: checkpoints must carry a signature by a known log
// key, and entries come with an inclusion proof, computed from the fetched tiles, that is
// checked against a verified checkpoint's root.

export interface TileClientOptions {
  /** The log's origin line; a checkpoint for any other log is rejected. */
  origin: string;
  /** Keys for the log's checkpoint signature, e.g. [newVerifier(vkey)]. */
  verifiers: readonly NoteVerifier[];
  fetch?: typeof fetch;
  cachedTiles?: number;
}

export interface VerifiedCheckpoint {
  /** The note as served, signatures included. */
  note: string;
  checkpoint: Checkpoint;
}

export class TileClient implements TileSource {
  private readonly base: URL;
  private readonly fetch: typeof fetch;
  private readonly cache: TileCache<Promise<Uint8Array[]>>;

  constructor(
    prefix: string | URL,
    private readonly options: TileClientOptions,
  ) {
    const url = new URL(prefix);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.cache = new TileCache(options.cachedTiles ?? 1024);
  }

  /** Fetches and verifies the current checkpoint. */
  async checkpoint(): Promise<VerifiedCheckpoint> {
    const response = await this.get('checkpoint');
    if (response.status !== 200) {
      throw new Error(`GET ${this.url('checkpoint')}: HTTP ${response.status}`);
    }
    const note = await response.text();
    const checkpoint = parseCheckpoint(openNote(note, this.options.verifiers).text);
    if (checkpoint.origin !== this.options.origin) {
      throw new Error(`checkpoint is for ${checkpoint.origin}, want ${this.options.origin}`);
    }
    return { note, checkpoint };
  }

  /** A tile's bytes, or undefined if the server answers 404. */
  async readTile(level: TileLevel, index: number, width: number): Promise<Uint8Array | undefined> {
    const path = tilePath(level, index, width);
    const response = await this.get(path);
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`GET ${this.url(path)}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }

  /** Reads the tree of a verified checkpoint; tiles are cached across readers. */
  reader({ size }: Checkpoint): TileReader {
    return new TileReader(this, size, this.cache);
  }

  /** Entry `index`, proven to be in the checkpoint's tree; throws ProofError if it is not. */
  async entry(index: number, checkpoint: Checkpoint): Promise<Uint8Array> {
    const reader = this.reader(checkpoint);
    const [entry, proof] = await Promise.all([
      reader.entry(index),
      proveInclusion(checkpoint.size, index, reader),
    ]);
    verifyInclusion({
      leafIndex: index,
      treeSize: checkpoint.size,
      leafHash: leafHash(entry),
      proof,
      root: checkpoint.root,
    });
    return entry;
  }

  /** Inclusion proof of entry `index` in the checkpoint's tree, built from tiles. */
  proveInclusion(index: number, checkpoint: Checkpoint): Promise<Hash[]> {
    return proveInclusion(checkpoint.size, index, this.reader(checkpoint));
  }

  /** Consistency proof from tree size `oldSize` to the checkpoint's tree, built from tiles. */
  proveConsistency(oldSize: number, checkpoint: Checkpoint): Promise<Hash[]> {
    return proveConsistency(oldSize, checkpoint.size, this.reader(checkpoint));
  }

  private url(path: string): URL {
    return new URL(path, this.base);
  }

  private get(path: string): Promise<Response> {
    return this.fetch(this.url(path), { headers: { accept: '*/*' } });
  }
}
