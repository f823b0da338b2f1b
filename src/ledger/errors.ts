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

/** A log directory's committed state contradicts its tiles: storage lost fsynced data. */
export class LogCorruptionError extends Error {
  override name = 'LogCorruptionError';
}

/** Two checkpoints of one log that cannot both be honest: the log showed a split view. */
export class SplitViewError extends Error {
  override name = 'SplitViewError';
}

/** A tlog-policy file is not well-formed; the message names the line. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}
