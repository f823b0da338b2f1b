import type { ChildProcess } from 'node:child_process';

/** `work`'s outcome, or 'late' if it has not settled within `ms`. */
async function within<T>(work: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((ok) => {
    timer = setTimeout(() => ok('late'), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * SIGTERM a child and wait for it to exit; one still running after `graceMs` (a shutdown
 * stuck, or starved on a busy machine) is named through `warn` and killed with SIGKILL, so
 * stopping always finishes. Resolves with how it ended.
 */
export async function stopProcess(
  child: ChildProcess,
  graceMs: number,
  warn: (message: string) => void,
): Promise<'exited' | 'killed'> {
  if (child.exitCode !== null || child.signalCode !== null) return 'exited';
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  if ((await within(exited, graceMs)) !== 'late') return 'exited';
  warn(`did not stop within ${graceMs} ms of SIGTERM: SIGKILL`);
  child.kill('SIGKILL');
  await exited;
  return 'killed';
}

/**
 * A node's own shutdown on SIGTERM: run `stop`, but give up after `graceMs`, so a stop stuck
 * on a promise that never settles (seen once on a loaded machine: a site idle for half an hour
 * after SIGTERM) still ends the process. Resolves with the exit code to use.
 */
export async function shutdownWithin(
  stop: () => Promise<void>,
  graceMs: number,
  warn: (message: string) => void,
): Promise<number> {
  const stopped = stop().then(
    () => 0,
    (error: unknown) => {
      warn(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    },
  );
  const outcome = await within(stopped, graceMs);
  if (outcome !== 'late') return outcome;
  warn(`shutdown did not finish within ${graceMs} ms; exiting anyway`);
  return 1;
}
