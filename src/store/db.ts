import type { Backend } from './errors.js';

/**
 * The one database interface the rest of Converge uses, whatever runs underneath.
 * Both backends return the same JS values: int8 → number, bytea → Uint8Array,
 * json/jsonb → parsed value, text → string.
 */
export interface Db {
  readonly kind: Backend;
  /** One statement, `$1`-style parameters. jsonb parameters: pass objects or JSON text. */
  query<T extends object>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Several statements separated by `;`, no parameters. */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in a transaction; transactions of one store run one at a time. A throw rolls
   * back and rethrows. Inside `fn` use `tx`, never the outer store (that would wait on
   * itself). `tx.transaction` nests as a savepoint.
   */
  transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}
