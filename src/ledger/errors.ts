/** A Merkle inclusion or consistency proof did not verify; the message says why. */
export class ProofError extends Error {
  override name = 'ProofError';
}

/** A signed note, checkpoint, key or tile path is not well-formed. */
export class FormatError extends Error {
  override name = 'FormatError';
}

/** A note's signatures do not establish it: a known key failed, or no known key signed it. */
export class SignatureError extends Error {
  override name = 'SignatureError';
}
