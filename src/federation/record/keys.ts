import type { NodeKey } from '../../identity/index.js';
import { fromBase64Url } from '../../identity/encoding.js';
import {
  SignatureType,
  ed25519Signer,
  formatPolicy,
  formatVerifierKey,
  policyFromJurisdictions,
  type NoteSigner,
  type Policy,
} from '../../ledger/index.js';

// The names and keys of a collaboration's log and witnesses. Every node has one Ed25519 key;
// it signs envelopes ("converge/envelope/v1\n" ‖ JSON), checkpoints (text starting with the
// origin "converge/<hub key id>/<collab>") and cosignatures ("cosignature/v1\n" ‖ ...): three
// message formats that can never be mistaken for one another, so one key serves all three and
// every member's witness key follows from the public key already in its identity card.

/** The log's origin line: globally unique through the hub's key id. */
export function logOrigin(hubKeyId: string, collab: string): string {
  return `converge/${hubKeyId}/${collab}`;
}

/** The 32-byte Ed25519 seed of a node key, for the note signers (it never leaves the process). */
export function nodeSeed(key: NodeKey): Uint8Array {
  const { d } = key.privateKey.export({ format: 'jwk' });
  const seed = typeof d === 'string' ? fromBase64Url(d) : undefined;
  if (seed?.length !== 32) throw new Error('could not read the node key seed');
  return seed;
}

export function logSigner(key: NodeKey, origin: string): NoteSigner & { vkey: string } {
  return ed25519Signer(origin, nodeSeed(key));
}

export function logVkey(hubPublicKey: Uint8Array, origin: string): string {
  return formatVerifierKey(origin, SignatureType.Ed25519, hubPublicKey);
}

/** A witness's cosigner key name: the node's key id, so that it is unique and stable. */
export function witnessKeyName(keyId: string): string {
  return `converge/witness/${keyId}`;
}

export function witnessVkey(publicKey: Uint8Array, keyId: string): string {
  return formatVerifierKey(witnessKeyName(keyId), SignatureType.Ed25519Cosignature, publicKey);
}

export interface WitnessMember {
  name: string;
  keyId: string;
  jurisdiction: string;
  publicKey: Uint8Array;
}

/**
 * The collaboration's witness policy: one witness per data site, grouped by jurisdiction, and
 * a quorum of at least one witness of every jurisdiction. The hub is the log's operator, so it
 * does not witness its own log: its cosignature would vouch for nothing.
 */
export function collabWitnessPolicy(
  origin: string,
  hubPublicKey: Uint8Array,
  witnesses: readonly WitnessMember[],
): { policy: Policy; text: string } {
  const policy = policyFromJurisdictions(
    witnesses.map((w) => ({
      name: w.name,
      vkey: witnessVkey(w.publicKey, w.keyId),
      jurisdiction: w.jurisdiction,
    })),
    [{ vkey: logVkey(hubPublicKey, origin) }],
  );
  return { policy, text: formatPolicy(policy) };
}
