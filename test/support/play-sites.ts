import type { Hub, JobTask, Report, SiteWorker } from '../../src/federation/index.js';
import type { SealedEnvelope } from '../../src/identity/index.js';
import { encodeFrame } from '../../src/node/frame.js';

/** What the hub received from a site, with the task it answered. */
export interface Seen {
  site: string;
  task: JobTask;
  report: Report;
  body: Uint8Array;
}

/** The in-process Hub checks no signature (its HTTP layer does): the routing fields only. */
export function unsignedEnvelope(collab: string, type: string, round: number): SealedEnvelope {
  return {
    envelope: {
      v: 1,
      sender: '0'.repeat(16),
      collab,
      type,
      round,
      nonce: '0'.repeat(32),
      ts: 0,
      bodySha256: '0'.repeat(64),
    },
    signature: 'A'.repeat(86),
  };
}

/**
 * Plays site `name` of `collab` until `stop.done`: answers every task with its worker,
 * recording what the hub received. When `dropAt` says so, the site goes silent for good (its
 * process died) before answering.
 */
export async function playSite(
  hub: Hub,
  collab: string,
  name: string,
  worker: () => SiteWorker,
  stop: { done: boolean },
  seen: Seen[],
  dropAt: (task: JobTask) => boolean = () => false,
): Promise<void> {
  while (!stop.done) {
    const posted = await hub.nextTask(collab, name, 100);
    if (!posted || posted.task.kind === 'cosign') continue;
    if (dropAt(posted.task)) return;
    const { report, tensors } = await worker().perform(posted.task, posted.tensors);
    const body = encodeFrame(report, tensors);
    seen.push({ site: name, task: posted.task, report, body });
    await hub
      .acceptReport(collab, name, unsignedEnvelope(collab, report.kind, report.round), body)
      .catch(() => {});
  }
}
