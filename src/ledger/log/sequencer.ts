// Group commit: requests that arrive while a commit is in flight wait and go out together in the
// next one, so a burst of N appends costs one round of fsyncs instead of N. Requests keep their
// arrival order, so each one's items get consecutive indexes.

/** Commits items as one batch and returns the index given to the first of them. */
export type CommitBatch<T> = (items: T[]) => Promise<number>;

interface Request<T> {
  items: T[];
  resolve(firstIndex: number): void;
  reject(error: unknown): void;
}

export class Sequencer<T> {
  private queue: Request<T>[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly commit: CommitBatch<T>,
    /** Most items per commit; a single request must not exceed it. */
    readonly maxBatch: number,
  ) {
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1) {
      throw new RangeError(`batch limit must be a positive integer, got ${maxBatch}`);
    }
  }

  /** Resolves with the index of the first item once the batch holding them is committed. */
  submit(items: T[]): Promise<number> {
    if (items.length === 0 || items.length > this.maxBatch) {
      return Promise.reject(new RangeError(`a request holds 1..${this.maxBatch} items`));
    }
    const done = new Promise<number>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
    });
    // Started on the next turn of the event loop, so that a burst submitted together
    // (e.g. by Promise.all) shares the first commit.
    this.running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.run());
    return done;
  }

  /** Resolves once every request submitted so far has been committed or failed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.takeBatch();
        const items = batch.flatMap((request) => request.items);
        try {
          let index = await this.commit(items);
          for (const request of batch) {
            request.resolve(index);
            index += request.items.length;
          }
        } catch (error) {
          for (const request of batch) request.reject(error);
        }
      }
    } finally {
      this.running = undefined;
    }
  }

  /** The oldest requests whose items fit in one batch (always at least one request). */
  private takeBatch(): Request<T>[] {
    let count = 0;
    let take = 0;
    while (take < this.queue.length && count + this.queue[take]!.items.length <= this.maxBatch) {
      count += this.queue[take]!.items.length;
      take++;
    }
    return this.queue.splice(0, Math.max(take, 1));
  }
}
