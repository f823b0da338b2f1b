import type { Logger } from 'pino';
import type { Db } from '../store/index.js';
import type { LedgerEvent } from './record/entries.js';
import type { TaskBoard } from './task-board.js';

/** What a job driver needs from the hub node around it. */
export interface HubContext {
  db: Db;
  board: TaskBoard;
  log: Logger;
  /** Key ids of the collaboration's data sites, sorted. */
  sitesOf(collab: string): Promise<string[]>;
  /** Human name of a member key, for reports and errors. */
  nameOf(collab: string, keyId: string): Promise<string>;
  /**
   * Appends events to the collaboration's log, durably, before the state they record commits;
   * resolves with the first event's index (undefined where the hub keeps no log, in tests).
   */
  record(collab: string, events: LedgerEvent[]): Promise<number | undefined>;
  /** Called after every state change of a job, e.g. to stream progress to watchers. */
  onProgress(jobId: string, event: JobEvent): void;
}

export type JobEvent =
  | { kind: 'phase'; phase: string }
  | { kind: 'round'; round: number; participants: string[]; dropped: string[]; ms: number }
  | { kind: 'finished' }
  | { kind: 'failed'; error: string };
