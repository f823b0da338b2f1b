/** Why the policy engine refused to decide, or refused a pack. Messages are safe to show. */
export type PolicyErrorCode =
  | 'malformed-request'
  | 'unknown-action'
  | 'unknown-entity'
  | 'invalid-request'
  | 'evaluation-error'
  | 'invalid-schema'
  | 'invalid-pack'
  | 'unknown-pack';

export class PolicyError extends Error {
  readonly code: PolicyErrorCode;
  /** One line per problem, each naming the field or policy it is about. */
  readonly details: readonly string[];

  constructor(code: PolicyErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'PolicyError';
    this.code = code;
    this.details = details;
  }
}
