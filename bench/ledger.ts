/**
 * npx tsx bench/ledger.ts [--quick] [--json FILE]
 *
 * The durable tiled log (src/ledger/log) on this machine's disk: durable appends/s at batch
 * sizes 1, 16 and 256 (one append() of k entries per commit, and k concurrent single-entry
 * appenders that the sequencer groups); inclusion proofs generated (from tiles) and verified
 * per second, and consistency proofs, on a 1,000,000-entry log; bytes on disk per entry; and a
 * full audit of that log (every entry re-hashed, every tile compared, the root checked).
 * --quick: 100,000 entries and shorter runs, under a minute. The machine is shared: each figure
 * comes with wall and CPU time, and the load average is reported before and after.
 */
import { lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_CACHED_TILES,
  DirectoryTileSource,
  TileLog,
  auditLog,
  ed25519Signer,
  leafHash,
  openNote,
  newVerifier,
  parseCheckpoint,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyCheck,
  type InclusionCheck,
} from '../src/ledger/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;

const LOG_SIZE = quick ? 100_000 : 1_000_000;
const RUN_SECONDS = quick ? 1.5 : 5;
const ENTRY_BYTES = 128;
const ORIGIN = 'bench.converge.test/log';
const signer = ed25519Signer(ORIGIN, new Uint8Array(32).fill(3));

/** A collaboration event stand-in: 128 bytes, its index up front. */
function makeEntry(i: number): Uint8Array {
  const entry = new Uint8Array(ENTRY_BYTES).fill(0x61);
  new DataView(entry.buffer).setFloat64(0, i);
  return entry;
}

interface Timed<T> {
  value: T;
  wallSeconds: number;
  cpuSeconds: number;
}

async function timed<T>(body: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = await body();
  const used = process.cpuUsage(cpu);
  return {
    value,
    wallSeconds: (performance.now() - start) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
  };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Appends for RUN_SECONDS: `appenders` concurrent loops each appending `batch` entries. */
async function durableAppends(dir: string, batch: number, appenders: number) {
  const log = await TileLog.open(dir, { origin: ORIGIN, signer });
  let next = log.size;
  let entries = 0;
  let appends = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + RUN_SECONDS * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const items = Array.from({ length: batch }, () => makeEntry(next++));
      const start = performance.now();
      await log.append(items);
      latencies.push(performance.now() - start);
      entries += batch;
      appends++;
    }
  };
  const run = await timed(() => Promise.all(Array.from({ length: appenders }, loop)));
  await log.close();
  latencies.sort((a, b) => a - b);
  return {
    batch,
    appenders,
    entriesPerSecond: Math.round(entries / run.wallSeconds),
    entriesPerCpuSecond: Math.round(entries / run.cpuSeconds),
    appendsPerSecond: Math.round(appends / run.wallSeconds),
    latencyMs: {
      p50: +percentile(latencies, 50).toFixed(2),
      p99: +percentile(latencies, 99).toFixed(2),
    },
  };
}

/** Allocated (st_blocks) and apparent bytes under `dir`. */
async function diskUsage(
  dir: string,
): Promise<{ allocated: number; apparent: number; files: number }> {
  let allocated = 0;
  let apparent = 0;
  let files = 0;
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const stat = await lstat(path);
    allocated += stat.blocks * 512;
    if (stat.isDirectory()) {
      const inner = await diskUsage(path);
      allocated += inner.allocated;
      apparent += inner.apparent;
      files += inner.files;
    } else {
      apparent += stat.size;
      files++;
    }
  }
  return { allocated, apparent, files };
}

/** Runs `body` over the prepared items for `seconds`; returns operations per wall/CPU second. */
async function rate<T>(items: T[], seconds: number, body: (item: T) => unknown) {
  // Warm-up first, untimed: a monitor verifies continuously, with its hot path compiled.
  await spin(items, Math.min(1, seconds / 3), body);
  let ops = 0;
  const run = await timed(async () => {
    ops = await spin(items, seconds, body);
  });
  return {
    perSecond: Math.round(ops / run.wallSeconds),
    perCpuSecond: Math.round(ops / run.cpuSeconds),
  };
}

