import fs from 'node:fs';
import path from 'node:path';
import { StoreError } from './errors.js';

const LOCK_FILE = 'converge.lock';

/** Directories this process holds, so a reused pid (containers: pid 1) is told apart. */
const heldHere = new Set<string>();

export interface DataDirLock {
  release(): void;
}

/**
 * Claims a PGlite data directory for this process. PGlite is single-process: two
 * processes writing one directory would corrupt it. A lock left by a process that died
 * (kill -9) is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = path.resolve(dataDir);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file)) {
      heldHere.add(dir);
      return {
        release() {
          heldHere.delete(dir);
          fs.rmSync(file, { force: true });
        },
      };
    }
    const owner = readOwner(file);
    if (owner !== undefined && isAlive(owner, dir)) {
      throw new StoreError(
        'pglite',
        `data directory ${dir} is in use by process ${owner}; only one process may open it (remove ${file} if that process is not a Converge node)`,
      );
    }
    fs.rmSync(file, { force: true });
  }
  throw new StoreError(
    'pglite',
    `could not claim data directory ${dir}: ${file} keeps reappearing`,
  );
}

/** Creates the lock atomically with its content: written aside, then hard-linked in place. */
function tryCreate(file: string): boolean {
  const draft = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(draft, `${process.pid}\n`);
  try {
    fs.linkSync(draft, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

function readOwner(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined; // vanished meanwhile: the next attempt decides
  }
}

function isAlive(pid: number, dir: string): boolean {
  if (pid === process.pid) return heldHere.has(dir);
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}
