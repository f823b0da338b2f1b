import { decodeBase64, encodeBase64 } from '../base64.js';
import { FormatError } from '../errors.js';
import { HASH_SIZE, type Hash } from '../hash.js';

// The body of a tlog-witness v1.0.0 add-checkpoint request:
//   old <size>\n  <0..63 base64 consistency-proof lines>  \n  <signed checkpoint note>

export interface AddCheckpointRequest {
  /** Size of the checkpoint the witness last cosigned, as the client believes. */
  oldSize: number;
  /** Consistency proof from oldSize to the checkpoint's size; empty when oldSize is 0. */
  proof: Hash[];
  /** The signed checkpoint. */
  note: string;
}

/** tlog-witness caps the proof at 63 lines: enough for any tree of up to 2^63 leaves. */
export const MAX_PROOF_LINES = 63;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

export function parseAddCheckpointRequest(body: string): AddCheckpointRequest {
  let offset = 0;
  const nextLine = (): string => {
    const end = body.indexOf('\n', offset);
    if (end < 0) throw new FormatError('add-checkpoint request: a line has no final newline');
    const line = body.slice(offset, end);
    offset = end + 1;
    return line;
  };
  const old = /^old (.*)$/.exec(nextLine());
  if (!old || !DECIMAL.test(old[1]!) || !Number.isSafeInteger(Number(old[1]))) {
    throw new FormatError('add-checkpoint request: first line must be "old <size>"');
  }
  const proof: Hash[] = [];
  for (let line = nextLine(); line !== ''; line = nextLine()) {
    if (proof.length === MAX_PROOF_LINES) {
      throw new FormatError(`add-checkpoint request: more than ${MAX_PROOF_LINES} proof lines`);
    }
    const hash = decodeBase64(line);
    if (!hash || hash.length !== HASH_SIZE) {
      throw new FormatError(`add-checkpoint request: proof line ${proof.length + 1} is not a hash`);
    }
    proof.push(hash);
  }
  const note = body.slice(offset);
  if (note === '') throw new FormatError('add-checkpoint request: no checkpoint');
  return { oldSize: Number(old[1]), proof, note };
}

export function formatAddCheckpointRequest({ oldSize, proof, note }: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0)
    throw new RangeError(`bad old size ${oldSize}`);
  if (proof.length > MAX_PROOF_LINES) throw new RangeError(`proof has ${proof.length} hashes`);
  return `old ${oldSize}\n${proof.map((hash) => `${encodeBase64(hash)}\n`).join('')}\n${note}`;
}
