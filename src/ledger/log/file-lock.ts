import { readFileSync } from 'node:fs';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

// An exclusive lock between processes on one host: a file created with O_EXCL that names its
// holder (pid and start time). Node has no flock, so a holder killed with kill -9 leaves the file
// behind; a lock whose holder no longer runs (or is a zombie, or is a newer process that reused
// the pid) is stale and taken over. Two processes taking over one stale lock at the same
// instant can both win; a deployment runs one writer per directory anyway. A log directory or a witness's state must have one writer:
// two would sign diverging trees, which is exactly the split view the system exists to prevent.

export interface FileLock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** How long to keep retrying a lock held by a live process; 0 fails at once. */
  waitMs?: number;
}

export async function acquireFileLock(path: string, options: LockOptions = {}): Promise<FileLock> {
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    if (await tryCreate(path)) return { release: () => unlink(path).catch(() => undefined) };
    const holder = await readHolder(path);
    if (holder !== undefined && !isRunning(holder)) {
      // Stale: its holder is gone. Remove it and race for it like anyone else.
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid}` : 'another process';
      throw new Error(`${path} is locked by ${who}`);
    }
    await sleep(delay);
  }
}

interface Holder {
  pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22), where known. */
  start: string;
}

const self: Holder = { pid: process.pid, start: startTime(process.pid) ?? '' };

async function tryCreate(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(`${self.pid} ${self.start}\n`);
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Seconds after which a lock file that never got its holder line counts as abandoned. */
const UNWRITTEN_LOCK_SECONDS = 10;

async function readHolder(path: string): Promise<Holder | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  if (!text.endsWith('\n')) {
    // Caught between creation and its first write, its creator is alive; unless it is old.
    const age = await stat(path).then(
      (s) => (Date.now() - s.mtimeMs) / 1000,
      () => 0,
    );
    return age > UNWRITTEN_LOCK_SECONDS ? { pid: 0, start: '' } : undefined;
  }
  const [pid = '', start = ''] = text.trim().split(' ');
  return /^[1-9][0-9]*$/.test(pid) ? { pid: Number(pid), start } : { pid: 0, start: '' };
}

function isRunning({ pid, start }: Holder): boolean {
  if (pid === 0) return false;
  if (process.platform === 'linux') {
    const now = startTime(pid);
    return now !== undefined && (start === '' || now === start);
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A live process's start time, or undefined if it is gone or a zombie. */
function startTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after "(comm)": state is the 3rd field of the line, start time the 22nd.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}
