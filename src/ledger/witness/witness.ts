import { parseCheckpoint, type Checkpoint } from '../checkpoint.js';
import { cosignatureSigner, cosignatureVerifier, type Clock } from '../cosignature.js';
import { FormatError, ProofError, SignatureError } from '../errors.js';
import { hashesEqual } from '../hash.js';
import { SignatureType, formatVerifierKey, type NoteSigner, type NoteVerifier } from '../keys.js';
import { formatNote, openNote, parseNote, signNote, type NoteSignature } from '../note.js';
import { newVerifier } from '../signers.js';
import { verifyConsistency } from '../verify.js';
import { parseAddCheckpointRequest, type AddCheckpointRequest } from './request.js';
import { detectSplitView, type SplitViewCheck } from './split-view.js';
import type { WitnessRecord, WitnessStore } from './store.js';

// A tlog-witness v1.0.0 witness: it cosigns a log's checkpoint only if it is consistent with
// the last one it cosigned for that log, and remembers it (atomically, durably) before replying.

export interface TrustedLog {
  origin: string;
  /** The log's checkpoint key (type 0x01 Ed25519), as a vkey. */
  vkey: string;
}

/** Something a witness saw that a monitor should know about: a log contradicting itself. */
export interface Evidence {
  origin: string;
  reason: string;
  /** The add-checkpoint request body that showed it. */
  request: string;
}

export interface WitnessOptions {
  /** The witness's cosigner key name, e.g. "witness.example/eu-1". */
  name: string;
  /** Its 32-byte Ed25519 seed. */
  seed: Uint8Array;
  logs: readonly TrustedLog[];
  store: WitnessStore;
  clock?: Clock;
  onEvidence?: (evidence: Evidence) => void;
}

export interface WitnessResponse {
  status: number;
  body: string;
  contentType: string;
}

export const TLOG_SIZE_TYPE = 'text/x.tlog.size';
const TEXT = 'text/plain; charset=utf-8';
/** Swaps retried when another request for the same log wins the race; then it is a 409. */
const CAS_ATTEMPTS = 3;

export class Witness {
  readonly name: string;
  /** The witness's cosignature verifier key (type 0x04), for policies and peers. */
  readonly vkey: string;
  readonly verifier: NoteVerifier;
  private readonly cosigner: NoteSigner;
  private readonly logs = new Map<string, NoteVerifier[]>();

  constructor(private readonly options: WitnessOptions) {
    const cosigner = cosignatureSigner(options.name, options.seed, options.clock);
    this.name = options.name;
    this.cosigner = cosigner;
    this.vkey = formatVerifierKey(
      options.name,
      SignatureType.Ed25519Cosignature,
      cosigner.publicKey,
    );
    this.verifier = cosignatureVerifier(options.name, cosigner.publicKey);
    for (const { origin, vkey } of options.logs) {
      this.logs.set(origin, [...(this.logs.get(origin) ?? []), newVerifier(vkey)]);
    }
  }

