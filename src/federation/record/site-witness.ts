import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { NodeKey } from '../../identity/index.js';
import {
  FileWitnessStore,
  SplitViewError,
  Witness,
  openNote,
  parsePolicy,
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
        onEvidence: (e) => void this.keepEvidence(collab, e),
      });
      this.witnesses.set(collab, witness);
    }
    return witness;
  }

  async handle(collab: string, task: CosignTask): Promise<CosignReport> {
    const base = { kind: 'cosign' as const, taskId: task.taskId, round: 0 as const };
    const witness = this.witnessFor(collab);
    const splitView = await this.crossCheck(witness, task);
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
    return {
      ...base,
      status: response.status,
      body: response.body,
      contentType: response.contentType,
    };
  }

  /** The first peer checkpoint that contradicts what this witness cosigned, if any. */
  private async crossCheck(
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
    for (const note of task.peers) {
      const peer = signerOf(note, peers);
      if (!peer) continue;
      try {
        await witness.crossCheck(note, peer);
      } catch (error) {
        if (error instanceof SplitViewError) {
          return { reason: `${peer.name}: ${error.message}`, request: note };
        }
        // A peer note that does not verify proves nothing either way.
      }
    }
    return undefined;
  }

  private async keepEvidence(collab: string, evidence: Evidence): Promise<void> {
    this.options.log.error(
      { collab, origin: evidence.origin, reason: evidence.reason },
      'the log contradicted itself: evidence kept, checkpoint refused',
    );
    await mkdir(this.options.dir, { recursive: true });
    const line = JSON.stringify({ at: Date.now(), collab, ...evidence });
    await appendFile(join(this.options.dir, 'evidence.jsonl'), `${line}\n`);
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
