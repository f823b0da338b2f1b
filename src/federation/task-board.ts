import { EventEmitter } from 'node:events';
import type { Weights } from '../learning/weights.js';
import type { SealedEnvelope } from '../identity/index.js';
import type { JobReport, Task } from './protocol.js';

/**
 * The tasks the hub currently offers, per collaboration. Sites long-poll it; the job driver
 * posts tasks and waits on it. Reports are marked here only after they are durable.
 */
export interface PostedTask {
  collab: string;
  task: Task;
  /** The encoded frame (task meta + tensors), built once and served to every recipient. */
  frame: Uint8Array;
  /** The tensors in the frame, decoded, to check the shape of what sites send back. */
  tensors: Weights;
  recipients: Set<string>;
  reported: Set<string>;
  /** Settles once the hub can durably take reports for this task (its round is open). */
  ready?: Promise<void>;
  /**
   * Takes each report in memory instead of storing it: a SecAgg+ round is atomic (its secrets
   * live only in the processes), so it either completes and is committed whole, or is redone.
   * Throws a Refusal to refuse the report.
   */
  accept?: (site: string, report: JobReport, sealed: SealedEnvelope, body: Uint8Array) => void;
}

export class TaskBoard {
  private readonly tasks = new Map<string, PostedTask>();
  private readonly changes = new EventEmitter();

  constructor() {
    // One listener per waiting site or driver: many sites may long-poll at once.
    this.changes.setMaxListeners(0);
  }

  post(posted: PostedTask): void {
    this.tasks.set(posted.task.taskId, posted);
    this.changes.emit('change');
  }

  withdraw(taskId: string): void {
    this.tasks.delete(taskId);
    this.changes.emit('change');
  }

  get(taskId: string): PostedTask | undefined {
    return this.tasks.get(taskId);
  }

  /**
   * The first task this site still owes a report for, in the order tasks were posted; job
   * tasks before the log's cosign requests, which can wait for the site's next idle moment.
   */
  nextFor(collab: string, site: string): PostedTask | undefined {
    let background: PostedTask | undefined;
    for (const posted of this.tasks.values()) {
      if (posted.collab !== collab) continue;
      if (!posted.recipients.has(site) || posted.reported.has(site)) continue;
      if (posted.task.kind !== 'cosign') return posted;
      background ??= posted;
    }
    return background;
  }

  markReported(taskId: string, site: string): void {
    const posted = this.tasks.get(taskId);
    if (!posted) return;
    posted.reported.add(site);
    this.changes.emit('change');
  }

  /** Resolve when `ready()` holds or at `deadline` (ms epoch), whichever comes first. */
  async until(ready: () => boolean, deadline: number, signal?: AbortSignal): Promise<boolean> {
    if (ready() || signal?.aborted) return ready();
    return new Promise<boolean>((resolve) => {
      const finish = (value: boolean) => {
        clearTimeout(timer);
        this.changes.off('change', onChange);
        signal?.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onChange = () => {
        if (ready()) finish(true);
      };
      const onAbort = () => finish(ready());
      const timer = setTimeout(() => finish(ready()), Math.max(0, deadline - Date.now()));
      this.changes.on('change', onChange);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Wake every waiter, e.g. so long-polls re-check after a task was withdrawn. */
  nudge(): void {
    this.changes.emit('change');
  }
}
