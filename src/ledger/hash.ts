import { createHash } from 'node:crypto';
import { nodeHashInto } from './sha256-node.js';

/** A SHA-256 Merkle tree hash (RFC 9162 §2.1), always HASH_SIZE bytes. */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

const LEAF_PREFIX = new Uint8Array([0x00]);

/** MTH({}) = SHA-256 of the empty string (RFC 9162 §2.1.1). */
export function emptyTreeHash(): Hash {
  return asUint8Array(createHash('sha256').digest());
}

/** Hash of a log entry: SHA-256(0x00 ‖ entry). */
export function leafHash(entry: Uint8Array): Hash {
  return asUint8Array(createHash('sha256').update(LEAF_PREFIX).update(entry).digest());
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
