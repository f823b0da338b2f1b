/**
 * Per-round X25519 key pairs, key agreement, and the commitment to a mask public key. Keys are
 * held raw (32 bytes; a raw private key is what gets secret-shared) next to Node key objects.
 * Keys enter Node as JWK: importing DER through OpenSSL's decoders costs ~10× more per key.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { domainLabel, equalBytes } from './domain.js';

export const KEY_BYTES = 32;

export interface KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** The private key as a Node key object, for agreement. */
  handle: KeyObject;
}

const toB64 = (raw: Uint8Array) => Buffer.from(raw).toString('base64url');
const fromB64 = (text: string | undefined) => new Uint8Array(Buffer.from(text ?? '', 'base64url'));

export function generateKeyPair(): KeyPair {
  const { privateKey: handle } = generateKeyPairSync('x25519');
  const jwk = handle.export({ format: 'jwk' });
  return { privateKey: fromB64(jwk.d), publicKey: fromB64(jwk.x), handle };
}

/**
 * Imports a raw private key claimed to belong to `publicKey` (a key rebuilt from shares, say);
 * null if it does not. The public key is derived from the private one and compared.
 */
export function importKeyPair(privateKey: Uint8Array, publicKey: Uint8Array): KeyPair | null {
  let handle: KeyObject;
  try {
    handle = createPrivateKey({
      key: { kty: 'OKP', crv: 'X25519', d: toB64(privateKey), x: toB64(publicKey) },
      format: 'jwk',
    });
  } catch {
    return null;
  }
  const derived = fromB64(createPublicKey(handle).export({ format: 'jwk' }).x);
  return equalBytes(derived, publicKey) ? { privateKey, publicKey, handle } : null;
}

/**
 * The X25519 shared secret with `peerPublicKey`. Throws for an invalid or low-order public key,
 * whose all-zero secret would make every key derived from it public.
 */
export function agree(own: KeyPair, peerPublicKey: Uint8Array): Uint8Array {
  let secret: Buffer;
  try {
    const peer = createPublicKey({
      key: { kty: 'OKP', crv: 'X25519', x: toB64(peerPublicKey) },
      format: 'jwk',
    });
    secret = diffieHellman({ privateKey: own.handle, publicKey: peer });
  } catch (cause) {
    throw new Error('X25519 key agreement failed: the public key is invalid or of low order', {
      cause,
    });
  }
  if (secret.every((b) => b === 0))
    throw new Error('X25519 key agreement gave the all-zero secret');
  return new Uint8Array(secret);
}

/** SHA-256 commitment to a site's mask public key, bound to the round and the site. */
export function maskKeyCommitment(
  round: string,
  site: string,
  maskPublicKey: Uint8Array,
): Uint8Array {
  return new Uint8Array(
    createHash('sha256')
      .update(domainLabel('mask-key-commitment', round, site))
      .update(maskPublicKey)
      .digest(),
  );
}
