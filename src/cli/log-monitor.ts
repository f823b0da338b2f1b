import { ProofError, auditLog, verifyConsistency, type Checkpoint } from '../ledger/index.js';
import { cosignedCheckpoint, type HubLog } from './log-hub.js';
import { parseLogEntry } from './log-entry.js';
import { defaultStatePath, readMonitorState, writeMonitorState } from './monitor-state.js';

// A monitor of one collaboration's log. Each run takes the hub's cosigned checkpoint and checks,
// stopping at the first discrepancy: the log key and the witness quorum signed it; the log only
// grew since the checkpoint the last run saw (a consistency proof built from the tiles); every
// entry is a well-formed log entry; and replaying every entry rebuilds every stored tile and the
// checkpoint's root. Only then does it remember the checkpoint for the next run.

export interface MonitorReport {
  origin: string;
  /** The cosigned checkpoint note as served. */
  note: string;
  checkpoint: Checkpoint;
  /** How many entries of each type the log holds (each parsed once, during the audit). */
  types: Record<string, number>;
  cosigners: string[];
  /** The checkpoint the previous run saw, if any. */
  previous?: Checkpoint;
  entries: number;
  tilesCompared: number;
  statePath: string;
}

export async function monitorLog(
  log: HubLog,
  statePath: string = defaultStatePath(log.origin),
  now: Date = new Date(),
): Promise<MonitorReport> {
  const { note, checkpoint, cosigners } = await cosignedCheckpoint(log);
  const saved = await readMonitorState(statePath);
  if (saved && saved.state.origin !== log.origin) {
    throw new Error(
      `monitor state ${statePath} is for the log ${saved.state.origin}, not ${log.origin}`,
    );
  }
  if (saved) requireNoRollback(saved.checkpoint, checkpoint, statePath);
  // The tiles are audited first, so that a failed consistency proof below blames the history.
  const types: Record<string, number> = {};
  const { entries, tilesCompared } = await auditLog(log.client, checkpoint, {
    onEntry: (index, entry) => {
      const { type } = parseLogEntry(index, entry);
      types[type] = (types[type] ?? 0) + 1;
    },
  });
  if (saved) await requireConsistency(log, saved.checkpoint, checkpoint, statePath);
  await writeMonitorState(statePath, {
    v: 1,
    origin: log.origin,
    url: log.prefix.href,
    size: checkpoint.size,
    root: base64(checkpoint.root),
    checkpoint: note,
    checkedAt: now.toISOString(),
  });
  return {
    origin: log.origin,
    note,
    checkpoint,
    types,
    cosigners,
    ...(saved ? { previous: saved.checkpoint } : {}),
    entries,
    tilesCompared,
    statePath,
  };
}

function requireNoRollback(previous: Checkpoint, current: Checkpoint, statePath: string): void {
  if (current.size < previous.size) {
    throw new Error(
      `the log rolled back: its checkpoint (${describe(current)}) is smaller than ${lastSeen(previous, statePath)}`,
    );
  }
}

/** Throws unless `current` extends `previous`: the log rewrote no history it had shown. */
async function requireConsistency(
  { client }: HubLog,
  previous: Checkpoint,
  current: Checkpoint,
  statePath: string,
): Promise<void> {
  if (previous.size === 0) return;
  const proof =
    current.size === previous.size ? [] : await client.proveConsistency(previous.size, current);
  try {
    verifyConsistency({
      size1: previous.size,
      size2: current.size,
      proof,
      root1: previous.root,
      root2: current.root,
    });
  } catch (error) {
    if (!(error instanceof ProofError)) throw error;
    throw new Error(
      `the log's checkpoint (${describe(current)}) is not consistent with ${lastSeen(previous, statePath)}: ${error.message}`,
    );
  }
}

function lastSeen(previous: Checkpoint, statePath: string): string {
  return `the checkpoint last seen (${describe(previous)}, in ${statePath})`;
}

function describe({ size, root }: Checkpoint): string {
  return `size ${size}, root ${base64(root)}`;
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}
