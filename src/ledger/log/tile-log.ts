import { join } from 'node:path';
import type { Hash } from '../hash.js';
import type { NoteSigner } from '../keys.js';
import { proveConsistency, proveInclusion } from '../prove.js';
import { treeHash } from '../tree.js';
import { requireBundleable } from './bundle.js';
import {
  ensureDirectoryDurably,
  readFileIfExists,
  removeIfExists,
  renameDurably,
  replaceFileDurably,
  writeFileSynced,
  writeFilesDurably,
} from './durable-fs.js';
import { EMPTY_EDGE, edgeRoot, extendEdge, partialTiles, type TreeEdge } from './edge.js';
import { mergeSignatures, signCheckpoint, signedBy } from './checkpoint-note.js';
import { acquireFileLock, type FileLock } from './file-lock.js';
import { loadEdge, readCommittedState, removeUncommittedTiles } from './recovery.js';
import { Sequencer } from './sequencer.js';
import { tileResponse, type TileResponse } from './serve.js';
import {
  CHECKPOINT_FILE,
  DirectoryTileSource,
  LOCK_FILE,
  partialTileDirectory,
  tileWrite,
} from './tile-files.js';
import { TileCache, TileReader } from './tile-reader.js';

// A durable transparency log in a directory, in the tlog-tiles layout.
//
// Durability contract: append() resolves only once its entries are committed, and a committed
// entry survives kill -9 and power loss. A commit (one per batch of appends) is:
//   1. write the batch's new entry bundles and hash tiles (full and partial, every level) and
//      "checkpoint.tmp", each with O_DSYNC, and fsync every directory that gained a tile;
//   2. rename "checkpoint.tmp" over "checkpoint" and fsync the directory — the commit point.
// The checkpoint is the only record of the tree size, so a crash before step 2 leaves the old
// checkpoint, and the orphaned tiles are deleted on the next open (see recovery.ts); a crash
// after it leaves a tree whose every tile is durable. open() also checks that the tiles hash
// to the checkpoint's root, so storage that loses fsynced data is caught, not served.

/** Entries in one commit at most. Recovery scans this far past the commit: never lower it. */
export const MAX_BATCH = 4096;

/** Tiles (and bundles) kept in memory per log: with their inner levels, about 16 MiB. */
export const DEFAULT_CACHED_TILES = 1024;

export interface TileLogOptions {
  /** The log's identity: the checkpoint's first line, and by convention its key name. */
  origin: string;
  /** Signs each checkpoint (an Ed25519 note signer, for the public witness network). */
  signer: NoteSigner;
  /** Entries per commit at most, 1..MAX_BATCH; larger appends span several commits. */
  maxBatch?: number;
  /** Tiles kept in memory for proofs and reads. */
  cachedTiles?: number;
}

export class TileLog {
  private readonly sequencer: Sequencer<Uint8Array>;
  private failure: Error | undefined;
  private closed = false;
  private readonly cleanups = new Set<Promise<void>>();
  private checkpointWriter: Promise<unknown> = Promise.resolve();
  /** Directories known to exist; partial-tile directories leave it when they are removed. */
  private readonly knownDirs = new Set<string>();

  private constructor(
    readonly dir: string,
    readonly origin: string,
    private readonly signer: NoteSigner,
    private readonly lock: FileLock,
    private readonly reader: TileReader,
    private edge: TreeEdge,
    private note: string,
    private rootHash: Hash,
    maxBatch: number,
  ) {
    this.sequencer = new Sequencer((entries) => this.commit(entries), maxBatch);
  }

