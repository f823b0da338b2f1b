import type { Logger } from 'pino';
import {
  WitnessClient,
  quorumSatisfied,
  verifyCosignedCheckpoint,
  type Policy,
} from '../../ledger/index.js';
import { publishedSize, type CollabLog } from './hub-ledger.js';

// Publishing a collaboration's log: the hub asks every witness of the policy to cosign its
// latest checkpoint (tlog-witness add-checkpoint, with a consistency proof from the size the
// witness holds) and publishes the checkpoint only once the cosignatures satisfy the quorum.
// Publication runs beside the work it records, never in its way: appends mark the log dirty
// and one publication at a time catches up, at most one per `minIntervalMs`.

/** How the hub reaches one witness: an add-checkpoint request in, the witness's reply out. */
export interface WitnessChannel {
  /** The witness's name in the policy. */
  name: string;
  send(request: string, peers: string[]): Promise<WitnessReply>;
}

export interface WitnessReply {
  status: number;
  body: string;
  contentType: string;
  evidence?: string;
}

export interface PublishOutcome {
  size: number;
  published: boolean;
  cosigners: string[];
  /** Witnesses that did not cosign, with why. */
  refusals: { witness: string; reason: string }[];
  evidence: { witness: string; reason: string }[];
}

export interface PublisherOptions {
  log: CollabLog;
  policy: Policy;
  policyText: string;
  witnesses: WitnessChannel[];
  logger: Logger;
  minIntervalMs?: number;
  /** After a failed publication, the delay before the next try (doubling up to 30 s). */
  retryMs?: number;
  onEvidence?: (witness: string, reason: string) => void;
}

export class CheckpointPublisher {
  /** The size each witness is believed to hold; corrected by its 409 replies. */
  private readonly held = new Map<string, number>();
  /** What each witness last cosigned (log signature + its cosignature), to pass to its peers. */
  private readonly latest = new Map<string, string>();
  private running: Promise<void> | undefined;
  private dirty = false;
  private urgent = false;
  private stopped = false;
  private lastRun = 0;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: PublisherOptions) {}

  /** Note that the log grew; a publication follows soon, or at once if `urgent`. */
  kick(urgent = false): void {
    if (this.stopped) return;
    this.dirty = true;
    this.urgent ||= urgent;
    if (urgent) clearTimeout(this.timer);
    this.running ??= this.loop().finally(() => (this.running = undefined));
  }

  /** Resolves once the log's current size is published (or a publication failed). */
  async flush(): Promise<PublishOutcome> {
    await this.running;
    return this.publishNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async loop(): Promise<void> {
    const { minIntervalMs = 1000, retryMs = 2000, logger } = this.options;
    while (this.dirty && !this.stopped) {
      this.dirty = false;
      const wait = this.urgent ? 0 : this.lastRun + minIntervalMs - Date.now();
      this.urgent = false;
      if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
      if (this.stopped) return;
      this.lastRun = Date.now();
      const outcome = await this.publishNow().catch((error: unknown) => {
        logger.warn({ err: (error as Error).message }, 'checkpoint publication failed');
        return undefined;
      });
      if (outcome && !outcome.published) {
        // No quorum yet (a witness offline, or refusing): try again later, backing off.
        this.failures++;
        const delay = Math.min(30_000, retryMs * 2 ** (this.failures - 1));
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.kick(), delay);
      } else if (outcome) {
        this.failures = 0;
      }
    }
  }

  /** One publication attempt of the log's current checkpoint. */
  async publishNow(): Promise<PublishOutcome> {
    const { log, policy, witnesses, logger } = this.options;
    const size = log.log.size;
    const note = log.log.checkpoint();
    const outcome: PublishOutcome = {
      size,
      published: false,
      cosigners: [],
      refusals: [],
      evidence: [],
    };
    if (log.published && publishedSize(log.published) === size) {
      return { ...outcome, published: true, cosigners: cosignersOf(log.published, policy) };
    }
    const results = await Promise.all(
      witnesses.map(async (w) => {
        const peers = [...this.latest].filter(([name]) => name !== w.name).map(([, n]) => n);
        let evidence: string | undefined;
        const client = new WitnessClient('http://witness.invalid/', {
          fetch: async (_url, init) => {
            const reply = await w.send(String(init?.body ?? ''), peers);
            evidence ??= reply.evidence;
            return new Response(reply.body, {
              status: reply.status,
              headers: { 'content-type': reply.contentType },
            });
          },
        });
        try {
          const { cosignatures } = await client.cosign(
            note,
            size,
            this.held.get(w.name) ?? 0,
            (old) => log.log.proveConsistency(old, size),
          );
          this.held.set(w.name, size);
          this.latest.set(w.name, note + cosignatures);
          return { witness: w.name, cosignatures };
        } catch (error) {
          const reason = (error as Error).message;
          if (evidence) {
            outcome.evidence.push({ witness: w.name, reason: evidence });
            this.options.onEvidence?.(w.name, evidence);
          }
          return { witness: w.name, reason };
        }
      }),
    );
    let cosigned = note;
    for (const r of results) {
      if ('cosignatures' in r) {
        cosigned += r.cosignatures;
        outcome.cosigners.push(r.witness);
      } else {
        outcome.refusals.push(r);
      }
    }
    if (!quorumSatisfied(policy, outcome.cosigners)) {
      logger.warn(
        { size, cosigners: outcome.cosigners, refusals: outcome.refusals },
        'checkpoint not published: quorum not reached',
      );
      return outcome;
    }
    // Check what will be served exactly as a verifier will, before serving it.
    verifyCosignedCheckpoint(cosigned, policy);
    await log.publish(cosigned, size);
    logger.info({ size, cosigners: outcome.cosigners }, 'checkpoint published');
    return { ...outcome, published: true };
  }
}

function cosignersOf(note: string, policy: Policy): string[] {
  try {
    return verifyCosignedCheckpoint(note, policy).cosigners;
  } catch {
    return [];
  }
}
