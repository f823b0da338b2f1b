import { PolicyError } from '../errors.js';
import type { Policy } from './policy.js';

// A tlog-policy names a log by its key alone; its checkpoints' origin line is by convention the
// key's name (tlog-checkpoint: the key name SHOULD equal the origin). Readers check the origin
// so that a checkpoint of one log cannot stand in for another's signed with the same key.

/** The origin to expect: `origin` if given, else the name of the policy's one log key. */
export function logOrigin(policy: Policy, origin?: string): string {
  if (origin !== undefined) {
    if (origin === '' || origin.includes('\n')) {
      throw new PolicyError(`origin ${JSON.stringify(origin)} is not a checkpoint origin line`);
    }
    return origin;
  }
  const [log, ...more] = policy.logs;
  if (!log) throw new PolicyError('the policy names no log key (want a "log <vkey>" line)');
  if (more.length > 0) {
    throw new PolicyError(`the policy names ${policy.logs.length} log keys; say which origin`);
  }
  return log.verifier.name;
}
