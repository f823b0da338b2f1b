import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

import { canonicalJson } from './hash.js';

/** A member entitled to vote: its id and raw Ed25519 public key (32 bytes, base64). */
export interface Member {
  readonly id: string;
  readonly publicKey: string;
}

/** Signatures by member id, each base64 Ed25519 over the signed bytes. */
export type Signatures = Readonly<Record<string, string>>;

export interface SignatureTally {
  readonly complete: boolean;
  readonly signed: readonly string[];
  readonly missing: readonly string[];
  readonly invalid: readonly string[];
  /** Signers that are not members: ignored, reported. */
  readonly strangers: readonly string[];
}

/**
 * The bytes a vote signs: a purpose line (so a signature on one kind of proposal can never
 * count for another), then the proposal as RFC 8785 canonical JSON.
 */
export function signedBytes(purpose: string, proposal: unknown): Buffer {
  return Buffer.from(`${purpose}\n${canonicalJson(proposal)}`, 'utf8');
}

export function signVote(purpose: string, proposal: unknown, privateKey: KeyObject): string {
  return sign(null, signedBytes(purpose, proposal), privateKey).toString('base64');
}

export function publicKeyFromRaw(base64: string): KeyObject {
  const raw = Buffer.from(base64, 'base64');
  if (raw.length !== 32) throw new TypeError('an Ed25519 public key is 32 raw bytes (base64)');
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

/** The raw public key (base64) of an Ed25519 public or private key. */
export function rawPublicKey(key: KeyObject): string {
  const publicKey = key.type === 'public' ? key : createPublicKey(key);
  const { x } = publicKey.export({ format: 'jwk' });
  if (typeof x !== 'string') throw new TypeError('not an Ed25519 key');
  return Buffer.from(x, 'base64url').toString('base64');
}

/** Check every member's signature; complete only when each member signed validly. */
export function tallySignatures(
  purpose: string,
  proposal: unknown,
  members: readonly Member[],
  signatures: Signatures,
): SignatureTally {
  const bytes = signedBytes(purpose, proposal);
  const signed: string[] = [];
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const member of members) {
    const signature = Object.hasOwn(signatures, member.id) ? signatures[member.id] : undefined;
    if (signature === undefined) missing.push(member.id);
    else if (verifies(bytes, member.publicKey, signature)) signed.push(member.id);
    else invalid.push(member.id);
  }
  const ids = new Set(members.map((m) => m.id));
  const strangers = Object.keys(signatures).filter((id) => !ids.has(id));
  return {
    complete: members.length > 0 && signed.length === members.length,
    signed,
    missing,
    invalid,
    strangers,
  };
}

function verifies(bytes: Buffer, publicKey: string, signature: string): boolean {
  try {
    const raw = Buffer.from(signature, 'base64');
    return raw.length === 64 && verify(null, bytes, publicKeyFromRaw(publicKey), raw);
  } catch {
    return false; // a malformed key or signature is simply not a valid signature
  }
}

/** One line naming who has not (validly) signed. */
export function describeTally(tally: SignatureTally): string {
  const parts = [
    tally.missing.length > 0 ? `missing: ${tally.missing.join(', ')}` : '',
    tally.invalid.length > 0 ? `invalid: ${tally.invalid.join(', ')}` : '',
  ].filter((p) => p !== '');
  return parts.length === 0
    ? 'every member signed'
    : `not every member signed (${parts.join('; ')})`;
}
