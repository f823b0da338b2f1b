import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { setTimeout as sleep } from 'node:timers/promises';

/** A comment line this often keeps idle connections (and proxies) from timing out. */
const HEARTBEAT_MS = 15_000;

export interface ChangeFeed<T> {
  /** The SSE event name of each snapshot. */
  event: string;
  /** Cheap to read, and different whenever the snapshot would be. */
  fingerprint: () => Promise<string>;
  /** What the client sees; undefined ends the stream (the thing is gone). */
  snapshot: (fingerprint: string) => Promise<T | undefined>;
  /** Whether this snapshot is the last one (e.g. the job is over). */
  last?: (snapshot: T) => boolean;
  pollMs: number;
}

/**
 * Server-sent events: a snapshot at once, then one each time the fingerprint changes. Read from
 * the database, which every change goes through, so nothing has to hook into whoever changes it.
 */
export function streamChanges<T>(c: Context, feed: ChangeFeed<T>): Response {
  return streamSSE(c, async (stream) => {
    let seen: string | undefined;
    let quietSince = Date.now();
    let sequence = 0;
    while (!stream.aborted && !stream.closed) {
      const fingerprint = await feed.fingerprint();
      if (fingerprint !== seen) {
        seen = fingerprint;
        const snapshot = await feed.snapshot(fingerprint);
        if (snapshot === undefined) break;
        await stream.writeSSE({
          event: feed.event,
          data: JSON.stringify(snapshot),
          id: String(++sequence),
        });
        quietSince = Date.now();
        if (feed.last?.(snapshot)) break;
      } else if (Date.now() - quietSince > HEARTBEAT_MS) {
        await stream.write(': no change\n\n');
        quietSince = Date.now();
      }
      await sleep(feed.pollMs);
    }
  });
}
