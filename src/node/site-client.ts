import { setTimeout as sleep } from 'node:timers/promises';
import {
  EnvelopeVerifier,
  MemoryNonceStore,
  fromHeaders,
  publicKeyFromBase64,
  sealEnvelope,
  toHeaders,
} from '../identity/index.js';
import type { NodeKey } from '../identity/index.js';
import { Task } from '../federation/index.js';
import type { Report } from '../federation/index.js';
import type { SiteWitness, SiteWorker } from '../federation/index.js';
import { decodeFrame, encodeFrame } from './frame.js';
import type { Logger } from './logger.js';
import type { NodeConfig } from './config.js';

const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 2_000;

/**
 * A data site's only link to its hub: outbound HTTP long-polls, so the site needs no open
 * inbound port. Every request is signed by the site; every task is checked against the hub's key.
 */
export class SiteClient {
  private readonly hubVerifier: EnvelopeVerifier;
  private deferred: (() => Promise<Report>) | undefined;
  private background: Promise<void> = Promise.resolve();

  constructor(
    private readonly hub: NonNullable<NodeConfig['hub']>,
    private readonly key: NodeKey,
    private readonly collab: string,
    private readonly worker: SiteWorker,
    private readonly log: Logger,
    private readonly witness?: SiteWitness,
  ) {
    const hubKey = publicKeyFromBase64(hub.publicKey);
    this.hubVerifier = new EnvelopeVerifier({
      directory: { publicKey: async (_c, keyId) => (keyId === hub.keyId ? hubKey : undefined) },
      nonces: new MemoryNonceStore(),
      maxSkewMs: 120_000,
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    let backoff = RETRY_MIN_MS;
    while (!signal.aborted) {
      try {
        await this.pollOnce(signal);
        backoff = RETRY_MIN_MS;
      } catch (e) {
        if (signal.aborted) return;
        this.log.warn(
          { err: (e as Error).message, retryMs: backoff },
          'hub unreachable or task failed',
        );
        await sleep(backoff, undefined, { signal }).catch(() => {});
        backoff = Math.min(RETRY_MAX_MS, backoff * 2);
      }
    }
  }

  private async send(
    path: string,
    type: string,
    round: number,
    body: Uint8Array,
    signal: AbortSignal,
  ) {
    const sealed = sealEnvelope(this.key, { collab: this.collab, type, round }, body);
    return fetch(new URL(path, this.hub.url), {
      method: 'POST',
      headers: { ...toHeaders(sealed), 'content-type': 'application/octet-stream' },
      body: body as Uint8Array<ArrayBuffer>,
      signal,
    });
  }

  private async pollOnce(signal: AbortSignal): Promise<void> {
    // The long-poll goes out first; deferred work (the previous model's evaluation) runs while
    // it waits, so a site that reported last is not late for the next round.
    const polled = this.send(
      `/v1/collabs/${this.collab}/tasks`,
      'poll',
      0,
      new Uint8Array(0),
      signal,
    ).then(
      (response) => ({ response }),
      (error: unknown) => ({ error }),
    );
    // The evaluation itself takes a millisecond; its report's round trip must not hold up the
    // next task, so it goes on in the background (one at a time, awaited before the next).
    await this.background;
    this.background = this.runDeferred(signal);
    const outcome = await polled;
    if ('error' in outcome) throw outcome.error;
    const res = outcome.response;
    if (res.status === 204) return;
    if (!res.ok) throw new Error(`poll refused: ${res.status} ${await res.text()}`);
    const body = new Uint8Array(await res.arrayBuffer());
    await this.hubVerifier.verify(fromHeaders(res.headers), body, {
      collab: this.collab,
      type: 'task',
    });
    const frame = decodeFrame(body);
    const task = Task.parse(frame.meta);
    if (task.kind === 'cosign') {
      const reply = this.witness
        ? await this.witness.handle(this.collab, task)
        : {
            kind: 'cosign' as const,
            taskId: task.taskId,
            round: 0 as const,
            status: 404,
            body: 'this site runs no witness\n',
            contentType: 'text/plain; charset=utf-8',
          };
      this.log.debug({ task: task.taskId, status: reply.status }, 'cosign request answered');
      await this.submit(reply, encodeFrame(reply, []), signal);
      return;
    }
    this.log.info({ task: task.taskId, kind: task.kind, round: task.round }, 'task received');
    const { report, tensors, afterwards } = await this.worker.perform(task, frame.tensors);
    await this.submit(report, encodeFrame(report, tensors), signal);
    this.deferred = afterwards;
  }

  private async runDeferred(signal: AbortSignal): Promise<void> {
    const work = this.deferred;
    this.deferred = undefined;
    if (!work) return;
    try {
      const followUp = await work();
      await this.submit(followUp, encodeFrame(followUp, []), signal);
    } catch (e) {
      // Metrics are best effort: losing one never blocks training.
      this.log.warn({ err: (e as Error).message }, 'deferred report failed');
    }
  }

  private async submit(report: Report, frame: Uint8Array, signal: AbortSignal): Promise<void> {
    const path = `/v1/collabs/${this.collab}/reports`;
    const ack = await this.send(path, report.kind, report.round, frame, signal);
    if (ack.status === 409) {
      // Our report arrived late (round closed) or twice: the hub keeps what it has; move on.
      this.log.warn({ task: report.taskId, reason: await ack.text() }, 'report not taken');
      return;
    }
    if (!ack.ok) throw new Error(`report refused: ${ack.status} ${await ack.text()}`);
    this.log.info(
      {
        task: report.taskId,
        kind: report.kind,
        bytes: frame.byteLength,
        ...('trainMs' in report ? { trainMs: Math.round(report.trainMs) } : {}),
      },
      'report acknowledged',
    );
  }
}
