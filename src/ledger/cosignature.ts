import { ed25519KeyPair, ed25519PublicKey, signEd25519, verifyEd25519 } from './ed25519.js';
import { FormatError } from './errors.js';
import { SignatureType, keyId, type NoteSigner, type NoteVerifier } from './keys.js';

// tlog-cosignature v1, Ed25519 (signature type 0x04). The note signature is 72 bytes:
// u64 big-endian POSIX timestamp ‖ Ed25519 signature of
// "cosignature/v1\ntime <timestamp>\n" ‖ checkpoint body. The cosigner name is not signed, so
// every cosigner must use its own key.

const TIMESTAMP_BYTES = 8;
const COSIGNATURE_BYTES = TIMESTAMP_BYTES + 64;
const encoder = new TextEncoder();

/** The bytes an Ed25519 cosigner signs for `body` (checkpoint text, extension lines included). */
export function cosignedMessage(timestamp: number, body: Uint8Array): Uint8Array {
  const header = encoder.encode(`cosignature/v1\ntime ${timestamp}\n`);
  const message = new Uint8Array(header.length + body.length);
  message.set(header);
  message.set(body, header.length);
  return message;
}

/** The timestamp (seconds) of a 72-byte cosignature; throws FormatError for any other size. */
export function cosignatureTimestamp(signature: Uint8Array): number {
  if (signature.length !== COSIGNATURE_BYTES) {
    throw new FormatError(`cosignature has ${signature.length} bytes, want ${COSIGNATURE_BYTES}`);
  }
  const view = new DataView(signature.buffer, signature.byteOffset, TIMESTAMP_BYTES);
  const timestamp = view.getBigUint64(0);
  // The spec caps it at 2^63 − 1; beyond 2^53 s (285 million years) is "in the future" anyway.
  if (timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FormatError(`cosignature timestamp ${timestamp} is out of range`);
  }
  return Number(timestamp);
}

/** Seconds since the Unix epoch; injected so tests and replays are deterministic. */
export type Clock = () => number;

const systemClock: Clock = () => Math.floor(Date.now() / 1000);

/** A cosigner whose note signatures are v1 cosignatures stamped with `clock()`. */
export function cosignatureSigner(
  name: string,
  seed: Uint8Array,
  clock: Clock = systemClock,
): NoteSigner & { publicKey: Uint8Array } {
  const { privateKey, publicKey } = ed25519KeyPair(seed);
  return {
    name,
    keyId: keyId(name, SignatureType.Ed25519Cosignature, publicKey),
    publicKey,
    sign(body) {
      const timestamp = clock();
      if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
        throw new RangeError(`cosignature timestamp ${timestamp} is not a whole number of seconds`);
      }
      const signature = new Uint8Array(COSIGNATURE_BYTES);
      new DataView(signature.buffer).setBigUint64(0, BigInt(timestamp));
      signature.set(signEd25519(privateKey, cosignedMessage(timestamp, body)), TIMESTAMP_BYTES);
      return signature;
    },
  };
}

/** Verifies v1 cosignatures by the cosigner `name` with the raw 32-byte `publicKey`. */
export function cosignatureVerifier(name: string, publicKey: Uint8Array): NoteVerifier {
  const key = ed25519PublicKey(publicKey);
  return {
    name,
    keyId: keyId(name, SignatureType.Ed25519Cosignature, publicKey),
    verify(body, signature) {
      let timestamp: number;
      try {
        timestamp = cosignatureTimestamp(signature);
      } catch {
        return false;
      }
      const message = cosignedMessage(timestamp, body);
      return verifyEd25519(key, message, signature.subarray(TIMESTAMP_BYTES));
    },
  };
}
