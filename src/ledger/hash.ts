import { createHash, hash as oneShotHash } from 'node:crypto';
import { nodeHashInto } from './sha256-node.js';

/** A SHA-256 Merkle tree hash (RFC 9162 §2.1), always HASH_SIZE bytes. */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyTreeHash(): Hash {
  return asUint8Array(createHash('sha256').digest());
}

// One-shot crypto.hash over 0x00 ‖ entry in a reused buffer costs about half of a createHash
// object with two updates, which dominates appending and auditing small entries.
const SCRATCH_LIMIT = 16 * 1024;
const scratch = new Uint8Array(SCRATCH_LIMIT + 1);

/** Hash of a log entry: SHA-256(0x00 ‖ entry). */
export function leafHash(entry: Uint8Array): Hash {
  if (entry.length > SCRATCH_LIMIT) {
    return asUint8Array(createHash('sha256').update(LEAF_PREFIX).update(entry).digest());
  }
  scratch[0] = 0x00;
  scratch.set(entry, 1);
  return asUint8Array(oneShotHash('sha256', scratch.subarray(0, entry.length + 1), 'buffer'));
}

/** Hash of an interior node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    throw new RangeError(`node children must be ${HASH_SIZE}-byte hashes`);
  }
  const out = new Uint8Array(HASH_SIZE);
  nodeHashInto(out, left, right);
  return out;
}

export function hashesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Buffers compare unequal to plain Uint8Arrays in deep-equality checks; hand out the plain type.
function asUint8Array(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
