import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  MemoryHashStorage,
  ProofError,
  appendLeaf,
  proveConsistency,
  proveInclusion,
  treeHash,
  verifyConsistency,
  verifyInclusion,
  type Hash,
} from '../../src/ledger/index.js';

// An independent, deliberately naive RFC 9162 §2.1 implementation over a leaf array, using
// node:crypto directly, to check the storage-backed provers and the fast verifiers against.
const MAX = 70;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const entry = (i: number): Uint8Array => new TextEncoder().encode(`converge event ${i}`);
const leaves = Array.from({ length: MAX }, (_, i) => sha256(Uint8Array.of(0), entry(i)));
const split = (n: number): number => 2 ** Math.ceil(Math.log2(n) - 1);

function mth(d: Hash[]): Hash {
  if (d.length === 0) return sha256();
  if (d.length === 1) return d[0]!;
  const k = split(d.length);
  return sha256(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}

function path(m: number, d: Hash[]): Hash[] {
  if (d.length === 1) return [];
  const k = split(d.length);
  return m < k
    ? [...path(m, d.slice(0, k)), mth(d.slice(k))]
    : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

function subproof(m: number, d: Hash[], b: boolean): Hash[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const k = split(d.length);
  return m <= k
    ? [...subproof(m, d.slice(0, k), b), mth(d.slice(k))]
    : [...subproof(m - k, d.slice(k), false), mth(d.slice(0, k))];
}

// Compared as hex: deep equality on typed arrays is slow over thousands of proofs.
const hex = (hashes: Hash[]): string => hashes.map((h) => Buffer.from(h).toString('hex')).join(',');

const roots = Array.from({ length: MAX + 1 }, (_, n) => mth(leaves.slice(0, n)));

/** Copy of `hash` with bit `bit` flipped. */
function flip(hash: Hash, bit: number): Hash {
  const out = Uint8Array.from(hash);
  out[bit >> 3]! ^= 1 << (bit & 7);
  return out;
}

/** Two bits, rotating with `seed` so that over all proofs every bit position gets flipped. */
const bitsToFlip = (seed: number): number[] => [(seed * 37) % 256, (seed * 37 + 128) % 256];
const ALL_BITS = Array.from({ length: 256 }, (_, bit) => bit);

// Plain try/catch without stack traces: ~100k tampered proofs are too many for expect() each.
const accepted: string[] = [];
function rejects(run: () => true): void {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    run();
  } catch (err) {
    if (err instanceof ProofError) return;
    throw err;
  } finally {
    Error.stackTraceLimit = limit;
  }
  accepted.push(run.toString());
}
/** Every way of breaking a valid inclusion proof that must be caught, for the given bits. */
function tamperInclusion(m: number, n: number, proof: Hash[], bits: number[]): void {
  const [leafHash, root] = [leaves[m]!, roots[n]!];
  for (const bit of bits) {
    rejects(() =>
      verifyInclusion({ leafIndex: m, treeSize: n, leafHash: flip(leafHash, bit), proof, root }),
    );
    rejects(() =>
      verifyInclusion({ leafIndex: m, treeSize: n, leafHash, proof, root: flip(root, bit) }),
    );
    proof.forEach((_, i) => {
      const bad = proof.map((h, j) => (j === i ? flip(h, bit) : h));
      rejects(() => verifyInclusion({ leafIndex: m, treeSize: n, leafHash, proof: bad, root }));
    });
  }
  if (m + 1 < n)
    rejects(() => verifyInclusion({ leafIndex: m + 1, treeSize: n, leafHash, proof, root }));
  rejects(() =>
    verifyInclusion({ leafIndex: m, treeSize: n, leafHash, proof: [...proof, root], root }),
  );
  if (proof.length > 0) {
    rejects(() =>
      verifyInclusion({ leafIndex: m, treeSize: n, leafHash, proof: proof.slice(1), root }),
    );
  }
}

/** Every way of breaking a valid consistency proof that must be caught, for the given bits. */
function tamperConsistency(m: number, n: number, proof: Hash[], bits: number[]): void {
  const [root1, root2] = [roots[m]!, roots[n]!];
  for (const bit of bits) {
    rejects(() => verifyConsistency({ size1: m, size2: n, proof, root1: flip(root1, bit), root2 }));
    rejects(() => verifyConsistency({ size1: m, size2: n, proof, root1, root2: flip(root2, bit) }));
    proof.forEach((_, i) => {
      const bad = proof.map((h, j) => (j === i ? flip(h, bit) : h));
      rejects(() => verifyConsistency({ size1: m, size2: n, proof: bad, root1, root2 }));
    });
  }
  rejects(() => verifyConsistency({ size1: m, size2: n, proof: [...proof, root2], root1, root2 }));
  if (m < n) {
    rejects(() => verifyConsistency({ size1: m, size2: n, proof, root1: root2, root2: root1 }));
    rejects(() => verifyConsistency({ size1: m, size2: n, proof: proof.slice(1), root1, root2 }));
  }
}

describe(`storage-backed provers and verifiers against a naive RFC 9162 model, sizes 1..${MAX}`, () => {
  const storage = new MemoryHashStorage();
  beforeAll(async () => {
    for (let i = 0; i < MAX; i++) await appendLeaf(storage, i, entry(i));
  });

  it('treeHash matches MTH for every size, including the empty tree', async () => {
    for (let n = 0; n <= MAX; n++) expect(await treeHash(n, storage)).toEqual(roots[n]);
  });

  it('every inclusion proof equals PATH, verifies, and fails with any bit flipped', async () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 0; m < n; m++) {
        const proof = await proveInclusion(n, m, storage);
        expect(hex(proof)).toBe(hex(path(m, leaves.slice(0, n))));
        const [leafHash, root] = [leaves[m]!, roots[n]!];
        expect(verifyInclusion({ leafIndex: m, treeSize: n, leafHash, proof, root })).toBe(true);
        tamperInclusion(m, n, proof, bitsToFlip(n * MAX + m));
        checked++;
      }
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
    expect(accepted).toEqual([]);
  });

  it('every consistency proof equals PROOF, verifies, and fails with any bit flipped', async () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = await proveConsistency(m, n, storage);
        expect(hex(proof)).toBe(hex(m === n ? [] : subproof(m, leaves.slice(0, n), true)));
        const [root1, root2] = [roots[m]!, roots[n]!];
        expect(verifyConsistency({ size1: m, size2: n, proof, root1, root2 })).toBe(true);
        tamperConsistency(m, n, proof, bitsToFlip(n * MAX + m));
        checked++;
      }
    }
    expect(checked).toBe((MAX * (MAX + 1)) / 2);
    expect(accepted).toEqual([]);
  });

  it('flipping any of the 256 bits of any hash breaks a long proof of each kind', async () => {
    tamperInclusion(37, MAX, await proveInclusion(MAX, 37, storage), ALL_BITS);
    tamperConsistency(37, MAX, await proveConsistency(37, MAX, storage), ALL_BITS);
    tamperConsistency(32, MAX - 1, await proveConsistency(32, MAX - 1, storage), ALL_BITS);
    expect(accepted).toEqual([]);
  });
});
