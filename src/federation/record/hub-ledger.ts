import { join } from 'node:path';
import type { NodeKey } from '../../identity/index.js';
import { TileLog } from '../../ledger/index.js';
import { readFileIfExists, replaceFileDurably } from '../../ledger/log/durable-fs.js';
import { encodeEntry, type LedgerEvent } from './entries.js';
import { logOrigin, logSigner } from './keys.js';

// The hub's transparency logs, one per collaboration, in the node directory:
//   ledger/<collab>/log/        the tlog-tiles log (durable before any acknowledgement)
//   ledger/<collab>/published   the latest checkpoint its witness quorum cosigned
// Entries are appended before the state change they record is committed to the database, so a
// crash between the two repeats the entry when the step is redone: an event may be logged
// twice, never not at all.

const PUBLISHED_FILE = 'published';

export class CollabLog {
  constructor(
    readonly collab: string,
    readonly log: TileLog,
    private readonly dir: string,
    private publishedNote: string | undefined,
  ) {}

  get origin(): string {
    return this.log.origin;
  }

  /** The latest quorum-cosigned checkpoint, or undefined before the first publication. */
  get published(): string | undefined {
    return this.publishedNote;
  }

  async append(events: readonly LedgerEvent[]): Promise<number> {
    const { firstIndex } = await this.log.append(events.map(encodeEntry));
    return firstIndex;
  }

  /**
   * Records a quorum-cosigned checkpoint of `size` entries as published, durably, before anyone
   * is shown it; an older one than what is published (a slower, concurrent publication) is ignored.
   */
  async publish(note: string, size: number): Promise<void> {
    if (this.publishedNote && publishedSize(this.publishedNote) >= size) return;
    await replaceFileDurably(join(this.dir, PUBLISHED_FILE), note);
    this.publishedNote = note;
  }
}

/** The tree size a checkpoint note states (its second line). */
export function publishedSize(note: string): number {
  return Number(note.split('\n')[1]);
}

export class HubLedger {
  private readonly logs = new Map<string, Promise<CollabLog>>();

  constructor(
    readonly dir: string,
    private readonly key: NodeKey,
  ) {}

  origin(collab: string): string {
    return logOrigin(this.key.keyId, collab);
  }

  /** The collaboration's log, opened (and recovered after a crash) on first use. */
  open(collab: string): Promise<CollabLog> {
    let opened = this.logs.get(collab);
    if (!opened) {
      opened = this.openLog(collab);
      opened.catch(() => this.logs.delete(collab));
      this.logs.set(collab, opened);
    }
    return opened;
  }

  async append(collab: string, events: readonly LedgerEvent[]): Promise<number> {
    return (await this.open(collab)).append(events);
  }

  async close(): Promise<void> {
    const logs = await Promise.allSettled(this.logs.values());
    this.logs.clear();
    for (const l of logs) if (l.status === 'fulfilled') await l.value.log.close();
  }

  private async openLog(collab: string): Promise<CollabLog> {
    const dir = join(this.dir, collab);
    const origin = this.origin(collab);
    const log = await TileLog.open(join(dir, 'log'), {
      origin,
      signer: logSigner(this.key, origin),
      maxBatch: 256,
    });
    const published = await readFileIfExists(join(dir, PUBLISHED_FILE));
    return new CollabLog(
      collab,
      log,
      dir,
      published ? new TextDecoder().decode(published) : undefined,
    );
  }
}
