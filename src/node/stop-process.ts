import type { ChildProcess } from 'node:child_process';

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
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((ok) => {
    timer = setTimeout(() => ok('late'), graceMs);
  });
  const outcome = await Promise.race([exited.then(() => 'exited' as const), late]);
  clearTimeout(timer);
  if (outcome === 'exited') return 'exited';
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
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((ok) => {
    timer = setTimeout(() => ok('late'), graceMs);
  });
  const outcome = await Promise.race([
    stop().then(
      () => 'stopped' as const,
      (error: unknown) => {
        warn(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        return 'failed' as const;
      },
    ),
    late,
  ]);
  clearTimeout(timer);
  if (outcome === 'late') warn(`shutdown did not finish within ${graceMs} ms; exiting anyway`);
  return outcome === 'stopped' ? 0 : 1;
}
