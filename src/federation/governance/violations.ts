// What lowers a collaboration's trust level at once. A violation must be attributable: shown
// by an entry of the collaboration's own log that only a member could have caused. Things
// anyone can produce under a member's name (a forged signature, a replayed message) are
// refused but never counted, or any outsider could lower any collaboration's level at will.
//
// Counted:
//   forked-log     a witness showed the hub's log contradicting itself (ledger.evidence: two
//                  checkpoints signed by the log's key that do not extend one another).
//   forbidden-job  a job was started that the packs in force refuse (the hub's job gate,
//                  Governor.mayStartJob). Asking first (POST /decisions, `converge policy
//                  check`) never counts: that is how a member stays within the rules.
//
// Not counted, and why:
//   forged or replayed messages   refused (401/409, refusals table); not attributable.
//   malformed requests            a default deny with the error; a bug, not an attempt.
//   failed jobs, refused tasks    they break the clean record a raise needs, nothing more; a
//                                 site may always refuse work (its budget, its rules).

export type ViolationKind = 'forked-log' | 'forbidden-job';

export interface Violation {
  readonly kind: ViolationKind;
  /** Index of the log entry that shows it (the evidence, or the refused decision). */
  readonly entry: number;
  readonly reason: string;
  /**
   * Counted once per key and hub process: a fork goes on being reported at every publication
   * until the witness's view is reconciled, yet it is one violation.
   */
  readonly once?: string;
}
