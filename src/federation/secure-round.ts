import { createHash, randomBytes } from 'node:crypto';
import type { SealedEnvelope } from '../identity/index.js';
import {
  DEFAULT_QUANTIZATION,
  planNeighbourhood,
  SecAggHub,
  SecAggRefusal,
  type AggregateResult,
  type SecAggMessage,
} from '../privacy/index.js';
import type { JobReport, JobTask, SecAggPhase } from './protocol.js';
import { Refusal } from './refusal.js';
import {
  packMessage,
  roundToWire,
  secureAggregationSettings,
  unpackMessage,
} from './secure-aggregation-spec.js';
import type { SecAggRoundWire, SecureAggregationSpec } from './secure-aggregation-spec.js';

type Accept = (site: string, report: JobReport, sealed: SealedEnvelope, body: Uint8Array) => void;

/**
 * How a secure round reaches the sites: offer `task` to `recipients` until each has answered or
 * the phase's deadline passes; `accept` takes each report as it arrives (a Refusal refuses it).
 */
export type Exchange = (
  task: Extract<JobTask, { kind: 'secagg' }>,
  recipients: string[],
  accept: Accept,
) => Promise<void>;

/** A survivor's signed masked input: the hub can show it was sent, never what it hides. */
export interface MaskedReceipt {
  sealed: SealedEnvelope;
  payloadSha256: string;
}

export interface SecureRoundResult extends AggregateResult {
  receipts: Map<string, MaskedReceipt>;
  /** Sites that answered a phase without a message, with their reason. */
  withdrawals: Map<string, string>;
}

const LATER_PHASES: SecAggPhase[] = ['share-keys', 'masked-input', 'unmasking'];

/**
 * The hub's side of one SecAgg+ round on the task board. Phase 1 (advertised keys) rides on the
 * reports of the task that produced the vectors; phases 2–4 are `secagg` tasks. The hub only
 * ever holds the running sum of masked inputs, and nothing is stored until the round is whole.
 */
export class SecureRound {
  readonly wire: SecAggRoundWire;
  private readonly core: SecAggHub;
  private readonly receipts = new Map<string, MaskedReceipt>();
  private readonly withdrawals = new Map<string, string>();

  private constructor(wire: SecAggRoundWire, core: SecAggHub) {
    this.wire = wire;
    this.core = core;
  }

  /**
   * A fresh round (new graph seed; sites make fresh keys) for `sites`, summing vectors of
   * `vectorLength`, weighing each site by its sample count up to `maxWeight`.
   */
  static create(input: {
    id: string;
    sites: readonly string[];
    vectorLength: number;
    maxWeight: number;
    spec: SecureAggregationSpec;
  }): SecureRound {
    const settings = secureAggregationSettings(input.spec);
    const { neighbours, threshold } = planNeighbourhood({
      sites: input.sites.length,
      dropoutRate: settings.dropoutRate,
    });
    const core = new SecAggHub({
      round: `${input.id}/${randomBytes(8).toString('hex')}`,
      sites: [...input.sites].sort(),
      neighbours,
      threshold,
      graphSeed: new Uint8Array(randomBytes(32)),
      vectorLength: input.vectorLength,
      quantization: {
        ...DEFAULT_QUANTIZATION,
        clippingRange: settings.clippingRange,
        quantizationRange: settings.quantizationRange,
        maxWeight: input.maxWeight,
      },
    });
    return new SecureRound(roundToWire(core.config), core);
  }

  get id(): string {
    return this.wire.id;
  }

  /** Phase 1: a site's advertised keys, sent with its report on the vector-producing task. */
  takeAdvertisement(site: string, packed: string | undefined): void {
    if (packed === undefined) {
      throw new Refusal(422, `round ${this.id} is secure: the report must carry advertised keys`);
    }
    this.receive(site, packed);
  }

  /** Phases 2–4 over `exchange`; throws RoundFailedError when too few sites remain. */
  async complete(
    exchange: Exchange,
    base: { taskId: string; jobId: string; dataset: string; round: number },
  ): Promise<SecureRoundResult> {
    const close: Record<SecAggPhase, () => SecAggMessage[]> = {
      'share-keys': () => this.core.closeAdvertise(),
      'masked-input': () => this.core.closeShareKeys(),
      unmasking: () => this.core.closeMaskedInput(),
    };
    for (const phase of LATER_PHASES) {
      const requests = close[phase]();
      const task = {
        ...base,
        taskId: `${base.taskId}/${phase}`,
        kind: 'secagg' as const,
        secaggRound: this.id,
        phase,
        requests: Object.fromEntries(requests.map((r) => [r.site, packMessage(r)])),
      };
      await exchange(
        task,
        requests.map((r) => r.site),
        (site, report, sealed, body) => {
          if (
            report.kind !== 'secagg' ||
            report.phase !== phase ||
            report.secaggRound !== this.id
          ) {
            throw new Refusal(409, `expected a ${phase} answer for ${this.id}`);
          }
          if (report.message === undefined) {
            this.withdrawals.set(site, report.withdrawn ?? 'no reason given');
            return;
          }
          this.receive(site, report.message);
          if (phase === 'masked-input') {
            const payloadSha256 = createHash('sha256').update(body).digest('hex');
            this.receipts.set(site, { sealed, payloadSha256 });
          }
        },
      );
    }
    const result = this.core.finish();
    for (const site of this.receipts.keys())
      if (!result.survivors.includes(site)) this.receipts.delete(site);
    return { ...result, receipts: this.receipts, withdrawals: this.withdrawals };
  }

  /** Only the authenticated site may speak for itself; the core refuses anything else. */
  private receive(site: string, packed: string): void {
    try {
      const message = unpackMessage(packed);
      if (message.site !== site) {
        throw new Refusal(403, `a SecAgg message from ${site} claims to be from ${message.site}`);
      }
      this.core.receive(message);
    } catch (e) {
      if (e instanceof SecAggRefusal) throw new Refusal(422, `secure aggregation: ${e.message}`);
      throw e;
    }
  }
}
