import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './db.js';
import { StoreError, type Backend } from './errors.js';

/**
 * Runs a store's transactions one at a time, and refuses calls on the store itself from
 * inside one of them: on PGlite such a call would wait for the transaction forever, on
 * Postgres it would silently run outside it.
 */
export class TransactionGate {
  readonly #scope = new AsyncLocalStorage<{ open: boolean }>();
  #tail: Promise<unknown> = Promise.resolve();

  constructor(readonly backend: Backend) {}

  run<R>(fn: () => Promise<R>): Promise<R> {
    const turn = this.#tail.then(async () => {
      const frame = { open: true };
      try {
        return await this.#scope.run(frame, fn);
      } finally {
        // Work the callback left running may outlive it; it may use the store again then.
        frame.open = false;
      }
    });
    this.#tail = turn.catch(() => undefined);
    return turn;
  }

  assertOutside(call: string): void {
    if (this.#scope.getStore()?.open === true) {
      throw new StoreError(
        this.backend,
        `${call}() called on the store inside one of its own transactions; use the tx passed to the callback`,
      );
    }
  }
}

/** Statement runners bound to the one connection a transaction holds. */
export interface Session {
  query<T extends object>(sql: string, params?: unknown[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
}

/** The `tx` handed to a transaction callback; nested transactions become savepoints. */
export function transactionDb(backend: Backend, session: Session, depth = 0): Db {
  return {
    kind: backend,
    query: (sql, params) => session.query(sql, params),
    exec: (sql) => session.exec(sql),
    async transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R> {
      const savepoint = `converge_sp_${depth + 1}`;
      await session.exec(`savepoint ${savepoint}`);
      let result: R;
      try {
        result = await fn(transactionDb(backend, session, depth + 1));
      } catch (error) {
        await session.exec(`rollback to savepoint ${savepoint}`);
        throw error;
      }
      await session.exec(`release savepoint ${savepoint}`);
      return result;
    },
    close(): Promise<void> {
      return Promise.reject(
        new StoreError(backend, 'close() called on a transaction handle; close the store'),
      );
    },
  };
}
