import { parseCheckpoint, type Checkpoint } from '../checkpoint.js';
import { PolicyError, SignatureError } from '../errors.js';
import { openNote } from '../note.js';
import { parsePolicy, quorumSatisfied, type Policy } from './policy.js';

// Converge's witness rule: a checkpoint counts only once at least one witness of every
// jurisdiction taking part has cosigned it, so no single country's operators can vouch for a
// view of the record on their own.

export interface JurisdictionWitness {
  /** Policy name of the witness, e.g. "eu-1". */
  name: string;
  /** Its cosignature vkey (type 0x04). */
  vkey: string;
  /** Where it operates, e.g. "EU", "US"; also the name of its jurisdiction's group. */
  jurisdiction: string;
  url?: string;
}

/** The name of the top-level group that requires every jurisdiction. */
export const EVERY_JURISDICTION = 'every-jurisdiction';

/** "group <J> any <witnesses of J>" per jurisdiction, "group every-jurisdiction all <J>...". */
export function policyFromJurisdictions(
  witnesses: readonly JurisdictionWitness[],
  logs: readonly { vkey: string; url?: string }[] = [],
): Policy {
  if (witnesses.length === 0) throw new PolicyError('a jurisdiction quorum needs witnesses');
  const byJurisdiction = new Map<string, string[]>();
  for (const { name, jurisdiction } of witnesses) {
    if (!/^[^\s#]+$/.test(jurisdiction) || jurisdiction === EVERY_JURISDICTION) {
      throw new PolicyError(`jurisdiction ${JSON.stringify(jurisdiction)} cannot name a group`);
    }
    byJurisdiction.set(jurisdiction, [...(byJurisdiction.get(jurisdiction) ?? []), name]);
  }
  const lines = [
    ...logs.map(({ vkey, url }) => (url ? `log ${vkey} ${url}` : `log ${vkey}`)),
    ...witnesses.map(({ name, vkey, url }) =>
      url ? `witness ${name} ${vkey} ${url}` : `witness ${name} ${vkey}`,
    ),
    ...[...byJurisdiction].map(
      ([jurisdiction, names]) => `group ${jurisdiction} any ${names.join(' ')}`,
    ),
    `group ${EVERY_JURISDICTION} all ${[...byJurisdiction.keys()].join(' ')}`,
    `quorum ${EVERY_JURISDICTION}`,
  ];
  // Parsing what was built applies every rule (names, duplicate keys) to it too.
  return parsePolicy(`${lines.join('\n')}\n`);
}

/**
 * Verifies a cosigned checkpoint against a policy: a signature by one of its logs, and
 * cosignatures satisfying its quorum. Returns the checkpoint and the policy names that cosigned.
 */
export function verifyCosignedCheckpoint(
  note: string,
  policy: Policy,
): { checkpoint: Checkpoint; cosigners: string[] } {
  const witnesses = [...policy.witnesses.values()];
  const { text, verified } = openNote(note, [
    ...policy.logs.map((log) => log.verifier),
    ...witnesses.map((w) => w.verifier),
  ]);
  const signedBy = (name: string, keyId: number): boolean =>
    verified.some((s) => s.name === name && s.keyId === keyId);
  if (!policy.logs.some(({ verifier }) => signedBy(verifier.name, verifier.keyId))) {
    throw new SignatureError('checkpoint carries no signature by a log of the policy');
  }
  const cosigners = witnesses
    .filter(({ verifier }) => signedBy(verifier.name, verifier.keyId))
    .map((w) => w.name);
  if (!quorumSatisfied(policy, cosigners)) {
    throw new SignatureError(
      `cosignatures by [${cosigners.join(', ')}] do not satisfy the quorum ${policy.quorum}`,
    );
  }
  return { checkpoint: parseCheckpoint(text), cosigners };
}
