import { createHash } from 'node:crypto';
import { decodeBase64, encodeBase64 } from './base64.js';
import { FormatError } from './errors.js';

// C2SP signed-note keys: a key has a name, a one-byte signature type, and a 4-byte key ID that
// signature lines carry. Verifier keys travel as "<name>+<hex key ID>+<base64(type ‖ public
// key)>" (vkeys). golang.org/x/mod/sumdb/note adds the private form
// "PRIVATE+KEY+<name>+<hex key ID>+<base64(type ‖ seed)>", accepted here too.

export const SignatureType = {
  /** Ed25519 over the note text (signed-note). */
  Ed25519: 0x01,
  /** Timestamped Ed25519 witness cosignature (tlog-cosignature v1). */
  Ed25519Cosignature: 0x04,
} as const;

/** Checks one raw signature (key ID stripped) over a note's text; never throws. */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs a note's text. May be asynchronous, for remote or hardware-held keys. */
export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

/** A parsed vkey, or (for signer keys) the same fields with the secret in `key`. */
export interface KeyParts {
  name: string;
  keyId: number;
  type: number;
  key: Uint8Array;
}

/** Whether `name` may name a key: non-empty, valid Unicode, no white space, no '+'. */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !/[\s\u0085+]|\p{Cs}/u.test(name);
}

/** Key ID: the first 4 bytes, big-endian, of SHA-256(name ‖ 0x0A ‖ type ‖ public key). */
export function keyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(`${name}\n`, 'utf8')
    .update(Uint8Array.of(type))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

export function formatKeyId(id: number): string {
  return id.toString(16).padStart(8, '0');
}

export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  if (!isValidKeyName(name)) throw new FormatError(`invalid key name ${JSON.stringify(name)}`);
  const material = encodeBase64(Uint8Array.of(type, ...publicKey));
  return `${name}+${formatKeyId(keyId(name, type, publicKey))}+${material}`;
}

/** Parses a vkey, checking that its key ID matches its name, type and public key. */
export function parseVerifierKey(vkey: string): KeyParts {
  const key = splitKey(vkey);
  if (key.keyId !== keyId(key.name, key.type, key.key)) {
    throw new FormatError('verifier key ID does not match the key');
  }
  return key;
}

/** Parses a PRIVATE+KEY string; the caller checks the key ID once it derives the public key. */
export function parseSignerKey(skey: string): KeyParts {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new FormatError('malformed signer key');
  return splitKey(skey.slice('PRIVATE+KEY+'.length));
}

/** Splits "<name>+<hex key ID>+<base64(type ‖ key)>"; the base64 may itself contain '+'. */
function splitKey(text: string): KeyParts {
  const [, name = '', id = '', material = ''] =
    /^([^+]*)\+([0-9a-fA-F]{8})\+(.*)$/s.exec(text) ?? [];
  const bytes = decodeBase64(material);
  if (!isValidKeyName(name) || !bytes || bytes.length < 2) throw new FormatError('malformed key');
  return { name, keyId: parseInt(id, 16), type: bytes[0]!, key: bytes.subarray(1) };
}
