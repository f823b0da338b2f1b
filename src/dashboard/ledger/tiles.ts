import { nodeHash, type Hash, type SubtreeReader } from './merkle';

// Reads a collaboration's log from its public tlog-tiles URLs ({hub}/log/{collab}/tile/…):
// entry bundles for the entries, hash tiles for proofs. Nothing read here is trusted; every
// entry shown as verified went through an inclusion proof against the checkpoint's root.

const WIDTH = 256;
const HASH = 32;

/** "tile/0/x001/234.p/7": the index in 3-digit groups, all but the last prefixed "x". */
export function tilePath(level: number | 'entries', index: number, width: number): string {
  let n = String(index % 1000).padStart(3, '0');
  for (let rest = Math.floor(index / 1000); rest > 0; rest = Math.floor(rest / 1000)) {
    n = `x${String(rest % 1000).padStart(3, '0')}/${n}`;
  }
  return `tile/${level}/${n}${width === WIDTH ? '' : `.p/${width}`}`;
}

/** Entries of a bundle: each a big-endian uint16 length, then the bytes. */
export function decodeBundle(bundle: Uint8Array): Uint8Array[] {
  const entries: Uint8Array[] = [];
  for (let offset = 0; offset < bundle.length;) {
    if (offset + 2 > bundle.length) throw new Error('the entry bundle ends inside a length');
    const length = (bundle[offset]! << 8) | bundle[offset + 1]!;
    const end = offset + 2 + length;
    if (end > bundle.length) throw new Error('the entry bundle ends inside an entry');
    entries.push(bundle.subarray(offset + 2, end));
    offset = end;
  }
  return entries;
}

export class LogTiles {
  private readonly cache = new Map<string, Promise<Uint8Array>>();

  /** `base` is the log's URL, e.g. "/log/heart/"; `size` the checkpoint's tree size. */
  constructor(
    private readonly base: string,
    readonly size: number,
  ) {}

  /** Every entry of the tree, in order. */
  async entries(): Promise<Uint8Array[]> {
    const bundles = Math.ceil(this.size / WIDTH);
    const all = await Promise.all(
      Array.from({ length: bundles }, (_, n) => this.tile('entries', n)),
    );
    return all.flatMap((bundle, n) => {
      const entries = decodeBundle(bundle);
      const want = this.widthOf('entries', n);
      if (entries.length < want)
        throw new Error(`entry bundle ${n} holds ${entries.length} entries, want ${want}`);
      return entries.slice(0, want);
    });
  }

  async entry(index: number): Promise<Uint8Array> {
    const entries = decodeBundle(await this.tile('entries', Math.floor(index / WIDTH)));
    const entry = entries[index % WIDTH];
    if (!entry) throw new Error(`entry ${index} is missing from its bundle`);
    return entry;
  }

  /** Reads subtree hashes from hash tiles: level L of tiles holds subtrees of 256^L leaves. */
  readonly subtree: SubtreeReader = async (height, index) => {
    const level = Math.floor(height / 8);
    const span = 2 ** (height % 8);
    const first = index * span;
    const n = Math.floor(first / WIDTH);
    const tile = await this.tile(level, n);
    const start = (first % WIDTH) * HASH;
    if (tile.length < start + span * HASH) throw new Error(`hash tile ${level}/${n} is too short`);
    let row: Hash[] = [];
    for (let i = 0; i < span; i++) row.push(tile.slice(start + i * HASH, start + (i + 1) * HASH));
    while (row.length > 1) {
      const next: Hash[] = [];
      for (let i = 0; i < row.length; i += 2) next.push(await nodeHash(row[i]!, row[i + 1]!));
      row = next;
    }
    return row[0]!;
  };

  private widthOf(level: number | 'entries', n: number): number {
    const hashes = Math.floor(this.size / WIDTH ** (level === 'entries' ? 0 : level));
    return Math.min(WIDTH, hashes - n * WIDTH);
  }

  /** A tile as wide as the tree has it; a log may drop a partial tile once the full one exists. */
  private tile(level: number | 'entries', n: number): Promise<Uint8Array> {
    const width = this.widthOf(level, n);
    const key = `${level}/${n}/${width}`;
    let loading = this.cache.get(key);
    if (!loading) {
      loading = this.fetchTile(level, n, width);
      this.cache.set(key, loading);
    }
    return loading;
  }

  private async fetchTile(level: number | 'entries', n: number, width: number) {
    let res = await fetch(this.base + tilePath(level, n, width));
    if (res.status === 404 && width < WIDTH)
      res = await fetch(this.base + tilePath(level, n, WIDTH));
    if (!res.ok) throw new Error(`${tilePath(level, n, width)}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  }
}
