import {
  bitLength,
  isOdd,
  isPowerOfTwo,
  isUint53,
  onesCount,
  shiftRight,
  trailingZeros,
  xor,
} from './bits.js';
import { ProofError } from './errors.js';
import { HASH_SIZE, hashesEqual, type Hash } from './hash.js';
import { nodeHashInto } from './sha256-node.js';

// Verifiers run the RFC 9162 §2.1.3.2 and §2.1.4.2 algorithms, with the input checks of
// transparency-dev/merkle's proof/verify.go: the exact proof length is known from the sizes, so
// missing or extra hashes are reported as such before any hashing.

export interface InclusionCheck {
  leafIndex: number;
  treeSize: number;
  leafHash: Hash;
  /** Sibling hashes from the leaf up (RFC 9162 inclusion_path). */
  proof: readonly Hash[];
  root: Hash;
}

export interface ConsistencyCheck {
  size1: number;
  size2: number;
  /** RFC 9162 consistency_path. */
  proof: readonly Hash[];
  root1: Hash;
  root2: Hash;
}

/** Returns true if `proof` shows leaf `leafIndex` is in the tree; otherwise throws ProofError. */
export function verifyInclusion({
  leafIndex,
  treeSize,
  leafHash,
  proof,
  root,
}: InclusionCheck): true {
  requireSize('leaf index', leafIndex);
  requireSize('tree size', treeSize);
  if (leafIndex >= treeSize) {
    throw new ProofError(`leaf index ${leafIndex} is not below tree size ${treeSize}`);
  }
  requireHash('leaf hash', leafHash);
  requireProofLength('inclusion', proof, inclusionProofLength(leafIndex, treeSize));
  let fn = leafIndex;
  let sn = treeSize - 1;
  const r = Uint8Array.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      nodeHashInto(r, p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = fn / 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      nodeHashInto(r, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Redundant with the length check, but a verifier without it accepts truncated proofs.
  if (sn !== 0) throw new ProofError('inclusion proof stops below the root');
  if (!hashesEqual(r, root)) throw new ProofError('root mismatch');
  return true;
}

/** Returns true if `proof` shows tree size2 extends tree size1; otherwise throws ProofError. */
export function verifyConsistency({ size1, size2, proof, root1, root2 }: ConsistencyCheck): true {
  requireSize('size1', size1);
  requireSize('size2', size2);
  if (size1 > size2) throw new ProofError(`size1 ${size1} is greater than size2 ${size2}`);
  if (size1 === 0) throw new ProofError('consistency proof from an empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new ProofError(
        `consistency proof between equal sizes has ${proof.length} hashes, want 0`,
      );
    }
    if (!hashesEqual(root1, root2)) throw new ProofError('root mismatch');
    return true;
  }
  if (proof.length === 0) throw new ProofError('consistency proof is empty');
  requireProofLength('consistency', proof, consistencyProofLength(size1, size2));
  requireHash('root1', root1);
  requireHash('root2', root2);
  // A power-of-two old tree is a complete subtree of the new one: its root starts the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : proof;
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  const fr = Uint8Array.from(path[0]!);
  const sr = Uint8Array.from(path[0]!);
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) throw new ProofError('consistency proof is longer than the path to the root');
    if (isOdd(fn) || fn === sn) {
      nodeHashInto(fr, c, fr);
      nodeHashInto(sr, c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = fn / 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      nodeHashInto(sr, sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Redundant with the length check too; verifiers that omit it are a known bug class.
  if (sn !== 0) throw new ProofError('consistency proof stops below the root');
  if (!hashesEqual(fr, root1)) throw new ProofError('root1 mismatch');
  if (!hashesEqual(sr, root2)) throw new ProofError('root2 mismatch');
  return true;
}

/** Hashes in an inclusion proof: below the point where the paths to leafIndex and the last leaf
 * part, one per level; above it, one per left sibling on the right border. */
export function inclusionProofLength(leafIndex: number, treeSize: number): number {
  const inner = bitLength(xor(leafIndex, treeSize - 1));
  return inner + onesCount(shiftRight(leafIndex, inner));
}

/** Hashes in a consistency proof from size1 to size2 (0 < size1 < size2). */
export function consistencyProofLength(size1: number, size2: number): number {
  // The path of the old tree's last leaf, minus the levels inside its largest complete subtree,
  // plus that subtree's root unless it is the whole old tree.
  const shift = trailingZeros(size1);
  const inner = bitLength(xor(size1 - 1, size2 - 1)) - shift;
  const border = onesCount(shiftRight(size1 - 1, inner + shift));
  return inner + border + (isPowerOfTwo(size1) ? 0 : 1);
}

function requireSize(what: string, n: number): void {
  if (!isUint53(n)) throw new ProofError(`${what} must be a non-negative safe integer, got ${n}`);
}

function requireHash(what: string, hash: Uint8Array): void {
  if (hash.length !== HASH_SIZE) {
    throw new ProofError(`${what} has ${hash.length} bytes, want ${HASH_SIZE}`);
  }
}

function requireProofLength(kind: string, proof: readonly Hash[], want: number): void {
  if (proof.length !== want) {
    throw new ProofError(`${kind} proof has ${proof.length} hashes, want ${want}`);
  }
  proof.forEach((hash, i) => requireHash(`${kind} proof hash ${i}`, hash));
}
