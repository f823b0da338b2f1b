/** The phases of a SecAgg+ round, in Bonawitz et al.'s order (no consistency check: honest-but-curious hub). */
export type Phase = 'advertise-keys' | 'share-keys' | 'masked-input' | 'unmasking';

export type RefusalReason =
  | 'malformed'
  | 'wrong-round'
  | 'unknown-site'
  | 'not-a-neighbour'
  | 'duplicate'
  | 'out-of-phase'
  | 'commitment-mismatch'
  | 'unauthenticated'
  | 'double-reveal'
  | 'below-threshold';

/** One message was refused; the refuser's state is unchanged and the round may go on without it. */
export class SecAggRefusal extends Error {
  override name = 'SecAggRefusal';

  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/** The round cannot finish: too few sites or neighbours remain. Nothing is, or will be, published. */
export class RoundFailedError extends Error {
  override name = 'RoundFailedError';

  constructor(
    readonly round: string,
    readonly phase: Phase,
    readonly sites: readonly string[],
    detail: string,
  ) {
    const named = sites.length > 0 ? ` (sites: ${sites.join(', ')})` : '';
    super(`round ${round} failed in ${phase}: ${detail}${named}`);
  }
}

/** A round configuration that no round can run under; the message names the field. */
export class SecAggConfigError extends Error {
  override name = 'SecAggConfigError';
}

/** Refuses with `reason` and `message` unless `ok` holds. */
export function refuseUnless(ok: unknown, reason: RefusalReason, message: string): asserts ok {
  if (!ok) throw new SecAggRefusal(reason, message);
}
