import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NodeKey } from '../../identity/index.js';
import {
  FileWitnessStore,
  SplitViewError,
  Witness,
  detectSplitView,
  newVerifier,
  openNote,
  parseAddCheckpointRequest,
  parseCheckpoint,
  parsePolicy,
  type Checkpoint,
  type Evidence,
  type NoteVerifier,
  type Policy,
} from '../../ledger/index.js';
import type { CosignReport, CosignTask } from '../protocol.js';
import { logOrigin, logVkey, nodeSeed, witnessKeyName } from './keys.js';

// A data site's witness for its collaborations' logs. It trusts only the log key it derives
// from the hub key in its own config, keeps what it cosigned in its node directory (one
// atomic compare-and-swap per checkpoint), and before cosigning compares the checkpoints its
// peers cosigned — which the hub must pass along — with its own: a hub that showed two
// witnesses different trees is caught here, refused, and the evidence kept and reported.

export interface SiteWitnessOptions {
  key: NodeKey;
  /** Directory for the witness's state: <node dir>/witness. */
  dir: string;
  hubKeyId: string;
  hubPublicKey: Uint8Array;
  log: Logger;
}

export class SiteWitness {
  private readonly witnesses = new Map<string, Witness>();
  private readonly store: FileWitnessStore;
  /** Evidence the witness reported while handling a request (keyed by its body), being kept. */
  private readonly reported = new Map<string, { reason: string; kept: Promise<void> }>();

  constructor(private readonly options: SiteWitnessOptions) {
    this.store = new FileWitnessStore(join(options.dir, 'cosigned'));
  }

  /** The witness for one collaboration's log. */
  witnessFor(collab: string): Witness {
    let witness = this.witnesses.get(collab);
    if (!witness) {
      const { key, hubKeyId, hubPublicKey } = this.options;
      const origin = logOrigin(hubKeyId, collab);
      witness = new Witness({
        name: witnessKeyName(key.keyId),
        seed: nodeSeed(key),
        logs: [{ origin, vkey: logVkey(hubPublicKey, origin) }],
        store: this.store,
        // Reported synchronously inside addCheckpoint; handle() awaits the write and says so.
        onEvidence: (e) =>
          this.reported.set(e.request, { reason: e.reason, kept: this.keepEvidence(collab, e) }),
      });
      this.witnesses.set(collab, witness);
    }
    return witness;
  }

  async handle(collab: string, task: CosignTask): Promise<CosignReport> {
    const base = { kind: 'cosign' as const, taskId: task.taskId, round: 0 as const };
    const witness = this.witnessFor(collab);
    const splitView = await this.crossCheck(collab, witness, task);
    if (splitView) {
      const evidence: Evidence = { origin: logOrigin(this.options.hubKeyId, collab), ...splitView };
      await this.keepEvidence(collab, evidence);
      return {
        ...base,
        status: 409,
        body: `split view: ${splitView.reason}\n`,
        contentType: 'text/plain; charset=utf-8',
        evidence: splitView.reason,
      };
    }
    const response = await witness.addCheckpoint(task.request);
    // Two roots at one size, or a failed consistency proof: the hub must hear it too.
    const seen = this.reported.get(task.request);
    this.reported.delete(task.request);
    await seen?.kept;
    return {
      ...base,
      status: response.status,
      body: response.body,
      contentType: response.contentType,
      ...(seen ? { evidence: seen.reason } : {}),
    };
  }

  /** The first peer checkpoint that contradicts what this witness cosigned, if any. */
  private async crossCheck(
    collab: string,
    witness: Witness,
    task: CosignTask,
  ): Promise<{ reason: string; request: string } | undefined> {
    let policy: Policy;
    try {
      policy = parsePolicy(task.policy);
    } catch {
      // Without peer keys there is nothing to compare; the witness's own checks still apply.
      return undefined;
    }
    const peers = [...policy.witnesses.values()]
      .map((w) => w.verifier)
      .filter((v) => v.name !== witness.name);
    const origin = logOrigin(this.options.hubKeyId, collab);
    const log = newVerifier(logVkey(this.options.hubPublicKey, origin));
    const requested = requestedCheckpoint(task.request, log);
    for (const note of task.peers) {
      const peer = signerOf(note, peers);
      if (!peer) continue;
      try {
        await witness.crossCheck(note, peer);
        // A witness that holds nothing yet must still not cosign another tree of the size a
        // peer cosigned: compare the peer's checkpoint with the one it is asked to cosign.
        if (requested) detectSplitView(requested, peerCheckpoint(note, log, peer));
      } catch (error) {
        if (error instanceof SplitViewError) {
          return { reason: `${peer.name}: ${error.message}`, request: note };
        }
        // A peer note that does not verify proves nothing either way.
      }
    }
    return undefined;
  }

  /** Logs and appends the evidence to evidence.jsonl; never rejects (a failed write is logged). */
  private async keepEvidence(collab: string, evidence: Evidence): Promise<void> {
    this.options.log.error(
      { collab, origin: evidence.origin, reason: evidence.reason },
      'the log contradicted itself: evidence kept, checkpoint refused',
    );
    try {
      await mkdir(this.options.dir, { recursive: true });
      const line = JSON.stringify({ at: Date.now(), collab, ...evidence });
      await appendFile(join(this.options.dir, 'evidence.jsonl'), `${line}\n`);
    } catch (error) {
      this.options.log.error(
        { collab, err: (error as Error).message },
        'could not write the evidence file',
      );
    }
  }
}

/** The verifier among `candidates` whose signature the note carries. */
function signerOf(note: string, candidates: NoteVerifier[]): NoteVerifier | undefined {
  try {
    const { verified } = openNote(note, candidates);
    return candidates.find((c) => verified.some((s) => s.name === c.name && s.keyId === c.keyId));
  } catch {
    // Malformed, or a bad signature: not a peer's checkpoint.
    return undefined;
  }
}

/** The checkpoint of an add-checkpoint request, if the log's key signed it. */
function requestedCheckpoint(request: string, log: NoteVerifier): Checkpoint | undefined {
  try {
    return parseCheckpoint(openNote(parseAddCheckpointRequest(request).note, [log]).text);
  } catch {
    // Not this log's, or malformed: addCheckpoint refuses it, saying why.
    return undefined;
  }
}

/** A peer's checkpoint; throws unless it carries both the log's signature and the peer's. */
function peerCheckpoint(note: string, log: NoteVerifier, peer: NoteVerifier): Checkpoint {
  const { text, verified } = openNote(note, [log, peer]);
  const by = (v: NoteVerifier): boolean =>
    verified.some((s) => s.name === v.name && s.keyId === v.keyId);
  if (!by(log) || !by(peer)) {
    throw new Error(`not a checkpoint of the log cosigned by ${peer.name}`);
  }
  return parseCheckpoint(text);
}
