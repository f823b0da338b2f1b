import { createHash, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { inspect, type InspectOptions } from 'node:util';

import { fromBase64, fromBase64Url, toBase64, toBase64Url } from './encoding.js';

/** Length of a raw Ed25519 public key. */
export const PUBLIC_KEY_BYTES = 32;

function assertRawPublicKey(publicKey: Uint8Array): void {
  if (!(publicKey instanceof Uint8Array) || publicKey.byteLength !== PUBLIC_KEY_BYTES) {
    throw new TypeError(
      `an Ed25519 public key must be ${PUBLIC_KEY_BYTES} raw bytes, got ${describeLength(publicKey)}`,
    );
  }
}

function describeLength(value: unknown): string {
  return value instanceof Uint8Array ? `${value.byteLength} bytes` : typeof value;
}

/** A node's short public name: hex of the first 8 bytes of SHA-256 over the raw public key. */
export function keyIdOf(publicKey: Uint8Array): string {
  assertRawPublicKey(publicKey);
  return createHash('sha256').update(publicKey).digest().subarray(0, 8).toString('hex');
}

export function publicKeyToBase64(publicKey: Uint8Array): string {
  assertRawPublicKey(publicKey);
  return toBase64(publicKey);
}

export function publicKeyFromBase64(text: string): Uint8Array {
  const bytes = fromBase64(text.trim());
  if (bytes === undefined) throw new TypeError('public key is not valid base64');
  assertRawPublicKey(bytes);
  return bytes;
}

/** Node's crypto wants a KeyObject; raw Ed25519 keys are imported through their JWK form. */
export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  assertRawPublicKey(publicKey);
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: toBase64Url(publicKey) },
    format: 'jwk',
  });
}

function rawPublicKeyOf(privateKey: KeyObject): Uint8Array {
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const raw = typeof x === 'string' ? fromBase64Url(x) : undefined;
  if (raw === undefined) throw new Error('could not export the Ed25519 public key');
  assertRawPublicKey(raw);
  return raw;
}

/**
 * A node's Ed25519 identity. The private key lives in a private field and is reachable only
 * through the `privateKey` getter, so spreading, JSON.stringify (pino, etc.) and util.inspect
 * all show just the key id and the public key.
 */
export class NodeKey {
  readonly keyId: string;
  readonly #publicKey: Uint8Array;
  readonly #privateKey: KeyObject;

  constructor(privateKey: KeyObject) {
    if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
      const kind = privateKey.asymmetricKeyType ?? 'symmetric';
      throw new TypeError(
        `a node key must be an Ed25519 private key, got key type ${kind} (${privateKey.type})`,
      );
    }
    this.#privateKey = privateKey;
    this.#publicKey = rawPublicKeyOf(privateKey);
    this.keyId = keyIdOf(this.#publicKey);
  }

  /** Raw 32-byte public key (a copy, so callers cannot desynchronise it from keyId). */
  get publicKey(): Uint8Array {
    return this.#publicKey.slice();
  }

  get privateKey(): KeyObject {
    return this.#privateKey;
  }

  toJSON(): { keyId: string; publicKey: string } {
    return { keyId: this.keyId, publicKey: toBase64(this.#publicKey) };
  }

  [inspect.custom](_depth: number, options: InspectOptions): string {
    return `NodeKey ${inspect(this.toJSON(), options)}`;
  }
}

export function generateNodeKey(): NodeKey {
  return new NodeKey(generateKeyPairSync('ed25519').privateKey);
}
