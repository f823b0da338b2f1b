import { readFile, writeFile, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LogCorruptionError,
  TileLog,
  auditLog,
  DirectoryTileSource,
  formatCheckpoint,
  leafHash,
  openNote,
  parseCheckpoint,
  signNote,
  verifyConsistency,
  verifyInclusion,
  type NoteSigner,
} from '../../src/ledger/index.js';
import {
  ORIGIN,
  entries,
  entry,
  hex,
  logSigner,
  logVerifier,
  mth,
  referenceLeaf,
  tempDir,
} from './fixtures/logs.js';

const open = (dir: string, signer: NoteSigner = logSigner) =>
  TileLog.open(dir, { origin: ORIGIN, signer });

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('TileLog', () => {
  it('starts empty with a signed checkpoint of the empty tree', async () => {
    const log = await open(await tempDir());
    expect(log.size).toBe(0);
    expect(hex(log.root())).toBe(hex(mth([])));
    const checkpoint = parseCheckpoint(openNote(log.checkpoint(), [logVerifier]).text);
    expect(checkpoint).toMatchObject({ origin: ORIGIN, size: 0 });
    await log.close();
  });

  it('matches the reference root at every tile boundary, and again after reopening', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    const all = entries(0, 1300);
    const leaves = all.map(referenceLeaf);
    for (const size of [1, 2, 255, 256, 257, 511, 512, 513, 1024, 1299, 1300]) {
      await log.append(all.slice(log.size, size));
      expect(hex(log.root())).toBe(hex(mth(leaves.slice(0, size))));
    }
    await log.close();
    log = await open(dir);
    expect(log.size).toBe(1300);
    expect(hex(log.root())).toBe(hex(mth(leaves)));
    expect(await log.entry(777)).toEqual(all[777]);
    await log.close();
  });

  it('proves inclusion and consistency from its tiles', async () => {
    const dir = await tempDir();
    const log = await open(dir);
    const all = entries(0, 3000);
    const leaves = all.map(referenceLeaf);
    await log.append(all);
    for (const size of [1, 256, 1000, 2999, 3000]) {
      for (const index of [0, 1, 255, 256, size >> 1, size - 1]) {
        if (index >= size) continue;
        const proof = await log.proveInclusion(index, size);
        const root = mth(leaves.slice(0, size));
        expect(
          verifyInclusion({
            leafIndex: index,
            treeSize: size,
            leafHash: leaves[index]!,
            proof,
            root,
          }),
        ).toBe(true);
      }
    }
    for (const [a, b] of [
      [1, 2],
      [255, 256],
      [256, 3000],
      [700, 2048],
      [2999, 3000],
    ] as const) {
      const proof = await log.proveConsistency(a, b);
      const check = {
        size1: a,
        size2: b,
        proof,
        root1: mth(leaves.slice(0, a)),
        root2: mth(leaves.slice(0, b)),
      };
      expect(verifyConsistency(check)).toBe(true);
    }
    await expect(log.proveInclusion(0, 3001)).rejects.toThrow('tree size 3001 is not committed');
    await log.close();
  });

  it('batches concurrent appends into few commits with consecutive indexes', async () => {
    const log = await open(await tempDir());
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => log.append([entry(i), entry(1000 + i)])),
    );
    const firsts = results.map((r) => r.firstIndex).sort((a, b) => a - b);
    expect(firsts).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i));
    for (const [i, { firstIndex }] of results.entries()) {
      expect(await log.entry(firstIndex)).toEqual(entry(i));
      expect(await log.entry(firstIndex + 1)).toEqual(entry(1000 + i));
    }
    // One checkpoint per commit: far fewer than 200 appends' worth.
    expect(log.size).toBe(400);
    await log.close();
  });

  it('splits an append larger than maxBatch across commits, keeping it contiguous', async () => {
    const log = await TileLog.open(await tempDir(), {
      origin: ORIGIN,
      signer: logSigner,
      maxBatch: 100,
    });
    const [a, b] = await Promise.all([log.append(entries(0, 250)), log.append([entry(9999)])]);
    expect(a.firstIndex).toBe(0);
    expect(b.firstIndex).toBe(250);
    expect(await log.entry(249)).toEqual(entry(249));
    await log.close();
  });

  it('rejects entries a bundle cannot hold, a second writer, and another log in its directory', async () => {
    const dir = await tempDir();
    const log = await open(dir);
    await expect(log.append([new Uint8Array(70_000)])).rejects.toThrow('at most 65535');
    await expect(open(dir)).rejects.toThrow(/lock is locked by process \d+/);
    await log.close();
    await expect(TileLog.open(dir, { origin: 'other/log', signer: logSigner })).rejects.toThrow(
      `holds the log "${ORIGIN}", not "other/log"`,
    );
  });

  it('stops after a failed write until reopened', async () => {
    const dir = await tempDir();
    let fail = false;
    const flaky: NoteSigner = {
      name: logSigner.name,
      keyId: logSigner.keyId,
      sign: (text) => {
        if (fail) throw new Error('signing key unavailable');
        return logSigner.sign(text);
      },
    };
    let log = await open(dir, flaky);
    await log.append(entries(0, 10));
    fail = true;
    await expect(log.append([entry(10)])).rejects.toThrow('signing key unavailable');
    fail = false;
    await expect(log.append([entry(10)])).rejects.toThrow('reopen it to recover');
    await log.close();
    log = await open(dir);
    expect(log.size).toBe(10);
    await log.close();
  });
});

