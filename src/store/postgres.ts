import pg from 'pg';
import type { Db } from './db.js';
import { StoreError, describeCause } from './errors.js';
import { migrate, type Migration } from './migrate.js';
import { TransactionGate, transactionDb, type Session } from './transactions.js';
import { OID, checkRows, isByteaHex, parseByteaHex, parseInt8 } from './values.js';

/**
 * Opens a store on a PostgreSQL server, confined to `schema` so that several nodes can
 * share one database, and migrates it. Every pooled connection gets `search_path` set to
 * the schema before its first use. Transactions run one at a time per store, and also
 * across processes that open the same schema (a transaction-level advisory lock).
 */
export async function openPostgres(
  databaseUrl: string,
  schema: string,
  migrations: readonly Migration[],
): Promise<Db> {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    types: { getTypeParser: normalisingTypeParser },
    // Bounds both reaching the server and waiting for a free pooled connection.
    connectionTimeoutMillis: 30_000,
  });
  // A pooled connection that dies while idle is dropped by the pool; without a listener
  // the error would crash the process.
  pool.on('error', (error) => {
    process.emitWarning(`converge store: idle Postgres connection lost: ${error.message}`);
  });
  const acquire = connector(pool, schema);

  let client: pg.PoolClient;
  try {
    client = await acquire();
  } catch (cause) {
    await pool.end().catch(() => undefined);
    throw new StoreError(
      'postgres',
      `cannot connect to ${describeUrl(databaseUrl)}: ${describeCause(cause)}`,
      { cause },
    );
  }
  try {
    await prepareSchema(client, schema, migrations);
    client.release();
  } catch (error) {
    client.release(true); // ends the session, which also frees its advisory lock
    await pool.end().catch(() => undefined);
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      'postgres',
      `cannot prepare schema "${schema}" in ${describeUrl(databaseUrl)}: ${describeCause(error)}`,
      { cause: error },
    );
  }
  return postgresDb(pool, acquire, schema);
}

/** Creates the schema and migrates it while holding a per-schema advisory lock. */
async function prepareSchema(
  client: pg.PoolClient,
  schema: string,
  migrations: readonly Migration[],
): Promise<void> {
  const key = `converge:migrate:${schema}`;
  await client.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
  // Checked first: `create schema if not exists` needs CREATE on the database even when
  // the schema exists, and a DBA may have made it for a role that lacks that right.
  const existing = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
  if (existing.rowCount === 0) await client.query(`create schema ${quoteIdent(schema)}`);
  await migrate(clientDb(client), migrations);
  await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
}

function postgresDb(pool: pg.Pool, acquire: () => Promise<pg.PoolClient>, schema: string): Db {
  const gate = new TransactionGate('postgres');
  const serialKey = `converge:tx:${schema}`;
  let closing: Promise<void> | undefined;
  return {
    kind: 'postgres',
    async query<T extends object>(sql: string, params?: unknown[]): Promise<T[]> {
      gate.assertOutside('query');
      const client = await acquire();
      try {
        return await sessionOf(client).query<T>(sql, params);
      } finally {
        client.release();
      }
    },
    async exec(sql: string): Promise<void> {
      gate.assertOutside('exec');
      const client = await acquire();
      try {
        await client.query(sql);
      } finally {
        client.release();
      }
    },
    async transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R> {
      gate.assertOutside('transaction');
      return gate.run(async () => {
        const client = await acquire();
        try {
          const result = await inTransaction(client, fn, serialKey);
          client.release();
          return result;
        } catch (error) {
          client.release(error instanceof BrokenSessionError);
          throw error instanceof BrokenSessionError ? error.original : error;
        }
      });
    },
    close(): Promise<void> {
      closing ??= pool.end();
      return closing;
    },
  };
}

/** Thrown when a failed transaction could not even be rolled back: the connection is unusable. */
class BrokenSessionError extends Error {
  constructor(readonly original: unknown) {
    super('connection broken during rollback');
  }
}

async function inTransaction<R>(
  client: pg.PoolClient,
  fn: (tx: Db) => Promise<R>,
  serialKey?: string,
): Promise<R> {
  await client.query('begin');
  try {
    if (serialKey !== undefined) {
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [serialKey]);
    }
    const result = await fn(transactionDb('postgres', sessionOf(client)));
    const commit = await client.query('commit');
    // Postgres answers COMMIT of an aborted transaction with ROLLBACK, not an error.
    if (commit.command === 'ROLLBACK') {
      throw new StoreError(
        'postgres',
        'transaction was rolled back: a statement in it failed and the error was caught',
      );
    }
    return result;
  } catch (error) {
    try {
      await client.query('rollback');
    } catch {
      throw new BrokenSessionError(error);
    }
    throw error;
  }
}

/** A Db over one held connection, used to migrate under the session's advisory lock. */
function clientDb(client: pg.PoolClient): Db {
  const session = sessionOf(client);
  return {
    kind: 'postgres',
    query: (sql, params) => session.query(sql, params),
    exec: (sql) => session.exec(sql),
    transaction: (fn) => inTransaction(client, fn),
    close: () => Promise.resolve(),
  };
}

function sessionOf(client: pg.PoolClient): Session {
  return {
    async query<T extends object>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await client.query<T>(sql, params);
      return checkRows('postgres', result.rows);
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

/** Hands out pooled connections, setting each one's search_path before its first use. */
function connector(pool: pg.Pool, schema: string): () => Promise<pg.PoolClient> {
  const prepared = new WeakSet<pg.PoolClient>();
  return async () => {
    const client = await pool.connect();
    if (!prepared.has(client)) {
      try {
        await client.query(`set search_path to ${quoteIdent(schema)}`);
      } catch (error) {
        client.release(true);
        throw error;
      }
      prepared.add(client);
    }
    return client;
  };
}

/** int8 → number and bytea → Uint8Array, as PGlite returns them; the rest as `pg` does. */
function normalisingTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown {
  const fallback = pg.types.getTypeParser(oid, format ?? 'text') as (text: string) => unknown;
  if (format === 'binary') return fallback;
  if (oid === OID.int8) return parseInt8;
  if (oid === OID.bytea) {
    return (text) =>
      isByteaHex(text) ? parseByteaHex(text) : new Uint8Array(fallback(text) as Buffer);
  }
  return fallback;
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The server's address for messages, never the password. */
function describeUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    const user = url.username === '' ? '' : `${decodeURIComponent(url.username)}@`;
    return `postgres://${user}${url.host}${url.pathname}`;
  } catch {
    return 'the configured database URL';
  }
}
