import { constants, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

// File-system durability on POSIX: a write is durable once the file's data is fsynced AND the
// directory entry naming it is fsynced in its parent (for every directory that was created on
// the way, too). A rename is the only atomic replacement, and is durable once its directory is.

export interface FileWrite {
  /** Path relative to the root directory. */
  path: string;
  data: Uint8Array;
}

/** Flags for a write that returns only once the data is on stable storage (write + fdatasync). */
const SYNCED_WRITE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_DSYNC;

/**
 * Writes every file (replacing any old one) and makes them durable. All files are created
 * first; then their synchronous writes and the fsyncs of the directories that gained entries
 * run together: one round of syncs per batch, not one per file. `knownDirs` caches directories
 * that exist, to skip their mkdir.
 */
export async function writeFilesDurably(
  root: string,
  files: readonly FileWrite[],
  knownDirs: Set<string> = new Set(),
): Promise<void> {
  const dirs = new Set<string>();
  const handles = await Promise.all(
    files.map(async ({ path }) => {
      const full = join(root, path);
      const parent = dirname(full);
      if (!knownDirs.has(parent)) {
        const created = await mkdir(parent, { recursive: true });
        // Each directory created on the way is a new entry in its own parent.
        if (created !== undefined) {
          for (let dir = parent; dir.length >= created.length; dir = dirname(dir)) {
            dirs.add(dirname(dir));
          }
        }
        knownDirs.add(parent);
      }
      dirs.add(parent);
      return open(full, SYNCED_WRITE);
    }),
  );
  await Promise.all([
    ...handles.map(async (handle, i) => {
      try {
        await handle.writeFile(files[i]!.data);
      } finally {
        await handle.close();
      }
    }),
    ...[...dirs].map(fsyncDirectory),
  ]);
}

/** Writes `data` to `path` and syncs it, without making its directory entry durable. */
export async function writeFileSynced(path: string, data: Uint8Array | string): Promise<void> {
  const handle = await open(path, SYNCED_WRITE);
  try {
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}

/** mkdir -p whose new directories survive power loss: each new entry's parent is fsynced. */
export async function ensureDirectoryDurably(dir: string): Promise<void> {
  const created = await mkdir(dir, { recursive: true });
  if (created === undefined) return;
  for (let path = dir; path.length >= created.length; path = dirname(path)) {
    await fsyncDirectory(dirname(path));
  }
}

export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Atomically replaces `path` with `data`: write a temporary file, fsync, rename, fsync dir. */
export async function replaceFileDurably(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFileSynced(temporary, data);
  await renameDurably(temporary, path);
}

/** Renames within one directory and fsyncs that directory: the rename is then durable. */
export async function renameDurably(from: string, to: string): Promise<void> {
  await rename(from, to);
  await fsyncDirectory(dirname(to));
}

/** The file's bytes, or undefined if it does not exist. */
export async function readFileIfExists(path: string): Promise<Uint8Array | undefined> {
  try {
    const bytes = await readFile(path);
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function removeIfExists(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
