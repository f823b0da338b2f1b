import type { Logger } from 'pino';
import { encodeFrame } from '../node/frame.js';
import type { TaskBoard, PostedTask } from './task-board.js';

/**
 * Post a task and wait for its recipients' reports until `deadline`; if fewer than `enough`
 * answered by then, wait up to `graceMs` longer for stragglers rather than fail at once. The
 * task is withdrawn afterwards, whatever happened.
 */
export async function offerTask(
  board: TaskBoard,
  posted: PostedTask,
  deadline: number,
  enough: number,
  graceMs: number,
  signal: AbortSignal,
): Promise<void> {
  board.post(posted);
  try {
    const all = () => posted.reported.size >= posted.recipients.size;
    // Re-checked on every wake-up: only every answer, the deadline or an abort ends the wait.
    while (!all() && Date.now() < deadline && !signal.aborted) {
      await board.until(all, deadline, signal);
    }
    if (posted.reported.size < enough && !signal.aborted) {
      await board.until(() => posted.reported.size >= enough, Date.now() + graceMs, signal);
    }
  } finally {
    board.withdraw(posted.task.taskId);
  }
}

/**
 * Offer `task` to `recipients`, taking each report in memory through `accept` as it arrives
 * (secure rounds and analytics store nothing until they are whole); resolves with who answered.
 */
export async function gatherReports(
  board: TaskBoard,
  input: {
    collab: string;
    task: PostedTask['task'];
    tensors?: PostedTask['tensors'];
    recipients: readonly string[];
    deadline: number;
    enough: number;
    graceMs: number;
    signal: AbortSignal;
    accept: NonNullable<PostedTask['accept']>;
    /** Where recipients that never answered are reported, with how long the hub waited. */
    log: Pick<Logger, 'warn'>;
  },
): Promise<ReadonlySet<string>> {
  const started = Date.now();
  const tensors = input.tensors ?? [];
  const posted: PostedTask = {
    collab: input.collab,
    task: input.task,
    frame: encodeFrame(input.task, tensors),
    tensors,
    recipients: new Set(input.recipients),
    reported: new Set(),
    accept: input.accept,
  };
  await offerTask(board, posted, input.deadline, input.enough, input.graceMs, input.signal);
  const silent = input.recipients.filter((s) => !posted.reported.has(s));
  if (silent.length > 0 && !input.signal.aborted) {
    const waitedMs = Date.now() - started;
    input.log.warn({ task: input.task.taskId, silent, waitedMs }, 'no answer');
  }
  return posted.reported;
}