describe('TileLog crash recovery', () => {
  it('deletes the tiles of a torn batch and never serves them', async () => {
    const dir = await tempDir();
    let log = await open(dir);
    await log.append(entries(0, 300));
    await log.close();
    // What a batch killed before its commit leaves: tiles past the checkpoint's size.
    const garbage = new Uint8Array(32 * 100).fill(0xee);
    const torn = [
      'tile/0/001',
      'tile/0/001.p/100',
      'tile/1/000.p/2',
      'tile/0/002.p/7',
      'tile/entries/001.p/100',
    ];
    for (const path of torn) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), garbage);
    }
    log = await open(dir);
    expect(log.size).toBe(300);
    for (const path of torn) {
      expect(await exists(join(dir, path))).toBe(false);
      expect((await log.serve(path)).status).toBe(404);
    }
    // Committed partials survive.
    expect(await exists(join(dir, 'tile/0/001.p/44'))).toBe(true);
    await log.append(entries(300, 600));
    const leaves = entries(0, 600).map(referenceLeaf);
    expect(hex(log.root())).toBe(hex(mth(leaves)));
    await log.close();
    const cp = parseCheckpoint(
      openNote(await readFile(join(dir, 'checkpoint'), 'utf8'), [logVerifier]).text,
    );
    await expect(auditLog(new DirectoryTileSource(dir), cp)).resolves.toMatchObject({
      entries: 600,
    });
  });

  it('refuses to open when the checkpoint is ahead of the tiles (lost writes)', async () => {
    const dir = await tempDir();
    const log = await open(dir);
    await log.append(entries(0, 300));
    await log.close();
    const ahead = mth(entries(0, 400).map(referenceLeaf));
    const note = await signNote(
      formatCheckpoint({ origin: ORIGIN, size: 400, root: ahead, extensions: [] }),
      [logSigner],
    );
    await writeFile(join(dir, 'checkpoint'), note);
    await expect(open(dir)).rejects.toThrow(LogCorruptionError);
    await expect(open(dir)).rejects.toThrow(`log ${ORIGIN} at size 400 is corrupt`);
  });

  it('refuses to open when a committed entry was altered', async () => {
    const dir = await tempDir();
    const log = await open(dir);
    await log.append(entries(0, 10));
    await log.close();
    const bundle = new Uint8Array(await readFile(join(dir, 'tile/entries/000.p/10')));
    bundle[bundle.length - 1]! ^= 1;
    await writeFile(join(dir, 'tile/entries/000.p/10'), bundle);
    await expect(open(dir)).rejects.toThrow('entry 9 does not match its leaf hash tile');
  });

  it('re-signs the checkpoint when the log key changes', async () => {
    const { ed25519Signer, newVerifier } = await import('../../src/ledger/index.js');
    const dir = await tempDir();
    let log = await open(dir);
    await log.append(entries(0, 5));
    await log.close();
    const rotated = ed25519Signer(ORIGIN, new Uint8Array(32).fill(9));
    log = await open(dir, rotated);
    expect(() => openNote(log.checkpoint(), [newVerifier(rotated.vkey)])).not.toThrow();
    expect(leafHash(await log.entry(4))).toEqual(referenceLeaf(entry(4)));
    await log.close();
  });
});
