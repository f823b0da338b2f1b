import { ApiError } from './api';
import type { HubOverview } from './api-types';
import { followEvents } from './event-stream';

// The hub's overview (collaborations, members, jobs), followed over server-sent events so that
// every page sees a new job or a new trust level without polling or a reload.

export type OverviewState =
  | { state: 'loading' }
  /** No overview yet, or the token was refused (status 401). */
  | { state: 'error'; error: Error }
  /** `lost`: the stream broke after this overview arrived; it is being followed again. */
  | { state: 'ready'; value: HubOverview; lost: Error | null };

/** Waits before following again, by the number of failures in a row. */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000];

class OverviewFeed {
  #state: OverviewState = { state: 'loading' };
  readonly #listeners = new Set<() => void>();
  readonly #abort = new AbortController();

  constructor(readonly token: string) {
    void this.#follow();
  }

  readonly subscribe = (listener: () => void) => {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  };

  readonly snapshot = () => this.#state;

  close(): void {
    this.#abort.abort();
  }

  #set(state: OverviewState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener();
  }

  async #follow(): Promise<void> {
    const { signal } = this.#abort;
    for (let failures = 0; ; failures++) {
      let lost: Error;
      try {
        await followEvents(
          '/v1/overview/events',
          this.token,
          'overview',
          (data) => {
            if (this.#state.state !== 'ready') performance.mark('converge:overview');
            failures = 0;
            this.#set({ state: 'ready', value: JSON.parse(data) as HubOverview, lost: null });
          },
          signal,
        );
        lost = new Error('the hub closed the overview stream; following it again');
      } catch (err) {
        if (signal.aborted) return;
        lost = err instanceof Error ? err : new Error(String(err));
        // A refused token will not be accepted on the next try either.
        if (err instanceof ApiError && err.status === 401) {
          this.#set({ state: 'error', error: lost });
          return;
        }
      }
      if (signal.aborted) return;
      const was = this.#state;
      this.#set(was.state === 'ready' ? { ...was, lost } : { state: 'error', error: lost });
      const wait = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)];
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

let current: OverviewFeed | undefined;

/** The overview feed for this token, started on first use (main.tsx starts it before React). */
export function overviewFeed(token: string): OverviewFeed {
  if (current?.token !== token) {
    current?.close();
    current = new OverviewFeed(token);
  }
  return current;
}

/** Stops following (signing out). */
export function closeOverviewFeed(): void {
  current?.close();
  current = undefined;
}
