import type { Logger } from 'pino';
import { verifyCosignedCheckpoint, type TileLog } from '../../ledger/index.js';
import { encodeFrame } from '../../node/frame.js';
import type { Db } from '../../store/index.js';
import { listMembers } from '../collab-records.js';
import type { CosignReport, CosignTask } from '../protocol.js';
import type { TaskBoard } from '../task-board.js';
import type { LedgerEvent } from './entries.js';
import { publishedSize, type HubLedger } from './hub-ledger.js';
import { collabWitnessPolicy } from './keys.js';
import { CheckpointPublisher, type PublishOutcome, type WitnessChannel } from './publisher.js';

// The hub's recorder: appends a collaboration's events to its log and keeps a publisher per
// log whose witnesses are the collaboration's data sites, reached the only way a site can be
// reached, through the task board its outbound long-polls read.

/** Events whose publication should not wait for the regular interval. */
const URGENT = new Set<LedgerEvent['type']>(['job.finished', 'ledger.evidence']);

/** Publications at most this often while a job runs: each costs every witness a durable write. */
const PUBLISH_INTERVAL_MS = 5_000;

export interface LedgerStatus {
  origin: string;
  /** Entries durable in the log. */
  size: number;
  /** Entries covered by the published (quorum-cosigned) checkpoint. */
  publishedSize: number;
  checkpoint: string | null;
  cosigners: string[];
  policy: string;
}

export interface RecorderOptions {
  ledger: HubLedger;
  db: Db;
  board: TaskBoard;
  hubPublicKey: Uint8Array;
  log: Logger;
  /** How long a witness has to answer a cosign request. */
  cosignTimeoutMs?: number;
  /** Told of each ledger.evidence entry once it is in the log (governance counts violations). */
  onEvidence?: (collab: string, entry: number, witness: string, reason: string) => void;
  minIntervalMs?: number;
}

export class Recorder {
  private readonly publishers = new Map<string, Promise<Publication>>();
  private readonly replies = new Map<string, CosignReport>();
  private readonly verified = new Map<string, { note: string; cosigners: string[] }>();
  private sequence = 0;
  private readonly abort = new AbortController();

  constructor(private readonly options: RecorderOptions) {}

  /**
   * Appends events durably (before the caller acknowledges or commits what they record). The
   * end of a job is published at once; anything else with the next regular publication.
   * Resolves to the index of the first event in the log.
   */
  async record(collab: string, events: readonly LedgerEvent[]): Promise<number> {
    const first = await this.options.ledger.append(collab, events);
    const urgent = events.some((e) => URGENT.has(e.type));
    (await this.publication(collab)).publisher?.kick(urgent);
    return first;
  }

  /** The collaboration's tile log, to serve its tiles. */
  async log(collab: string): Promise<TileLog> {
    return (await this.options.ledger.open(collab)).log;
  }

  /** A site witness's reply to a cosign task the board offered it. */
  acceptCosign(report: CosignReport): void {
    this.replies.set(report.taskId, report);
  }

  /** Publishes the log's current size now (waiting for any publication under way). */
  async flush(collab: string): Promise<PublishOutcome | undefined> {
    return (await this.publication(collab)).publisher?.flush();
  }

  async status(collab: string): Promise<LedgerStatus> {
    const log = await this.options.ledger.open(collab);
    const { text } = await this.publication(collab);
    const note = log.published;
    return {
      origin: log.origin,
      size: log.log.size,
      publishedSize: note ? publishedSize(note) : 0,
      checkpoint: note ?? null,
      cosigners: note ? await this.cosignersOf(collab, note) : [],
      policy: text,
    };
  }

  /** The latest quorum-cosigned checkpoint, as served; undefined before the first. */
  async published(collab: string): Promise<string | undefined> {
    return (await this.options.ledger.open(collab)).published;
  }

  /** The collaboration's witness policy (tlog-policy text; empty without data sites). */
  async policy(collab: string): Promise<string> {
    return (await this.publication(collab)).text;
  }

  /** The witnesses whose cosignatures on `note` verify, checked once per published note. */
  private async cosignersOf(collab: string, note: string): Promise<string[]> {
    const known = this.verified.get(collab);
    if (known?.note === note) return known.cosigners;
    const { policy } = await this.publication(collab);
    let cosigners: string[] = [];
    if (policy) {
      try {
        cosigners = verifyCosignedCheckpoint(note, policy).cosigners;
      } catch {
        cosigners = [];
      }
    }
    this.verified.set(collab, { note, cosigners });
    return cosigners;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    for (const p of await Promise.allSettled(this.publishers.values())) {
      if (p.status === 'fulfilled') await p.value.publisher?.stop();
    }
  }

  /** The collaboration's witness policy and publisher, built from its members on first use. */
  private publication(collab: string): Promise<Publication> {
    let found = this.publishers.get(collab);
    if (!found) {
      found = this.buildPublication(collab);
      this.publishers.set(collab, found);
    }
    return found;
  }

  private async buildPublication(collab: string): Promise<Publication> {
    const { ledger, db, hubPublicKey, log } = this.options;
    const collabLog = await ledger.open(collab);
    const sites = (await listMembers(db, collab)).filter((m) => m.roles.includes('site'));
    // A collaboration without data sites has no witnesses: its log is kept but never published.
    if (sites.length === 0) return { text: '' };
    const { policy, text } = collabWitnessPolicy(collabLog.origin, hubPublicKey, sites);
    const witnesses = sites.map((site) => this.channel(collab, site.name, site.keyId, text));
    const publisher = new CheckpointPublisher({
      log: collabLog,
      policy,
      policyText: text,
      witnesses,
      logger: log.child({ collab, part: 'ledger' }),
      minIntervalMs: this.options.minIntervalMs ?? PUBLISH_INTERVAL_MS,
      onEvidence: (witness, reason) =>
        void this.options.ledger
          .append(collab, [{ type: 'ledger.evidence', collab, witness, reason, at: Date.now() }])
          .then((entry) => this.options.onEvidence?.(collab, entry, witness, reason))
          .catch(() => undefined),
    });
    // A restarted hub publishes what it logged while down or before the crash.
    if (collabLog.log.size > (collabLog.published ? publishedSize(collabLog.published) : 0)) {
      publisher.kick();
    }
    return { policy, text, publisher };
  }

  private channel(collab: string, name: string, keyId: string, policy: string): WitnessChannel {
    const { board, cosignTimeoutMs = 15_000 } = this.options;
    return {
      name,
      send: async (request, peers) => {
        const taskId = `ledger/${collab}/${keyId}/${++this.sequence}`;
        const task: CosignTask = { kind: 'cosign', taskId, round: 0, request, peers, policy };
        board.post({
          collab,
          task,
          frame: encodeFrame(task, []),
          tensors: [],
          recipients: new Set([keyId]),
          reported: new Set(),
        });
        try {
          await board.until(
            () => this.replies.has(taskId),
            Date.now() + cosignTimeoutMs,
            this.abort.signal,
          );
        } finally {
          board.withdraw(taskId);
        }
        const reply = this.replies.get(taskId);
        this.replies.delete(taskId);
        if (!reply) throw new Error(`witness ${name} did not answer within ${cosignTimeoutMs} ms`);
        return reply;
      },
    };
  }
}

interface Publication {
  policy?: ReturnType<typeof collabWitnessPolicy>['policy'];
  text: string;
  publisher?: CheckpointPublisher;
}
