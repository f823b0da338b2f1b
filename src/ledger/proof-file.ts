import { decodeBase64, encodeBase64 } from './base64.js';
import type { Checkpoint } from './checkpoint.js';
import { FormatError, ProofError, SignatureError } from './errors.js';
import { HASH_SIZE, leafHash, type Hash } from './hash.js';
import { verifyInclusion } from './verify.js';
import { verifyCosignedCheckpoint } from './witness/jurisdictions.js';
import type { Policy } from './witness/policy.js';
import { MAX_PROOF_LINES } from './witness/request.js';

// C2SP tlog-proof v1: an offline-verifiable proof that an entry is in a log and that witnesses
// saw the tree that holds it.
//
//   c2sp.org/tlog-proof@v1
//   extra <base64 of the entry's bytes>
//   index <entry index>
//   <base64 inclusion-proof hash>...   (leaf's sibling first, RFC 6962 §2.1.1)
//   <blank line>
//   <the cosigned checkpoint note, verbatim>
//
// The spec leaves "extra" opaque and unauthenticated; Converge puts the entry itself there, which
// the proof then authenticates: the leaf it proves is SHA-256(0x00 ‖ extra). The file carries no
// keys: a verifier brings its own tlog-policy (log key, witness keys, quorum).

export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

export interface TlogProof {
  /** The spec's opaque extra data; in Converge proofs, the entry's bytes. */
  extra?: Uint8Array;
  index: number;
  /** Inclusion proof of the entry in the checkpoint's tree. */
  proof: Hash[];
  /** The checkpoint note with the log's signature and witness cosignatures. */
  checkpoint: string;
}

/** What a verified proof establishes. */
export interface ProvenEntry {
  entry: Uint8Array;
  index: number;
  checkpoint: Checkpoint;
  /** Policy names of the witnesses whose cosignatures verified. */
  cosigners: string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

export function formatTlogProof({ extra, index, proof, checkpoint }: TlogProof): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`bad entry index ${index}`);
  if (proof.length > MAX_PROOF_LINES) throw new RangeError(`proof has ${proof.length} hashes`);
  const lines = [
    TLOG_PROOF_HEADER,
    ...(extra === undefined ? [] : [`extra ${encodeBase64(extra)}`]),
    `index ${index}`,
    ...proof.map(encodeBase64),
  ];
  return `${lines.join('\n')}\n\n${checkpoint}`;
}

export function parseTlogProof(text: string): TlogProof {
  const split = text.indexOf('\n\n');
  if (split < 0) throw new FormatError('proof file: no blank line before the checkpoint');
  const lines = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  let line = 0;
  const fail: (message: string) => never = (message) => {
    throw new FormatError(`proof file line ${line + 1}: ${message}`);
  };
  if (lines[line] !== TLOG_PROOF_HEADER) fail(`want ${JSON.stringify(TLOG_PROOF_HEADER)}`);
  line++;
  let extra: Uint8Array | undefined;
  if (lines[line]?.startsWith('extra ')) {
    extra = decodeBase64(lines[line]!.slice('extra '.length)) ?? fail('extra is not base64');
    line++;
  }
  const index = /^index (.*)$/.exec(lines[line] ?? '')?.[1];
  if (index === undefined || !DECIMAL.test(index) || !Number.isSafeInteger(Number(index))) {
    fail('want "index <entry index>"');
  }
  line++;
  const proof: Hash[] = [];
  for (; line < lines.length; line++) {
    if (proof.length === MAX_PROOF_LINES) fail(`more than ${MAX_PROOF_LINES} proof hashes`);
    const hash = decodeBase64(lines[line]!);
    if (!hash || hash.length !== HASH_SIZE) fail('not a base64 SHA-256 hash');
    proof.push(hash);
  }
  if (checkpoint === '') throw new FormatError('proof file: no checkpoint after the blank line');
  return { ...(extra === undefined ? {} : { extra }), index: Number(index), proof, checkpoint };
}

/**
 * Checks a proof offline against a policy: the checkpoint is `origin`'s, signed by a log key of
 * the policy and cosigned to its quorum, and the entry (the extra data) is at `index` in it.
 * Throws FormatError, SignatureError or ProofError, the message naming what failed.
 */
export function verifyTlogProof(
  proofFile: string | TlogProof,
  policy: Policy,
  origin: string,
): ProvenEntry {
  const {
    extra,
    index,
    proof,
    checkpoint: note,
  } = typeof proofFile === 'string' ? parseTlogProof(proofFile) : proofFile;
  let verified: { checkpoint: Checkpoint; cosigners: string[] };
  try {
    verified = verifyCosignedCheckpoint(note, policy);
  } catch (error) {
    if (error instanceof SignatureError) throw new SignatureError(`checkpoint: ${error.message}`);
    if (error instanceof FormatError) throw new FormatError(`checkpoint: ${error.message}`);
    throw error;
  }
  const { checkpoint, cosigners } = verified;
  if (checkpoint.origin !== origin) {
    throw new SignatureError(`checkpoint is for the log ${checkpoint.origin}, want ${origin}`);
  }
  if (extra === undefined) throw new FormatError('proof file carries no entry (no extra line)');
  try {
    verifyInclusion({
      leafIndex: index,
      treeSize: checkpoint.size,
      leafHash: leafHash(extra),
      proof,
      root: checkpoint.root,
    });
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    throw new ProofError(
      `entry ${index} is not proven in the checkpoint's tree of ${checkpoint.size}: ${error.message}`,
    );
  }
  return { entry: extra, index, checkpoint, cosigners };
}
