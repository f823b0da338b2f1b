import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TileLog, encodeBundle, decodeBundle, FormatError } from '../../src/ledger/index.js';
import { ORIGIN, entries, hex, logSigner, mth, referenceLeaf, tempDir } from './fixtures/logs.js';

// Byte-exact checks of the tlog-tiles layout a TileLog writes: which files exist at which
// paths, and that each holds exactly the concatenated 32-byte hashes (tiles) or uint16
// length-prefixed entries (bundles) the spec defines.

const read = async (dir: string, path: string): Promise<Uint8Array> =>
  new Uint8Array(await readFile(join(dir, path)));
const exists = (dir: string, path: string): Promise<boolean> =>
  stat(join(dir, path)).then(
    () => true,
    () => false,
  );
const concat = (parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

describe('entry bundles', () => {
  it('prefix each entry with its big-endian uint16 length', () => {
    const bundle = encodeBundle([new Uint8Array(0), Uint8Array.of(0xaa), new Uint8Array(300)]);
    expect(hex(bundle.subarray(0, 5))).toBe('00000001aa');
    expect(hex(bundle.subarray(5, 7))).toBe('012c');
    expect(bundle.length).toBe(2 + 3 + 302);
    expect(decodeBundle(bundle, 3).map((e) => e.length)).toEqual([0, 1, 300]);
  });

  it('rejects truncated bundles, wrong counts and oversized entries', () => {
    const bundle = encodeBundle([Uint8Array.of(1, 2, 3)]);
    expect(() => decodeBundle(bundle.subarray(0, 4), 1)).toThrow(FormatError);
    expect(() => decodeBundle(bundle.subarray(0, 1), 1)).toThrow(FormatError);
    expect(() => decodeBundle(bundle, 2)).toThrow('holds 1 entries, want 2');
    expect(() => encodeBundle([new Uint8Array(65_536)])).toThrow('at most 65535');
  });
});

describe('TileLog file layout (C2SP tlog-tiles)', () => {
  it('writes full and partial tiles of every level with the exact bytes of the spec', async () => {
    const dir = await tempDir();
    const log = await TileLog.open(dir, { origin: ORIGIN, signer: logSigner });
    const all = entries(0, 3 * 256 + 5);
    // Odd batch sizes, so that tiles fill up in the middle of batches.
    for (let i = 0; i < all.length; i += 77) await log.append(all.slice(i, i + 77));
    await log.close();
    const leaves = all.map(referenceLeaf);

    for (let n = 0; n < 3; n++) {
      const path = `tile/0/00${n}`;
      expect(await read(dir, path)).toEqual(concat(leaves.slice(n * 256, (n + 1) * 256)));
      expect(await read(dir, `tile/entries/00${n}`)).toEqual(
        encodeBundle(all.slice(n * 256, (n + 1) * 256)),
      );
      // Partial tiles are dropped once their full tile exists (tlog-tiles allows it).
      expect(await exists(dir, `${path}.p`)).toBe(false);
    }
    expect(await read(dir, 'tile/0/003.p/5')).toEqual(concat(leaves.slice(768)));
    expect(await read(dir, 'tile/entries/003.p/5')).toEqual(encodeBundle(all.slice(768)));
    // Level 1 holds the Merkle tree hash of each full level-0 tile.
    const level1 = [0, 1, 2].map((n) => mth(leaves.slice(n * 256, (n + 1) * 256)));
    expect(await read(dir, 'tile/1/000.p/3')).toEqual(concat(level1));
    // Every committed size left its level-1 partial: widths 1, 2 and 3.
    expect((await readdir(join(dir, 'tile/1/000.p'))).sort()).toEqual(['1', '2', '3']);
    expect(await exists(dir, 'tile/2')).toBe(false);
    const root = Buffer.from(mth(leaves)).toString('base64');
    const checkpoint = await readFile(join(dir, 'checkpoint'), 'utf8');
    expect(checkpoint.startsWith(`${ORIGIN}\n773\n${root}\n\n— ${ORIGIN} `)).toBe(true);
  });

  it('reaches level 2 after 65,536 entries, with x-prefixed paths past tile 999', async () => {
    const dir = await tempDir();
    const log = await TileLog.open(dir, { origin: ORIGIN, signer: logSigner });
    const count = 65_536 * 4 + 256 * 3 + 1;
    const all = entries(0, count);
    for (let i = 0; i < count; i += 4096) await log.append(all.slice(i, i + 4096));
    const leaves = all.map(referenceLeaf);
    expect(log.size).toBe(count);
    expect(hex(log.root())).toBe(hex(mth(leaves)));
    await log.close();

    expect(await read(dir, 'tile/0/x001/000')).toEqual(
      concat(leaves.slice(1000 * 256, 1001 * 256)),
    );
    expect(await read(dir, 'tile/0/x001/027.p/1')).toEqual(leaves[count - 1]);
    expect(await read(dir, 'tile/1/004.p/3')).toEqual(
      concat([0, 1, 2].map((k) => mth(leaves.slice((1024 + k) * 256, (1025 + k) * 256)))),
    );
    const level2 = [0, 1, 2, 3].map((n) => mth(leaves.slice(n * 65_536, (n + 1) * 65_536)));
    expect(await read(dir, 'tile/2/000.p/4')).toEqual(concat(level2));
    expect(await read(dir, 'tile/entries/x001/027.p/1')).toEqual(encodeBundle([all[count - 1]!]));
  }, 120_000);
});
