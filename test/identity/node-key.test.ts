import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import {
  NodeKey,
  generateNodeKey,
  keyIdOf,
  publicKeyFromBase64,
  publicKeyToBase64,
} from '../../src/identity/index.js';

/** Every spelling of the private key we can think of; none may appear in logs. */
function privateSpellings(key: NodeKey): string[] {
  const pem = key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const pemBody = pem.split('\n').slice(1, -2).join('');
  const der = key.privateKey.export({ type: 'pkcs8', format: 'der' });
  const seed = key.privateKey.export({ format: 'jwk' }).d ?? '';
  const seedBytes = Buffer.from(seed, 'base64url');
  return [
    pemBody,
    der.toString('base64'),
    der.toString('hex'),
    seed,
    seedBytes.toString('base64'),
    seedBytes.toString('hex'),
  ].filter((s) => s.length > 0);
}

describe('keyIdOf', () => {
  it('is hex of the first 8 bytes of SHA-256 over the raw public key', () => {
    const raw = new Uint8Array(32).fill(7);
    const expected = createHash('sha256').update(raw).digest('hex').slice(0, 16);
    expect(keyIdOf(raw)).toBe(expected);
    expect(keyIdOf(raw)).toMatch(/^[0-9a-f]{16}$/);
  });

  it('refuses a public key that is not 32 bytes', () => {
    expect(() => keyIdOf(new Uint8Array(31))).toThrow('must be 32 raw bytes, got 31 bytes');
  });
});

describe('generateNodeKey', () => {
  it('makes an Ed25519 key whose keyId names its raw public key', () => {
    const key = generateNodeKey();
    expect(key.publicKey).toBeInstanceOf(Uint8Array);
    expect(key.publicKey.byteLength).toBe(32);
    expect(key.keyId).toBe(keyIdOf(key.publicKey));
    expect(key.privateKey.asymmetricKeyType).toBe('ed25519');
    const message = Buffer.from('hello');
    const signature = sign(null, message, key.privateKey);
    const jwk = key.privateKey.export({ format: 'jwk' });
    expect(Buffer.from(jwk.x ?? '', 'base64url')).toEqual(Buffer.from(key.publicKey));
    expect(verify(null, message, key.privateKey, signature)).toBe(true);
  });

  it('gives distinct keys', () => {
    expect(generateNodeKey().keyId).not.toBe(generateNodeKey().keyId);
  });

  it('hands out copies of the public key, so it cannot drift from keyId', () => {
    const key = generateNodeKey();
    key.publicKey.fill(0);
    expect(keyIdOf(key.publicKey)).toBe(key.keyId);
  });
});

describe('NodeKey', () => {
  it('refuses keys that are not Ed25519 private keys', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(() => new NodeKey(rsa)).toThrow(
      'must be an Ed25519 private key, got key type rsa (private)',
    );
    const pub = generateKeyPairSync('ed25519').publicKey;
    expect(() => new NodeKey(pub)).toThrow('got key type ed25519 (public)');
  });

  it('never shows private material through JSON, inspect, spread or string conversion', () => {
    const key = generateNodeKey();
    const outputs = [
      JSON.stringify(key),
      JSON.stringify({ nested: { key } }),
      inspect(key),
      inspect(key, { showHidden: true, depth: Infinity }),
      inspect({ nested: [key] }, { depth: Infinity }),
      JSON.stringify({ ...key }),
      String(key),
      `${inspect(key, { customInspect: false, showHidden: true })}`,
    ];
    for (const output of outputs) {
      for (const secret of privateSpellings(key)) expect(output).not.toContain(secret);
    }
    expect(JSON.parse(JSON.stringify(key))).toEqual({
      keyId: key.keyId,
      publicKey: publicKeyToBase64(key.publicKey),
    });
    expect(inspect(key)).toContain(key.keyId);
    expect(Object.keys(key)).toEqual(['keyId']);
  });
});

describe('public key base64', () => {
  it('round-trips, tolerating the trailing newline of node.pub', () => {
    const key = generateNodeKey();
    const text = publicKeyToBase64(key.publicKey);
    expect(publicKeyFromBase64(`${text}\n`)).toEqual(key.publicKey);
  });

  it('refuses non-base64 and wrong lengths', () => {
    expect(() => publicKeyFromBase64('not base64!')).toThrow('public key is not valid base64');
    expect(() => publicKeyFromBase64(Buffer.alloc(16).toString('base64'))).toThrow(
      'must be 32 raw bytes, got 16 bytes',
    );
  });
});
