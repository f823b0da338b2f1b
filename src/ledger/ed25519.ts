import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { FormatError } from './errors.js';

// Ed25519 through node:crypto (OpenSSL): cofactorless verification with canonical S, the same
// rules as Go's crypto/ed25519, so a TypeScript client and a Go witness agree on every signature.

// DER prefixes that wrap a raw 32-byte seed (PKCS #8) or public key (SPKI) for node:crypto.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  /** Raw 32-byte public key. */
  publicKey: Uint8Array;
}

/** The RFC 8032 key pair for a 32-byte seed. */
export function ed25519KeyPair(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== 32) throw new FormatError(`Ed25519 seed has ${seed.length} bytes, want 32`);
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { privateKey, publicKey: new Uint8Array(spki.subarray(SPKI_PREFIX.length)) };
}

export function ed25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== 32)
    throw new FormatError(`Ed25519 public key has ${raw.length} bytes, want 32`);
  return createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function signEd25519(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** False for a wrong signature, and for one that is not even 64 bytes. */
export function verifyEd25519(publicKey: KeyObject, message: Uint8Array, sig: Uint8Array): boolean {
  if (sig.length !== 64) return false;
  try {
    return verify(null, message, publicKey, sig);
  } catch {
    return false;
  }
}