  /** Opens (creating if need be) the log in `dir`, recovering from any crash. */
  static async open(dir: string, options: TileLogOptions): Promise<TileLog> {
    const maxBatch = options.maxBatch ?? MAX_BATCH;
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1 || maxBatch > MAX_BATCH) {
      throw new RangeError(`maxBatch must be 1..${MAX_BATCH}, got ${maxBatch}`);
    }
    await ensureDirectoryDurably(dir);
    const lock = await acquireFileLock(join(dir, LOCK_FILE));
    try {
      const state = await readCommittedState(dir);
      if (state && state.checkpoint.origin !== options.origin) {
        throw new Error(
          `${dir} holds the log ${JSON.stringify(state.checkpoint.origin)}, not ${JSON.stringify(options.origin)}`,
        );
      }
      const size = state?.checkpoint.size ?? 0;
      await removeUncommittedTiles(dir, size, MAX_BATCH);
      const reader = new TileReader(
        new DirectoryTileSource(dir),
        size,
        new TileCache(options.cachedTiles ?? DEFAULT_CACHED_TILES),
      );
      const edge = state ? await loadEdge(reader, state.checkpoint) : EMPTY_EDGE;
      const root = edgeRoot(edge);
      let note = state?.note;
      if (note === undefined || !signedBy(note, options.signer)) {
        // A new log, or a new log key: commit a checkpoint signed by the current signer.
        note = await signCheckpoint(options.origin, size, root, options.signer);
        await replaceFileDurably(join(dir, CHECKPOINT_FILE), note);
      }
      return new TileLog(
        dir,
        options.origin,
        options.signer,
        lock,
        reader,
        edge,
        note,
        root,
        maxBatch,
      );
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /** Number of committed entries. */
  get size(): number {
    return this.edge.size;
  }

  /** Root hash of the committed tree. */
  root(): Hash {
    return this.rootHash;
  }

  /** Root hash of the tree of the first `size` committed entries, from the tiles. */
  async rootAt(size: number): Promise<Hash> {
    this.requireCommitted(size);
    return size === this.size ? this.rootHash : treeHash(size, this.reader);
  }

  /** The signed checkpoint note of the committed tree. */
  checkpoint(): string {
    return this.note;
  }

  /**
   * Appends entries (each at most 65,535 bytes) and resolves, with the index of the first,
   * once they are durable. Concurrent appends share commits.
   */
  async append(entries: readonly Uint8Array[]): Promise<{ firstIndex: number }> {
    if (this.closed) throw new Error(`log ${this.origin} is closed`);
    requireBundleable(entries);
    if (entries.length === 0) return { firstIndex: this.size };
    // Chunks are submitted in one synchronous loop, so no other append can interleave.
    const chunks: Promise<number>[] = [];
    for (let i = 0; i < entries.length; i += this.sequencer.maxBatch) {
      chunks.push(this.sequencer.submit(entries.slice(i, i + this.sequencer.maxBatch)));
    }
    const [firstIndex] = await Promise.all(chunks);
    return { firstIndex: firstIndex! };
  }

  /** Committed entry `index`. */
  async entry(index: number): Promise<Uint8Array> {
    const { size, bundle } = this.edge;
    const firstInMemory = size - bundle.length;
    if (Number.isSafeInteger(index) && index >= firstInMemory && index < size) {
      return bundle[index - firstInMemory]!;
    }
    return this.reader.entry(index);
  }

  /** Inclusion proof of entry `index` in the tree of the first `size` entries. */
  async proveInclusion(index: number, size: number = this.size): Promise<Hash[]> {
    this.requireCommitted(size);
    return proveInclusion(size, index, this.reader);
  }

  /** Consistency proof from the tree of `oldSize` entries to that of `newSize`. */
  async proveConsistency(oldSize: number, newSize: number = this.size): Promise<Hash[]> {
    this.requireCommitted(newSize);
    return proveConsistency(oldSize, newSize, this.reader);
  }

  /** The tlog-tiles response for `path` (e.g. "checkpoint", "tile/0/000.p/3"). */
  serve(path: string): Promise<TileResponse> {
    return tileResponse(path, { note: this.note, size: this.size }, (file) =>
      readFileIfExists(join(this.dir, file)),
    );
  }

  /**
   * Publishes witness cosignatures with the checkpoint: `cosigned` is the current checkpoint
   * with more signature lines (checkpoint() followed by what witnesses returned), which the
   * caller has checked against its witness policy. Resolves false, changing nothing, if the
   * log has committed a newer checkpoint meanwhile.
   */
  async attachCosignatures(cosigned: string): Promise<boolean> {
    if (this.closed) throw new Error(`log ${this.origin} is closed`);
    return this.exclusive(async () => {
      const note = mergeSignatures(this.note, cosigned);
      if (note === undefined) return false;
      if (note !== this.note) {
        await replaceFileDurably(join(this.dir, CHECKPOINT_FILE), note);
        this.note = note;
      }
      return true;
    });
  }

  /** Waits for pending appends, then releases the directory. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sequencer.idle();
    await Promise.all(this.cleanups);
    await this.lock.release();
  }

  private requireCommitted(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) {
      throw new RangeError(`tree size ${size} is not committed (log size ${this.size})`);
    }
  }

  /** Runs checkpoint writers (commits, cosignature attachments) one at a time. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.checkpointWriter.then(task);
    this.checkpointWriter = run.catch(() => undefined);
    return run;
  }

  /** Commits one batch; the sequencer never runs two at once. */
  private commit(entries: Uint8Array[]): Promise<number> {
    return this.exclusive(() => this.commitNow(entries));
  }

  private async commitNow(entries: Uint8Array[]): Promise<number> {
    if (this.failure) {
      throw new Error(`log ${this.origin} stopped after a failed write; reopen it to recover`, {
        cause: this.failure,
      });
    }
    const start = this.edge.size;
    try {
      const { edge, full } = extendEdge(this.edge, entries);
      const files = [...full, ...partialTiles(edge, start)];
      const root = edgeRoot(edge);
      const note = await signCheckpoint(this.origin, edge.size, root, this.signer);
      const temporary = join(this.dir, `${CHECKPOINT_FILE}.tmp`);
      // The temporary checkpoint's own directory entry needs no sync: the rename's does it.
      await Promise.all([
        writeFilesDurably(this.dir, files.map(tileWrite), this.knownDirs),
        writeFileSynced(temporary, note),
      ]);
      await renameDurably(temporary, join(this.dir, CHECKPOINT_FILE));
      // Committed.
      this.edge = edge;
      this.note = note;
      this.rootHash = root;
      this.reader.size = edge.size;
      for (const file of files) this.reader.remember(file.level, file.index, file.width, file.data);
      for (const file of full) this.dropPartials(file.level, file.index);
      return start;
    } catch (error) {
      // Files past the commit may now be on disk: only recovery on open may remove them.
      this.failure = error instanceof Error ? error : new Error(String(error));
      throw error;
    }
  }

  /** tlog-tiles lets a log delete partial tiles once the full tile exists; saves disk space. */
  private dropPartials(level: number | 'entries', index: number): void {
    const partials = join(this.dir, partialTileDirectory(level, index));
    this.knownDirs.delete(partials);
    const cleanup = removeIfExists(partials)
      .catch(() => undefined)
      .finally(() => this.cleanups.delete(cleanup));
    this.cleanups.add(cleanup);
  }
}
