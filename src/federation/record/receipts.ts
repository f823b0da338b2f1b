import { verify } from 'node:crypto';
import { envelopeSigningBytes, publicKeyObject } from '../../identity/index.js';
import { fromBase64Url } from '../../identity/encoding.js';
import type { LedgerEntry } from './entries.js';

type Receipt = Extract<LedgerEntry, { type: 'contribution.receipt' }>;

/**
 * Checks a contribution receipt against the site's public key: the envelope is the site's own
 * signature over the hash of the update it sent (with secure aggregation, of its masked input),
 * so only the site could have produced it.
 * Throws, saying why, unless the receipt is genuine and names the payload it claims.
 */
export function verifyReceipt(receipt: Receipt, sitePublicKey: Uint8Array): void {
  const { envelope, signature } = receipt.sealed;
  if (envelope.bodySha256 !== receipt.payloadSha256) {
    throw new Error(`receipt of ${receipt.site}: the envelope signs another payload`);
  }
  if (
    envelope.sender !== receipt.site ||
    envelope.collab !== receipt.collab ||
    envelope.round !== receipt.round ||
    (envelope.type !== 'train' && envelope.type !== 'secagg')
  ) {
    throw new Error(`receipt of ${receipt.site}: the envelope is for another message`);
  }
  const bytes = fromBase64Url(signature);
  if (
    !bytes ||
    !verify(null, envelopeSigningBytes(envelope), publicKeyObject(sitePublicKey), bytes)
  ) {
    throw new Error(`receipt of ${receipt.site}: the site's signature does not verify`);
  }
}
