import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bitLength,
  isPowerOfTwo,
  onesCount,
  splitPoint,
  trailingZeros,
  xor,
} from '../../src/ledger/bits.js';
import {
  ProofError,
  consistencyProofLength,
  inclusionProofLength,
  verifyConsistency,
  verifyInclusion,
} from '../../src/ledger/index.js';

// Reference answers from BigInt, which has no 32-bit truncation.
const big = {
  bitLength: (n: number) => BigInt(n).toString(2).replace(/^0$/, '').length,
  onesCount: (n: number) => [...BigInt(n).toString(2)].filter((c) => c === '1').length,
  xor: (a: number, b: number) => Number(BigInt(a) ^ BigInt(b)),
};

const samples = [0, 1, 2, 3, 5, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1];
samples.push(2 ** 40 + 12345, 2 ** 52 + 7, Number.MAX_SAFE_INTEGER);

describe('bit arithmetic beyond 32 bits', () => {
  it.each(samples)('agrees with BigInt for %d', (n) => {
    expect(bitLength(n)).toBe(big.bitLength(n));
    expect(onesCount(n)).toBe(big.onesCount(n));
    for (const m of samples) expect(xor(n, m)).toBe(big.xor(n, m));
    if (n > 0) expect(2 ** trailingZeros(n) * (n / 2 ** trailingZeros(n))).toBe(n);
    if (n > 0) expect((n / 2 ** trailingZeros(n)) % 2).toBe(1);
    expect(isPowerOfTwo(n)).toBe(n > 0 && big.onesCount(n) === 1);
    if (n > 1) expect(splitPoint(n) < n && splitPoint(n) * 2 >= n).toBe(true);
  });

  it('sizes proofs in trees of 2^40 leaves', () => {
    expect(inclusionProofLength(0, 2 ** 40)).toBe(40);
    expect(inclusionProofLength(2 ** 40 - 1, 2 ** 40 + 1)).toBe(41);
    expect(consistencyProofLength(2 ** 32, 2 ** 40)).toBe(8);
    expect(consistencyProofLength(2 ** 32 + 1, 2 ** 40)).toBe(41);
  });
});

// transparency-dev/merkle's formulation of the verifiers (path decomposition rather than the
// RFC's loop), in BigInt, to build valid proofs for trees far too large to materialise.
const H = (l: Uint8Array, r: Uint8Array): Uint8Array =>
  new Uint8Array(createHash('sha256').update(Uint8Array.of(1)).update(l).update(r).digest());
const bitLen = (n: bigint): number => (n === 0n ? 0 : n.toString(2).length);

function chain(seed: Uint8Array, proof: Uint8Array[], index: bigint, inner: number) {
  let h = seed;
  let old = seed;
  proof.forEach((p, i) => {
    const right = i >= inner || ((index >> BigInt(i)) & 1n) === 1n;
    if (right) old = H(p, old);
    h = right ? H(p, h) : H(h, p);
  });
  return { root: h, oldRoot: old };
}

const random = (n: number) => Array.from({ length: n }, () => new Uint8Array(randomBytes(32)));

describe('verifiers on trees of more than 2^32 leaves', () => {
  const sizes: [number, number][] = [
    [2 ** 32 - 1, 2 ** 32 + 1],
    [2 ** 32 + 5, 2 ** 40],
    [2 ** 40 + 12345, 2 ** 41 + 3],
    [Number.MAX_SAFE_INTEGER - 1, Number.MAX_SAFE_INTEGER],
  ];

  it.each(sizes)('inclusion of leaf %d in a tree of %d', (index, size) => {
    const inner = bitLen(BigInt(index) ^ BigInt(size - 1));
    const proof = random(inclusionProofLength(index, size));
    const leafHash = random(1)[0]!;
    const { root } = chain(leafHash, proof, BigInt(index), inner);
    const check = { leafIndex: index, treeSize: size, leafHash, proof, root };
    expect(verifyInclusion(check)).toBe(true);
    expect(() => verifyInclusion({ ...check, leafIndex: index - 1 })).toThrow(ProofError);
  });

  it.each(sizes)('consistency from %d to %d leaves', (size1, size2) => {
    const shift = trailingZeros(size1);
    const inner = bitLen(BigInt(size1 - 1) ^ BigInt(size2 - 1)) - shift;
    const proof = random(consistencyProofLength(size1, size2));
    const [seed, path] = isPowerOfTwo(size1) ? [random(1)[0]!, proof] : [proof[0]!, proof.slice(1)];
    const { root: root2, oldRoot: root1 } = chain(
      seed,
      path,
      BigInt(size1 - 1) >> BigInt(shift),
      inner,
    );
    const check = { size1, size2, proof, root1: isPowerOfTwo(size1) ? seed : root1, root2 };
    expect(verifyConsistency(check)).toBe(true);
    expect(() => verifyConsistency({ ...check, root2: root1 })).toThrow(ProofError);
  });
});
