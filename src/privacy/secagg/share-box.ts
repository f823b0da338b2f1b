/**
 * The sealed envelope in which a site sends its two shares to one neighbour through the hub:
 * AES-256-GCM under HKDF-SHA256 of the pair's X25519 share-encryption secret, with associated
 * data binding round, sender and receiver, so the hub can neither read nor redirect a share.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { domainLabel, orderedPair } from './domain.js';
import { agree, type KeyPair } from './keys.js';
import { deriveKey, SEED_BYTES } from './prg.js';

export const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** x-coordinate, share of the self-mask seed, share of the mask private key. */
const PLAINTEXT_BYTES = 1 + 2 * SEED_BYTES;
export const SEALED_SHARE_BYTES = PLAINTEXT_BYTES + TAG_BYTES;

/** What one neighbour holds for a site: the same x for both secrets. */
export interface SharePair {
  x: number;
  selfMaskSeed: Uint8Array;
  maskKey: Uint8Array;
}

export interface EncryptedShare {
  round: string;
  from: string;
  to: string;
  nonce: Uint8Array;
  /** GCM ciphertext followed by its 16-byte tag. */
  ciphertext: Uint8Array;
}

function boxKey(own: KeyPair, peerPublic: Uint8Array, round: string, a: string, b: string) {
  const [low, high] = orderedPair(a, b);
  return deriveKey(agree(own, peerPublic), domainLabel('share-key', round, low, high));
}

function associatedData(round: string, from: string, to: string): Uint8Array {
  return domainLabel('share', round, from, to);
}

export function sealShares(
  envelope: { round: string; from: string; to: string },
  sender: KeyPair,
  receiverPublicKey: Uint8Array,
  shares: SharePair,
): EncryptedShare {
  const { round, from, to } = envelope;
  const nonce = new Uint8Array(randomBytes(NONCE_BYTES));
  const cipher = createCipheriv(
    'aes-256-gcm',
    boxKey(sender, receiverPublicKey, round, from, to),
    nonce,
  );
  cipher.setAAD(associatedData(round, from, to));
  const plaintext = new Uint8Array(PLAINTEXT_BYTES);
  plaintext[0] = shares.x;
  plaintext.set(shares.selfMaskSeed, 1);
  plaintext.set(shares.maskKey, 1 + SEED_BYTES);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { round, from, to, nonce, ciphertext: new Uint8Array(body) };
}

/**
 * Opens an envelope addressed to `receiver`; null when it does not
 * authenticate (tampered, or bound to another round, sender or receiver).
 */
export function openShares(
  sealed: EncryptedShare,
  receiver: KeyPair,
  senderPublicKey: Uint8Array,
): SharePair | null {
  const { round, from, to } = sealed;
  if (sealed.ciphertext.length !== SEALED_SHARE_BYTES || sealed.nonce.length !== NONCE_BYTES) {
    return null;
  }
  const body = sealed.ciphertext.subarray(0, PLAINTEXT_BYTES);
  const tag = sealed.ciphertext.subarray(PLAINTEXT_BYTES);
  const decipher = createDecipheriv(
    'aes-256-gcm',
    boxKey(receiver, senderPublicKey, round, from, to),
    sealed.nonce,
  );
  decipher.setAAD(associatedData(round, from, to));
  decipher.setAuthTag(tag);
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    return null;
  }
  return {
    x: plaintext[0]!,
    selfMaskSeed: new Uint8Array(plaintext.subarray(1, 1 + SEED_BYTES)),
    maskKey: new Uint8Array(plaintext.subarray(1 + SEED_BYTES)),
  };
}
