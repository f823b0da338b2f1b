import { DEFAULT_MAX_SKEW_MS, type NonceStore } from './verifier.js';

export interface MemoryNonceStoreOptions {
  /**
   * How long a nonce is remembered after its envelope's timestamp. Must be at least the
   * verifier's maxSkewMs: only then is every forgotten nonce one whose replay would be stale.
   */
  windowMs?: number;
  /** Same clock as the verifier's. */
  now?: () => number;
}

/**
 * Remembers claimed nonces in memory, for one process. Entries older than the window are swept
 * out periodically: the verifier refuses their envelopes as stale before asking us, so
 * forgetting them cannot let a replay through. Only verified envelopes reach `claim`, so an
 * unauthenticated client cannot grow this.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #seen = new Map<string, number>();
  readonly #windowMs: number;
  readonly #now: () => number;
  #nextSweep = Number.NEGATIVE_INFINITY;

  constructor(options: MemoryNonceStoreOptions = {}) {
    this.#windowMs = options.windowMs ?? DEFAULT_MAX_SKEW_MS;
    this.#now = options.now ?? Date.now;
    if (!Number.isFinite(this.#windowMs) || this.#windowMs <= 0) {
      throw new RangeError(`windowMs must be a positive number of ms, got ${this.#windowMs}`);
    }
  }

  async claim(sender: string, nonce: string, ts: number): Promise<boolean> {
    this.#sweep();
    const key = `${sender}/${nonce}`;
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, ts);
    return true;
  }

  /** Nonces currently remembered. */
  get size(): number {
    return this.#seen.size;
  }

  /** Full pass at most every quarter window: amortised O(1) per claim, ≤1.25 windows held. */
  #sweep(): void {
    const now = this.#now();
    if (now < this.#nextSweep) return;
    const cutoff = now - this.#windowMs;
    for (const [key, ts] of this.#seen) {
      if (ts < cutoff) this.#seen.delete(key);
    }
    this.#nextSweep = now + this.#windowMs / 4;
  }
}
