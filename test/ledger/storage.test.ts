import { describe, expect, it } from 'vitest';
import {
  MemoryHashStorage,
  appendLeaf,
  splitStoredHashIndex,
  storedHashCount,
  storedHashIndex,
} from '../../src/ledger/index.js';

describe('stored-hash layout', () => {
  it('interleaves each leaf with the subtrees it completes', () => {
    // leaf 0, leaf 1, (1,0), leaf 2, leaf 3, (1,1), (2,0), leaf 4
    const order: [number, number][] = [
      [0, 0],
      [0, 1],
      [1, 0],
      [0, 2],
      [0, 3],
      [1, 1],
      [2, 0],
      [0, 4],
    ];
    expect(order.map(([level, n]) => storedHashIndex(level, n))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('splits every index back into its level and position', () => {
    for (let index = 0; index < 20_000; index++) {
      const [level, n] = splitStoredHashIndex(index);
      expect(storedHashIndex(level, n)).toBe(index);
    }
  });

  it('works past 2^32 leaves, where 32-bit bit operations would wrap', () => {
    const n = 2 ** 40 + 12345;
    const [level, m] = splitStoredHashIndex(storedHashIndex(3, n));
    expect([level, m]).toEqual([3, n]);
    expect(storedHashCount(2 ** 40)).toBe(2 ** 41 - 1);
  });

  it('counts exactly the hashes appendLeaf stores', async () => {
    const storage = new MemoryHashStorage();
    for (let size = 0; size < 300; size++) {
      expect(storage.storedCount).toBe(storedHashCount(size));
      await appendLeaf(storage, size, Uint8Array.of(size & 0xff));
    }
  });

  it('refuses to append at a stale tree size or read what is not stored', async () => {
    const storage = new MemoryHashStorage();
    await appendLeaf(storage, 0, Uint8Array.of(0));
    await expect(appendLeaf(storage, 0, Uint8Array.of(1))).rejects.toThrow(
      'hashes written at 0, want 1',
    );
    expect(() => storage.readHashes([1])).toThrow('hash 1 is not stored (1 stored)');
  });
});
