import { encodeBase64 } from '../base64.js';
import type { Checkpoint } from '../checkpoint.js';
import { ProofError, SplitViewError } from '../errors.js';
import { hashesEqual, type Hash } from '../hash.js';
import { verifyConsistency } from '../verify.js';

// A log that shows two parties two different trees (a split view) must sign two checkpoints
// that no consistency proof connects. Witnesses that compare what they cosigned catch it: at
// equal sizes the roots must match; at different sizes a consistency proof must connect them.

/** identical: same tree; consistent: a proof connects them; unproven: sizes differ, no proof. */
export type SplitViewCheck = 'identical' | 'consistent' | 'unproven';

/**
 * Compares two verified checkpoints of one log; throws SplitViewError, naming the origin, the
 * size(s) and both roots, if they cannot both be honest.
 */
export function detectSplitView(
  a: Checkpoint,
  b: Checkpoint,
  proof?: readonly Hash[],
): SplitViewCheck {
  if (a.origin !== b.origin) {
    throw new RangeError(`checkpoints of different logs (${a.origin}, ${b.origin}) do not compare`);
  }
  if (a.size === b.size) {
    if (hashesEqual(a.root, b.root)) return 'identical';
    throw new SplitViewError(
      `split view of log ${a.origin} at size ${a.size}: root ${encodeBase64(a.root)} and root ${encodeBase64(b.root)} were both signed`,
    );
  }
  const [older, newer] = a.size < b.size ? [a, b] : [b, a];
  // Every tree extends the empty one.
  if (older.size === 0) return 'consistent';
  if (proof === undefined) return 'unproven';
  try {
    verifyConsistency({
      size1: older.size,
      size2: newer.size,
      proof,
      root1: older.root,
      root2: newer.root,
    });
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    throw new SplitViewError(
      `split view of log ${a.origin}: size ${older.size} (root ${encodeBase64(older.root)}) and size ${newer.size} (root ${encodeBase64(newer.root)}) are inconsistent: ${error.message}`,
    );
  }
  return 'consistent';
}
