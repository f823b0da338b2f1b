import { getJson } from '../api';
import type { LedgerStatus } from '../api-types';
import { parseCheckpoint, type Checkpoint } from './checkpoint';
import { decodeEntry, type DecodedEntry } from './entry-summary';
import { LogTiles } from './tiles';

export interface LogView {
  status: LedgerStatus;
  checkpoint: Checkpoint | null;
  tiles: LogTiles | null;
  entries: DecodedEntry[];
}

/** Reads the published log from its public tiles, as any outside monitor could. */
export async function readLog(collab: string): Promise<LogView> {
  const base = `/log/${encodeURIComponent(collab)}/`;
  const status = await getJson<LedgerStatus>(`${base}status`);
  if (!status.checkpoint) return { status, checkpoint: null, tiles: null, entries: [] };
  const checkpoint = parseCheckpoint(status.checkpoint);
  const tiles = new LogTiles(base, checkpoint.size);
  const entries = (await tiles.entries()).map((bytes, i) => decodeEntry(i, bytes));
  return { status, checkpoint, tiles, entries };
}
