import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MemoryHashStorage,
  appendLeaf,
  emptyTreeHash,
  leafHash,
  nodeHash,
  treeHash,
} from '../../src/ledger/index.js';
import { nodeHashInto } from '../../src/ledger/sha256-node.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const reference = (left: Uint8Array, right: Uint8Array): string =>
  createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest('hex');

describe('RFC 9162 hashing', () => {
  it('hashes the empty tree as SHA-256 of nothing', () => {
    expect(hex(emptyTreeHash())).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('prefixes leaves with 0x00', () => {
    expect(hex(leafHash(new Uint8Array()))).toBe(
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  it('gives the published size-8 root for the test-vector leaves', async () => {
    const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657'];
    leaves.push('606162636465666768696a6b6c6d6e6f');
    const storage = new MemoryHashStorage();
    for (const [i, leaf] of leaves.entries()) {
      await appendLeaf(storage, i, Buffer.from(leaf, 'hex'));
    }
    expect(hex(await treeHash(8, storage))).toBe(
      '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
    );
  });

  it('computes node hashes exactly like node:crypto, for every value of the last byte', () => {
    for (let i = 0; i < 4096; i++) {
      const [left, right] = [randomBytes(32), randomBytes(32)];
      right[31] = i % 256;
      expect(hex(nodeHash(left, right))).toBe(reference(left, right));
    }
    const zero = new Uint8Array(32);
    const ones = new Uint8Array(32).fill(0xff);
    expect(hex(nodeHash(zero, ones))).toBe(reference(zero, ones));
    expect(hex(nodeHash(ones, zero))).toBe(reference(ones, zero));
  });

  it('may write the node hash over either child', () => {
    const [left, right] = [randomBytes(32), randomBytes(32)];
    const want = reference(left, right);
    const a = Uint8Array.from(left);
    nodeHashInto(a, a, right);
    const b = Uint8Array.from(right);
    nodeHashInto(b, left, b);
    expect([hex(a), hex(b)]).toEqual([want, want]);
  });

  it('accepts children that are views into larger buffers', () => {
    const buffer = randomBytes(96);
    const [left, right] = [buffer.subarray(1, 33), buffer.subarray(50, 82)];
    expect(hex(nodeHash(left, right))).toBe(reference(left, right));
  });

  it('refuses children that are not 32 bytes', () => {
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow(RangeError);
    expect(() => nodeHash(new Uint8Array(32), new Uint8Array(33))).toThrow(RangeError);
  });
});
