import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  DirectoryTileSource,
  TileLog,
  auditLog,
  leafHash,
  openNote,
  parseCheckpoint,
  verifyInclusion,
} from '../../src/ledger/index.js';
import { expectedEntry, isWholeEntry } from './fixtures/durability-entries.js';
import { ORIGIN, logSigner, logVerifier, tempDir } from './fixtures/logs.js';

// The durability contract, tested the hard way: a child process appends in a loop and is
// killed with SIGKILL at a random moment, 20 times over the same directory. After each kill
// the log must open, hold every append the child saw acknowledged (with a valid inclusion
// proof), and hold nothing but whole entries — and its tiles must audit against its checkpoint.

const KILLS = 20;
const fixture = fileURLToPath(new URL('./fixtures/append-loop.ts', import.meta.url));

interface Acked {
  index: number;
  entry: Uint8Array;
}

/** Runs the child until it is ready, lets it append for `ms`, kills it; returns its acks. */
async function appendThenKill(dir: string, run: number, ms: number): Promise<Acked[]> {
  // Its own process group, so that SIGKILL reaches the node process under npx and tsx.
  const child = spawn('npx', ['tsx', fixture, dir, String(run)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const acked: Acked[] = [];
  let buffered = '';
  let ready: () => void;
  const started = new Promise<void>((resolve) => (ready = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [word, first, tag, count] = line.split(' ');
      if (word === 'ready') ready();
      if (word !== 'ack') continue;
      for (let j = 0; j < Number(count); j++) {
        acked.push({ index: Number(first) + j, entry: expectedEntry(tag!, j) });
      }
    }
  });
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.on('close', () => {
      running = false;
      resolve();
    }),
  );
  await Promise.race([started, exited]);
  if (!running) throw new Error(`append-loop run ${run} exited before it was killed`);
  await new Promise((resolve) => setTimeout(resolve, ms));
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  return acked;
}

/** Opens the log, retrying while the killed process's lock still looks held. */
async function reopen(dir: string): Promise<TileLog> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await TileLog.open(dir, { origin: ORIGIN, signer: logSigner });
    } catch (error) {
      if (attempt > 50 || !String(error).includes('is locked by')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('TileLog durability under kill -9', () => {
  it(`keeps every acknowledged entry across ${KILLS} kills at random moments`, async () => {
    const dir = await tempDir();
    const acknowledged = new Map<number, Uint8Array>();
    let killedWithAcks = 0;
    let checkedSize = 0;
    for (let run = 0; run < KILLS; run++) {
      const acks = await appendThenKill(dir, run, 50 + Math.random() * 700);
      if (acks.length > 0) killedWithAcks++;
      for (const { index, entry } of acks) acknowledged.set(index, entry);
      const fresh = new Set(acks.map((a) => a.index));

      const log = await reopen(dir);
      try {
        const root = log.root();
        const checkpoint = parseCheckpoint(openNote(log.checkpoint(), [logVerifier]).text);
        expect(checkpoint.size).toBe(log.size);
        for (const [index, entry] of acknowledged) {
          // Every acknowledged entry is there, whole, and provably in the signed tree; older
          // runs' entries are sampled to keep the test fast.
          if (!fresh.has(index) && Math.random() > 0.02) continue;
          expect(index).toBeLessThan(log.size);
          const stored = await log.entry(index);
          expect(Buffer.from(stored).equals(Buffer.from(entry))).toBe(true);
          const proof = await log.proveInclusion(index);
          verifyInclusion({
            leafIndex: index,
            treeSize: log.size,
            leafHash: leafHash(stored),
            proof,
            root,
          });
        }
        // No torn entry anywhere: committed but unacknowledged appends are whole entries too,
        // and every tile hashes up to the checkpoint.
        for (let i = checkedSize; i < log.size; i++) {
          expect(isWholeEntry(await log.entry(i))).toBe(true);
        }
        checkedSize = log.size;
        await auditLog(new DirectoryTileSource(dir), checkpoint);
      } finally {
        await log.close();
      }
    }
    console.info(
      `durability: ${KILLS} kills, ${killedWithAcks} mid-append, ${acknowledged.size} acknowledged entries, ${checkedSize} in the log`,
    );
    expect(acknowledged.size).toBeGreaterThan(0);
    expect(killedWithAcks).toBeGreaterThan(KILLS / 2);
  }, 300_000);
});
