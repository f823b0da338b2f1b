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
