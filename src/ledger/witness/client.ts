import type { Hash } from '../hash.js';
import { formatAddCheckpointRequest } from './request.js';
import { TLOG_SIZE_TYPE } from './witness.js';

// The log's side of tlog-witness: ask a witness to cosign a checkpoint. A witness that answers
// 409 with text/x.tlog.size says which size it last cosigned; the log then sends a
// consistency proof from that size instead.

export type AddCheckpointResult =
  | { kind: 'cosigned'; cosignatures: string }
  /** 409: latestSize is the size the witness holds, if it said (else: same size, other root). */
  | { kind: 'conflict'; latestSize: number | undefined }
  | { kind: 'refused'; status: number; error: string };

/** Builds the consistency proof from `oldSize` to the checkpoint being cosigned. */
export type ProveFrom = (oldSize: number) => Promise<Hash[]>;

export class WitnessClient {
  private readonly base: URL;
  private readonly fetch: typeof fetch;

  constructor(prefix: string | URL, options: { fetch?: typeof fetch } = {}) {
    const url = new URL(prefix);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    this.base = url;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async addCheckpoint(note: string, oldSize: number, proof: Hash[]): Promise<AddCheckpointResult> {
    const response = await this.fetch(new URL('add-checkpoint', this.base), {
      method: 'POST',
      body: formatAddCheckpointRequest({ oldSize, proof, note }),
    });
    const text = await response.text();
    if (response.status === 200) return { kind: 'cosigned', cosignatures: text };
    if (response.status === 409) {
      const sized = response.headers.get('content-type') === TLOG_SIZE_TYPE;
      const match = /^(0|[1-9][0-9]*)\n$/.exec(text);
      return { kind: 'conflict', latestSize: sized && match ? Number(match[1]) : undefined };
    }
    return { kind: 'refused', status: response.status, error: text.trim() };
  }

  /** The witness's latest cosigned checkpoint of `origin`, or undefined if it has none. */
  async latest(origin: string): Promise<string | undefined> {
    const response = await this.fetch(new URL(`latest/${encodeURIComponent(origin)}`, this.base));
    if (response.status === 404) return undefined;
    if (response.status !== 200) throw new Error(`witness latest: HTTP ${response.status}`);
    return response.text();
  }

  /**
   * Gets this witness's cosignature lines for `note` (a checkpoint of size `size`), starting
   * from the size it is believed to hold, and catching up once if it holds another.
   */
  async cosign(
    note: string,
    size: number,
    believedSize: number,
    proveFrom: ProveFrom,
  ): Promise<{ cosignatures: string }> {
    let oldSize = believedSize;
    for (let attempt = 0; attempt < 2; attempt++) {
      const proof = oldSize === 0 || oldSize === size ? [] : await proveFrom(oldSize);
      const result = await this.addCheckpoint(note, oldSize, proof);
      if (result.kind === 'cosigned') return { cosignatures: result.cosignatures };
      if (result.kind === 'conflict' && result.latestSize !== undefined) {
        if (result.latestSize > size) {
          throw new Error(`witness ${this.base} holds size ${result.latestSize}, past ${size}`);
        }
        if (result.latestSize !== oldSize) {
          oldSize = result.latestSize;
          continue;
        }
      }
      const reason =
        result.kind === 'refused'
          ? `HTTP ${result.status} ${result.error}`
          : 'HTTP 409: it cosigned a different checkpoint of this size';
      throw new Error(`witness ${this.base} refused size ${size}: ${reason}`);
    }
    throw new Error(`witness ${this.base} kept changing its size; retry later`);
  }
}
