import { randomBytes, sign } from 'node:crypto';

import canonicalize from 'canonicalize';
import { z } from 'zod';

import { sha256Hex, toBase64Url } from './encoding.js';
import type { NodeKey } from './node-key.js';

/** Metadata signed by the sender of every message between nodes; the body travels beside it. */
export interface Envelope {
  v: 1;
  /** keyId of the signing node */
  sender: string;
  collab: string;
  type: string;
  round: number;
  /** 16 random bytes, hex */
  nonce: string;
  /** sender's clock, ms since the epoch */
  ts: number;
  /** hex SHA-256 of the body bytes */
  bodySha256: string;
}

export interface SealedEnvelope {
  envelope: Envelope;
  /** base64url Ed25519 signature over signingBytes(envelope) */
  signature: string;
}

/** Where a message is addressed: the parts of an envelope a route can check against. */
export interface EnvelopeRoute {
  collab: string;
  type: string;
  round: number;
}

/**
 * Prefixed to the canonical JSON before signing, so an envelope signature can never be
 * mistaken for (or replayed as) a signature over any other kind of Converge data.
 */
export const ENVELOPE_SIGNING_DOMAIN = 'converge/envelope/v1\n';

const hex = (bytes: number) => new RegExp(`^[0-9a-f]{${bytes * 2}}$`);

export const envelopeSchema = z.strictObject({
  v: z.literal(1),
  sender: z.string().regex(hex(8), 'must be a key id (16 lowercase hex digits)'),
  collab: z.string().min(1).max(256),
  type: z.string().min(1).max(256),
  round: z.number().int().nonnegative(),
  nonce: z.string().regex(hex(16), 'must be 16 random bytes as 32 lowercase hex digits'),
  ts: z.number().int().nonnegative(),
  bodySha256: z.string().regex(hex(32), 'must be a SHA-256 as 64 lowercase hex digits'),
}) satisfies z.ZodType<Envelope>;

/** An Ed25519 signature is 64 bytes: 86 base64url characters without padding. */
export const sealedEnvelopeSchema = z.strictObject({
  envelope: envelopeSchema,
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url Ed25519 signature'),
}) satisfies z.ZodType<SealedEnvelope>;

/** One line naming each problem, e.g. `envelope.round: Too small: expected number to be >=0`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** RFC 8785 canonical JSON: the exact text that is signed and sent. */
export function canonicalEnvelope(envelope: Envelope): string {
  const text = canonicalize(envelope);
  if (text === undefined) throw new TypeError('envelope is not JSON-serialisable');
  return text;
}

export function envelopeSigningBytes(envelope: Envelope): Buffer {
  return Buffer.from(ENVELOPE_SIGNING_DOMAIN + canonicalEnvelope(envelope), 'utf8');
}

/** Signs `body` for sending to another node of `route.collab`. */
export function sealEnvelope(
  key: NodeKey,
  route: EnvelopeRoute,
  body: Uint8Array,
  now: number = Date.now(),
): SealedEnvelope {
  // Built field by field so extra properties on `route` never end up signed.
  const candidate = {
    v: 1,
    sender: key.keyId,
    collab: route.collab,
    type: route.type,
    round: route.round,
    nonce: randomBytes(16).toString('hex'),
    ts: now,
    bodySha256: sha256Hex(body),
  };
  const parsed = envelopeSchema.safeParse(candidate);
  if (!parsed.success) throw new TypeError(`cannot seal envelope: ${describeIssues(parsed.error)}`);
  const envelope = parsed.data;
  const signature = sign(null, envelopeSigningBytes(envelope), key.privateKey);
  return { envelope, signature: toBase64Url(signature) };
}
