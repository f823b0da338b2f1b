/**
 * The job placements a collaboration's log holds, for the dashboard: every `job.placed` entry
 * with its index (the Ledger page proves it), and the compute sites the hub offers. Each log
 * is read once; later requests read only the entries appended since.
 */
import {
  decodeEntry,
  placementSettings,
  type LedgerEntry,
  type Recorder,
} from '../federation/index.js';
import type { Db } from '../store/index.js';

export type LoggedPlacement = Extract<LedgerEntry, { type: 'job.placed' }> & { index: number };

export interface PlacementListing {
  collab: string;
  /** Where the hub's compute sites come from; null when the hub places nothing. */
  source: string | null;
  sites: { id: string; name: string; country: string; lat?: number; lon?: number }[];
  placements: LoggedPlacement[];
}

export class PlacementListings {
  readonly #seen = new Map<string, Promise<{ size: number; found: LoggedPlacement[] }>>();

  constructor(
    private readonly db: Db,
    private readonly recorder: Recorder,
  ) {}

  async list(collab: string): Promise<PlacementListing> {
    const settings = placementSettings(this.db);
    const sites = settings
      ? settings.sites.network.sites.map((s) => ({
          id: s.id,
          name: s.name,
          country: s.country,
          ...(settings.sites.located.has(s.id) ? { lat: s.lat, lon: s.lon } : {}),
        }))
      : [];
    const { found } = await this.scan(collab);
    return { collab, source: settings?.sites.source ?? null, sites, placements: found };
  }

  /** Reads the entries appended since the last scan; scans of one log run one at a time. */
  private scan(collab: string): Promise<{ size: number; found: LoggedPlacement[] }> {
    const previous = this.#seen.get(collab) ?? Promise.resolve({ size: 0, found: [] });
    const next = previous
      .catch(() => ({ size: 0, found: [] as LoggedPlacement[] }))
      .then(async ({ size, found }) => {
        const log = await this.recorder.log(collab);
        const end = log.size;
        const more: LoggedPlacement[] = [];
        for (let index = size; index < end; index++) {
          const entry = decodeEntry(await log.entry(index));
          if (entry.type === 'job.placed') more.push({ ...entry, index });
        }
        return { size: end, found: [...found, ...more] };
      });
    this.#seen.set(collab, next);
    return next;
  }
}
