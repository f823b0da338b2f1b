import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { decodeBase64, encodeBase64 } from '../base64.js';
import { FormatError } from '../errors.js';
import { HASH_SIZE, hashesEqual, type Hash } from '../hash.js';
import { ensureDirectoryDurably, readFileIfExists, replaceFileDurably } from '../log/durable-fs.js';
import { acquireFileLock } from '../log/file-lock.js';

// What a witness remembers per log: the latest checkpoint it cosigned. tlog-witness requires
// check-and-store to be one atomic compare-and-swap, persisted before the reply; otherwise two
// racing requests can roll the witness back (cosign N+K, then store N).

export interface WitnessRecord {
  size: number;
  root: Hash;
  /** That checkpoint, with the log's signatures and this witness's cosignature. */
  note: string;
}

export interface WitnessStore {
  load(origin: string): Promise<WitnessRecord | undefined>;
  /**
   * Stores `next` if the record is still `expected` (same size and root; undefined: none yet),
   * durably, before resolving true; resolves false, storing nothing, if another write won.
   */
  compareAndSwap(
    origin: string,
    expected: WitnessRecord | undefined,
    next: WitnessRecord,
  ): Promise<boolean>;
}

export function sameRecord(a: WitnessRecord | undefined, b: WitnessRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && hashesEqual(a.root, b.root);
}

export class MemoryWitnessStore implements WitnessStore {
  private readonly records = new Map<string, WitnessRecord>();

  async load(origin: string): Promise<WitnessRecord | undefined> {
    return this.records.get(origin);
  }

  async compareAndSwap(
    origin: string,
    expected: WitnessRecord | undefined,
    next: WitnessRecord,
  ): Promise<boolean> {
    if (!sameRecord(this.records.get(origin), expected)) return false;
    this.records.set(origin, next);
    return true;
  }
}

/**
 * One JSON file per log in a directory. A swap holds an in-process queue and a lock file (for
 * other processes), reads, compares, writes a temporary file, fsyncs it and renames it over the
 * record, then fsyncs the directory.
 */
export class FileWitnessStore implements WitnessStore {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly dir: string,
    /** How long to wait for another process's lock on a record. */
    private readonly lockWaitMs = 5000,
  ) {}

  async load(origin: string): Promise<WitnessRecord | undefined> {
    const bytes = await readFileIfExists(this.file(origin));
    return bytes === undefined ? undefined : decodeRecord(origin, bytes);
  }

  compareAndSwap(
    origin: string,
    expected: WitnessRecord | undefined,
    next: WitnessRecord,
  ): Promise<boolean> {
    return this.serialize(origin, async () => {
      await ensureDirectoryDurably(this.dir);
      const lock = await acquireFileLock(`${this.file(origin)}.lock`, { waitMs: this.lockWaitMs });
      try {
        if (!sameRecord(await this.load(origin), expected)) return false;
        await replaceFileDurably(this.file(origin), encodeRecord(origin, next));
        return true;
      } finally {
        await lock.release();
      }
    });
  }

  /** Runs swaps on one record one at a time within this process. */
  private serialize<T>(origin: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(origin) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.catch(() => undefined);
    this.queues.set(origin, tail);
    void tail.then(() => {
      if (this.queues.get(origin) === tail) this.queues.delete(origin);
    });
    return run;
  }

  /** Origins are arbitrary text; the file is named by their hash. */
  private file(origin: string): string {
    return join(this.dir, `${createHash('sha256').update(origin).digest('hex')}.json`);
  }
}

function encodeRecord(origin: string, { size, root, note }: WitnessRecord): string {
  return `${JSON.stringify({ origin, size, root: encodeBase64(root), note })}\n`;
}

function decodeRecord(origin: string, bytes: Uint8Array): WitnessRecord {
  const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
  const record = value as { origin?: unknown; size?: unknown; root?: unknown; note?: unknown };
  const root = typeof record.root === 'string' ? decodeBase64(record.root) : undefined;
  if (
    record.origin !== origin ||
    typeof record.size !== 'number' ||
    !Number.isSafeInteger(record.size) ||
    root?.length !== HASH_SIZE ||
    typeof record.note !== 'string'
  ) {
    throw new FormatError(`witness record for ${origin} is malformed`);
  }
  return { size: record.size, root, note: record.note };
}
