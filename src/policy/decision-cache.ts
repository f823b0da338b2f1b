import type { PolicyDecision } from './decision.js';

/**
 * Decisions remembered by the exact request text. Cedar is deterministic, so a request seen
 * before under the same packs has the same decision; hubs ask the same question every round.
 * Least recently used entries go first. Installing a pack clears it.
 */
export class DecisionCache {
  readonly #entries = new Map<string, PolicyDecision>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = Math.max(0, Math.floor(capacity));
  }

  get enabled(): boolean {
    return this.#capacity > 0;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): PolicyDecision | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, decision: PolicyDecision): void {
    if (!this.enabled) return;
    this.#entries.delete(key);
    this.#entries.set(key, decision);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  clear(): void {
    this.#entries.clear();
  }
}

/** The cache key: the request as given, plus the date a dateless request would get. */
export function cacheKey(input: unknown, today: string): string | undefined {
  try {
    const text = JSON.stringify(input);
    return text === undefined ? undefined : `${today}\n${text}`;
  } catch {
    return undefined; // cycles or BigInts: not cacheable; validation will refuse it anyway
  }
}
