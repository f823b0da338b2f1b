import { cosignatureVerifier } from './cosignature.js';
import { ed25519KeyPair, ed25519PublicKey, signEd25519, verifyEd25519 } from './ed25519.js';
import { FormatError } from './errors.js';
import {
  SignatureType,
  formatVerifierKey,
  keyId,
  parseSignerKey,
  parseVerifierKey,
  type NoteSigner,
  type NoteVerifier,
} from './keys.js';

/** A signer of plain Ed25519 note signatures (type 0x01), as logs sign checkpoints. */
export function ed25519Signer(name: string, seed: Uint8Array): NoteSigner & { vkey: string } {
  const { privateKey, publicKey } = ed25519KeyPair(seed);
  return {
    name,
    keyId: keyId(name, SignatureType.Ed25519, publicKey),
    vkey: formatVerifierKey(name, SignatureType.Ed25519, publicKey),
    sign: (text) => signEd25519(privateKey, text),
  };
}

export function ed25519Verifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: keyId(name, SignatureType.Ed25519, publicKey),
    verify: (text, signature) => verifyEd25519(key, text, signature),
  };
}

/** The verifier for a vkey of type 0x01 (Ed25519) or 0x04 (Ed25519 cosignature v1). */
export function newVerifier(vkey: string): NoteVerifier {
  const { name, type, key } = parseVerifierKey(vkey);
  switch (type) {
    case SignatureType.Ed25519:
      return ed25519Verifier(name, key);
    case SignatureType.Ed25519Cosignature:
      return cosignatureVerifier(name, key);
    default:
      throw new FormatError(`unsupported key type 0x${type.toString(16).padStart(2, '0')}`);
  }
}

/** The Ed25519 signer for a "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 ‖ seed)>" string. */
export function newSigner(skey: string): NoteSigner & { vkey: string } {
  const { name, keyId: id, type, key } = parseSignerKey(skey);
  if (type !== SignatureType.Ed25519) throw new FormatError('unsupported signer key type');
  const signer = ed25519Signer(name, key);
  if (signer.keyId !== id) throw new FormatError('signer key ID does not match the key');
  return signer;
}