  /** Handles an add-checkpoint request body; never throws for a bad request. */
  async addCheckpoint(body: string): Promise<WitnessResponse> {
    let request: AddCheckpointRequest;
    let text: string;
    try {
      request = parseAddCheckpointRequest(body);
      text = parseNote(request.note).text;
    } catch (error) {
      if (error instanceof FormatError) return reply(400, error.message);
      throw error;
    }
    const origin = text.slice(0, text.indexOf('\n'));
    const verifiers = this.logs.get(origin);
    if (!verifiers) return reply(404, `unknown log ${JSON.stringify(origin)}`);
    let logSignatures: NoteSignature[];
    try {
      logSignatures = openNote(request.note, verifiers).verified;
    } catch (error) {
      if (error instanceof SignatureError) return reply(403, `checkpoint: ${error.message}`);
      throw error;
    }
    let checkpoint: Checkpoint;
    try {
      checkpoint = parseCheckpoint(text);
    } catch (error) {
      if (error instanceof FormatError) return reply(400, error.message);
      throw error;
    }
    if (request.oldSize > checkpoint.size) {
      return reply(400, `old size ${request.oldSize} exceeds checkpoint size ${checkpoint.size}`);
    }
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const latest = await this.options.store.load(origin);
      const refusal = this.check(request, checkpoint, latest, body);
      if (refusal) return refusal;
      const cosigned = await signNote(text, [this.cosigner]);
      const cosignatures = cosigned.slice(text.length + 1);
      const record: WitnessRecord = {
        size: checkpoint.size,
        root: checkpoint.root,
        note: formatNote({
          text,
          signatures: [...logSignatures, ...parseNote(cosigned).signatures],
        }),
      };
      // Re-cosigning the checkpoint it already holds changes nothing worth a write.
      const unchanged = latest !== undefined && latest.size === checkpoint.size;
      if (unchanged || (await this.options.store.compareAndSwap(origin, latest, record))) {
        return reply(200, cosignatures);
      }
    }
    const latest = await this.options.store.load(origin);
    return reply(409, `${latest?.size ?? 0}\n`, TLOG_SIZE_TYPE);
  }

  /** The latest checkpoint cosigned for `origin`, with its log and witness signatures. */
  async latest(origin: string): Promise<string | undefined> {
    return (await this.options.store.load(origin))?.note;
  }

  /**
   * Compares a peer witness's latest cosigned checkpoint (from its GET /latest) with this
   * witness's own; throws SplitViewError if the log showed the two of them different trees.
   */
  async crossCheck(peerNote: string, peer: NoteVerifier): Promise<SplitViewCheck> {
    const peerCheckpoint = this.openCosigned(peerNote, peer);
    const own = await this.latest(peerCheckpoint.origin);
    if (own === undefined) return 'unproven';
    return detectSplitView(this.openCosigned(own, this.verifier), peerCheckpoint);
  }

  /** Checks a note carries a trusted log signature and `witness`'s cosignature. */
  private openCosigned(note: string, witness: NoteVerifier): Checkpoint {
    const text = parseNote(note).text;
    const origin = text.slice(0, text.indexOf('\n'));
    const logKeys = this.logs.get(origin);
    if (!logKeys) throw new SignatureError(`unknown log ${JSON.stringify(origin)}`);
    const { verified } = openNote(note, [...logKeys, witness]);
    const by = (v: NoteVerifier): boolean =>
      verified.some((s) => s.name === v.name && s.keyId === v.keyId);
    if (!logKeys.some(by)) throw new SignatureError(`no trusted signature of log ${origin}`);
    if (!by(witness)) throw new SignatureError(`no cosignature by witness ${witness.name}`);
    return parseCheckpoint(text);
  }

  /** The tlog-witness refusal for this request against the stored record, if any. */
  private check(
    { oldSize, proof }: AddCheckpointRequest,
    checkpoint: Checkpoint,
    latest: WitnessRecord | undefined,
    body: string,
  ): WitnessResponse | undefined {
    const latestSize = latest?.size ?? 0;
    if (oldSize !== latestSize) return reply(409, `${latestSize}\n`, TLOG_SIZE_TYPE);
    if (oldSize === 0 && proof.length > 0) {
      return reply(400, 'the consistency proof must be empty when the old size is 0');
    }
    if (latest && oldSize === checkpoint.size && !hashesEqual(latest.root, checkpoint.root)) {
      this.report(checkpoint.origin, `two roots at size ${oldSize}`, body);
      return reply(409, `a different checkpoint of size ${oldSize} was already cosigned`);
    }
    // Every tree extends the empty one; there is nothing to prove.
    if (latest === undefined || oldSize === 0) return undefined;
    try {
      verifyConsistency({
        size1: oldSize,
        size2: checkpoint.size,
        proof,
        root1: latest.root,
        root2: checkpoint.root,
      });
    } catch (error) {
      if (!(error instanceof ProofError)) throw error;
      this.report(checkpoint.origin, `inconsistent with size ${oldSize}: ${error.message}`, body);
      return reply(422, `consistency proof from size ${oldSize} failed: ${error.message}`);
    }
    return undefined;
  }

  private report(origin: string, reason: string, request: string): void {
    this.options.onEvidence?.({ origin, reason, request });
  }
}

function reply(status: number, body: string, contentType = TEXT): WitnessResponse {
  return { status, body: status === 200 || body.endsWith('\n') ? body : `${body}\n`, contentType };
}
