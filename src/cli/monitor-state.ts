import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { parseCheckpoint, parseNote, type Checkpoint } from '../ledger/index.js';

// What a monitor remembers of a log between runs: the last checkpoint it verified, so that the
// next run can demand a proof that the log only grew since. One JSON file per log origin.

export const MonitorState = z.strictObject({
  v: z.literal(1),
  origin: z.string().min(1),
  /** The log's tlog-tiles prefix, for people reading the file. */
  url: z.string(),
  size: z.number().int().nonnegative(),
  /** Base64 root hash, for people; the checkpoint note is what counts. */
  root: z.string(),
  /** The cosigned checkpoint note last verified. */
  checkpoint: z.string().min(1),
  checkedAt: z.string(),
});
export type MonitorState = z.infer<typeof MonitorState>;

/** ~/.converge/monitor/<first 16 bytes of SHA-256(origin), hex>.json */
export function defaultStatePath(origin: string): string {
  const name = createHash('sha256').update(origin, 'utf8').digest('hex').slice(0, 32);
  return join(homedir(), '.converge', 'monitor', `${name}.json`);
}

/** The state in `path`, undefined if there is none yet; errors name the file and the field. */
export async function readMonitorState(
  path: string,
): Promise<{ state: MonitorState; checkpoint: Checkpoint } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === 'ENOENT') return undefined;
    throw new Error(`cannot read the monitor state ${path}: ${code ?? message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`monitor state ${path} is not JSON`);
  }
  const parsed = MonitorState.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`monitor state ${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  try {
    const checkpoint = parseCheckpoint(parseNote(parsed.data.checkpoint).text);
    if (checkpoint.origin !== parsed.data.origin) throw new Error('its origin differs');
    return { state: parsed.data, checkpoint };
  } catch (error) {
    throw new Error(`monitor state ${path}: checkpoint: ${(error as Error).message}`);
  }
}

/** Replaces the state through a temporary file, so a crash leaves the old state or the new. */
export async function writeMonitorState(path: string, state: MonitorState): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(MonitorState.parse(state), null, 2)}\n`);
  await rename(temporary, path);
}
