import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEntry, logVkey } from '../../src/federation/index.js';
import type { LedgerEntry } from '../../src/federation/index.js';
import {
  DirectoryTileSource,
  TileCache,
  TileReader,
  auditLog,
  newVerifier,
  openNote,
  parseCheckpoint,
  type Checkpoint,
} from '../../src/ledger/index.js';
import type { LocalNetwork } from '../../src/node/index.js';
import { openNodeDirectory } from '../../src/node/index.js';
import { heartNetwork, quickJob, raiseToTraining } from '../support/heart-network.js';

// The log's durability through the real hub process: while four sites train, the hub is killed
// with SIGKILL 20 times at random moments. Before each kill we ask the hub how many entries
// its log holds (each acknowledged to the recorder only once durable); after each kill we read
// the log from disk as the restarted hub will, and it must hold at least those entries, every
// one of them unchanged since the previous kill, with tiles that audit against its checkpoint.

const KILLS = 20;

let net: LocalNetwork | undefined;
afterEach(async () => {
  await net?.stop();
  net = undefined;
});

/** The log as it lies on disk: its signed checkpoint, audited, and its entries. */
async function readLogFromDisk(dir: string, vkey: string): Promise<Uint8Array[]> {
  const note = await readFile(join(dir, 'checkpoint'), 'utf8');
  const checkpoint: Checkpoint = parseCheckpoint(openNote(note, [newVerifier(vkey)]).text);
  const source = new DirectoryTileSource(dir);
  await auditLog(source, checkpoint);
  const reader = new TileReader(source, checkpoint.size, new TileCache(64));
  const entries: Uint8Array[] = [];
  for (let i = 0; i < checkpoint.size; i++) entries.push(await reader.entry(i));
  return entries;
}

describe('the hub log under kill -9', () => {
  it(`keeps every acknowledged entry across ${KILLS} kills of the hub under load`, async () => {
    net = await heartNetwork();
    await net.startAll();
    await raiseToTraining(net);
    let client = await net.client();
    const job = quickJob({ rounds: 80, roundTimeoutMs: 10_000, setupTimeoutMs: 30_000 });
    const { id } = await client.startJob('heart', { ...job, local: { ...job.local, steps: 10 } });
    const hubDir = net.dir('hub');
    const hub = await openNodeDirectory(hubDir);
    const status = await client.ledgerStatus('heart');
    const vkey = logVkey(hub.key.publicKey, status.origin);
    const logDir = join(hubDir, 'ledger', 'heart', 'log');

    let kept: Uint8Array[] = [];
    let acknowledgedTotal = 0;
    const sizes: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // Let the restarted hub get back to work (sites re-poll with backoff), then kill it at a
      // random moment while it writes.
      const grown = Date.now() + 30_000;
      while ((await client.ledgerStatus('heart')).size <= kept.length && Date.now() < grown) {
        await sleep(50);
      }
      await sleep(Math.random() * 300);
      const acknowledged = (await client.ledgerStatus('heart')).size;
      // Under load: training is still going on at every kill.
      expect((await client.job(id)).status, `job at kill ${kill + 1}`).toBe('running');
      sizes.push(acknowledged);
      await net.kill('hub');
      const onDisk = await readLogFromDisk(logDir, vkey);
      expect(onDisk.length, `kill ${kill + 1}`).toBeGreaterThanOrEqual(acknowledged);
      // Nothing already there was rewritten or lost.
      for (let i = 0; i < kept.length; i++) {
        expect(Buffer.from(onDisk[i]!).equals(Buffer.from(kept[i]!)), `entry ${i}`).toBe(true);
      }
      kept = onDisk;
      acknowledgedTotal = acknowledged;
      await net.start('hub');
      client = await net.client();
    }

    // The job survives its hub's deaths, and every round it completed is in the log.
    const deadline = Date.now() + 120_000;
    let summary = await client.job(id);
    while (summary.status === 'running' && Date.now() < deadline) {
      await sleep(200);
      summary = await client.job(id);
    }
    expect(summary.status).toBe('finished');
    // The log grew between kills: entries were being written when the hub died.
    expect(new Set(sizes).size).toBeGreaterThan(KILLS / 2);
    const published = await client.ledgerPublished('heart');
    expect(published.size).toBeGreaterThanOrEqual(acknowledgedTotal);
    const entries: LedgerEntry[] = (await readLogFromDisk(logDir, vkey)).map(decodeEntry);
    const closed = new Map<number, string>();
    for (const e of entries) if (e.type === 'round.closed') closed.set(e.round, e.modelSha256);
    const complete = summary.rounds.filter((r) => r.status === 'complete');
    expect(complete.map((r) => r.round)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    for (const r of complete)
      expect(closed.get(r.round), `round ${r.round}`).toBe(r.globalModelSha256);
  }, 400_000);
});