/** Runs `body` over the items for `seconds`; awaits only what is asynchronous. */
async function spin<T>(items: T[], seconds: number, body: (item: T) => unknown): Promise<number> {
  let ops = 0;
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) {
      const result = body(items[ops++ % items.length]!);
      if (result instanceof Promise) await result;
    }
  }
  return ops;
}

const randomIndex = (n: number): number => Math.floor(Math.random() * n);

async function main(): Promise<void> {
  const loadBefore = loadavg();
  console.log(
    `node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model}), load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  const root = await mkdtemp(join(tmpdir(), 'converge-bench-ledger-'));
  try {
    console.log(
      `\nDurable appends (${ENTRY_BYTES}-byte entries, fsynced before each append resolves):`,
    );
    const appends = [];
    for (const [batch, appenders] of [
      [1, 1],
      [16, 1],
      [256, 1],
      [1, 16],
      [1, 256],
    ] as const) {
      const result = await durableAppends(
        join(root, `append-${batch}-${appenders}`),
        batch,
        appenders,
      );
      appends.push(result);
      const shape =
        appenders === 1 ? `append(${batch} entries)` : `${appenders} appenders × 1 entry`;
      console.log(
        `  ${shape.padEnd(26)} ${String(result.entriesPerSecond).padStart(7)} entries/s wall  ${String(result.entriesPerCpuSecond).padStart(7)} /CPU s  ${String(result.appendsPerSecond).padStart(6)} appends/s  p50 ${result.latencyMs.p50} ms  p99 ${result.latencyMs.p99} ms`,
      );
    }

    console.log(
      `\nBuilding a ${LOG_SIZE.toLocaleString('en')}-entry log (append of 4,096 entries per commit)…`,
    );
    const dir = join(root, 'big');
    const built = await timed(async () => {
      const log = await TileLog.open(dir, { origin: ORIGIN, signer });
      for (let i = 0; i < LOG_SIZE; i += 4096) {
        await log.append(
          Array.from({ length: Math.min(4096, LOG_SIZE - i) }, (_, k) => makeEntry(i + k)),
        );
      }
      await log.close();
    });
    const buildRate = Math.round(LOG_SIZE / built.wallSeconds);
    console.log(
      `  ${built.wallSeconds.toFixed(1)} s: ${buildRate} entries/s durable at batch 4096`,
    );
    const usage = await diskUsage(dir);
    const perEntry = {
      allocated: +(usage.allocated / LOG_SIZE).toFixed(1),
      apparent: +(usage.apparent / LOG_SIZE).toFixed(1),
      payload: ENTRY_BYTES,
    };
    console.log(
      `  on disk: ${perEntry.allocated} B/entry allocated, ${perEntry.apparent} B/entry apparent (entry ${ENTRY_BYTES} B + 2 B prefix + 32 B leaf hash + upper levels), ${usage.files} files`,
    );

    // Proofs from a freshly opened log: tiles come from disk, then from the tile cache.
    const small = await TileLog.open(dir, { origin: ORIGIN, signer });
    const size = small.size;
    const sample = Array.from({ length: 4096 }, () => randomIndex(size));
    const proofSeconds = quick ? 1 : 3;
    const generated = await rate(sample, proofSeconds, (i) => small.proveInclusion(i));
    await small.close();
    // With a cache that holds every level-0 tile of the log (8,192 tiles, about 130 MiB).
    const log = await TileLog.open(dir, { origin: ORIGIN, signer, cachedTiles: 8192 });
    const treeRoot = log.root();
    for (const i of sample) await log.proveInclusion(i);
    const generatedCached = await rate(sample, proofSeconds, (i) => log.proveInclusion(i));
    // The common case for a hub: proofs for entries just appended, whose tiles are cached.
    const recent = Array.from({ length: 4096 }, () => size - 1 - randomIndex(4096));
    const generatedRecent = await rate(recent, proofSeconds, (i) => log.proveInclusion(i));
    const checks: InclusionCheck[] = [];
    for (const i of sample.slice(0, 1024)) {
      checks.push({
        leafIndex: i,
        treeSize: size,
        leafHash: leafHash(await log.entry(i)),
        proof: await log.proveInclusion(i),
        root: treeRoot,
      });
    }
    const verified = await rate(checks, proofSeconds, (c) => verifyInclusion(c));
    console.log(
      `\nInclusion proofs, ${size.toLocaleString('en')}-entry log, ${(checks.reduce((s, c) => s + c.proof.length, 0) / checks.length).toFixed(1)} hashes each:`,
    );
    console.log(
      `  generated from tiles: ${generated.perSecond} /s wall, ${generated.perCpuSecond} /CPU s (random entries, ${DEFAULT_CACHED_TILES}-tile cache)`,
    );
    console.log(
      `  generated, warm:      ${generatedCached.perSecond} /s wall, ${generatedCached.perCpuSecond} /CPU s (same entries, 8,192-tile cache)`,
    );
    console.log(
      `  generated, recent:    ${generatedRecent.perSecond} /s wall, ${generatedRecent.perCpuSecond} /CPU s (last 4,096 entries)`,
    );
    console.log(
      `  verified:             ${verified.perSecond} /s wall, ${verified.perCpuSecond} /CPU s (target ≥ 50,000/s)`,
    );

    const pairs = Array.from({ length: 1024 }, () => {
      const a = 1 + randomIndex(size - 1);
      return [a, a + 1 + randomIndex(size - a)] as const;
    });
    const consistencyGenerated = await rate(pairs, proofSeconds, ([a, b]) =>
      log.proveConsistency(a, b),
    );
    const roots = new Map<number, Uint8Array>();
    const consistency: ConsistencyCheck[] = [];
    // The roots a verifier would hold for the old and new sizes, computed from the tiles.
    for (const [a, b] of pairs.slice(0, 256)) {
      const rootAt = async (n: number): Promise<Uint8Array> => {
        if (!roots.has(n)) roots.set(n, await log.rootAt(n));
        return roots.get(n)!;
      };
      consistency.push({
        size1: a,
        size2: b,
        proof: await log.proveConsistency(a, b),
        root1: await rootAt(a),
        root2: await rootAt(b),
      });
    }
    const consistencyVerified = await rate(consistency, proofSeconds, (c) => verifyConsistency(c));
    console.log(`\nConsistency proofs between random sizes:`);
    console.log(
      `  generated from tiles: ${consistencyGenerated.perSecond} /s wall, ${consistencyGenerated.perCpuSecond} /CPU s`,
    );
    console.log(
      `  verified:             ${consistencyVerified.perSecond} /s wall, ${consistencyVerified.perCpuSecond} /CPU s`,
    );
    const note = log.checkpoint();
    await log.close();

    console.log(`\nFull audit: re-hash every entry, compare every tile, check the signed root…`);
    const checkpoint = parseCheckpoint(openNote(note, [newVerifier(signer.vkey)]).text);
    const audit = await timed(() => auditLog(new DirectoryTileSource(dir), checkpoint));
    console.log(
      `  ${checkpoint.size.toLocaleString('en')} entries, ${audit.value.tilesCompared} hash tiles: ${audit.wallSeconds.toFixed(1)} s wall, ${audit.cpuSeconds.toFixed(1)} s CPU (target < 60 s for 1,000,000)`,
    );

    const loadAfter = loadavg();
    console.log(`\nload average after: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
    if (jsonFile) {
      const report = {
        node: process.version,
        cpus: cpus().length,
        quick,
        loadAverage: { before: loadBefore, after: loadAfter },
        entryBytes: ENTRY_BYTES,
        durableAppends: appends,
        build: { entries: LOG_SIZE, seconds: built.wallSeconds, entriesPerSecond: buildRate },
        diskBytesPerEntry: perEntry,
        inclusion: { logSize: size, generated, generatedCached, generatedRecent, verified },
        consistency: { generated: consistencyGenerated, verified: consistencyVerified },
        audit: {
          entries: checkpoint.size,
          wallSeconds: audit.wallSeconds,
          cpuSeconds: audit.cpuSeconds,
          tilesCompared: audit.value.tilesCompared,
        },
      };
      await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
      console.log(`wrote ${jsonFile}`);
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

await main();
