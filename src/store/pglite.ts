import path from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db } from './db.js';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import { StoreError, describeCause } from './errors.js';
import { migrate, type Migration } from './migrate.js';
import { TransactionGate, transactionDb, type Session } from './transactions.js';
import { OID, checkRows, parseByteaHex, parseInt8, serializeBytea } from './values.js';

/** PGlite's in-memory mode, for throwaway stores. */
const MEMORY_PREFIX = 'memory://';

/**
 * Opens (creating if needed) an embedded PGlite database in `dataDir` and migrates it.
 *
 * Durability: PGlite on Node mounts `dataDir` through Emscripten's NODEFS, which turns
 * every write into a synchronous `fs.writeSync`. With `synchronous_commit=on` (PGlite's
 * default) the commit's WAL record is written before the statement returns, so an
 * acknowledged commit is in the OS and survives kill -9 of this process. PGlite starts
 * Postgres with fsync off and NODEFS has no fsync, so it is not flushed to the device:
 * an OS crash or power loss can still lose recent commits. `relaxedDurability` only
 * matters for browser filesystems (it lets a query resolve before the sync); it must
 * stay off.
 */
export async function openPglite(dataDir: string, migrations: readonly Migration[]): Promise<Db> {
  const inMemory = dataDir.startsWith(MEMORY_PREFIX);
  const location = inMemory ? dataDir : path.resolve(dataDir);
  let lock: DataDirLock | undefined;
  let pg: PGlite;
  try {
    lock = inMemory ? undefined : lockDataDir(location);
    pg = await PGlite.create({
      dataDir: location,
      relaxedDurability: false,
      parsers: { [OID.int8]: parseInt8, [OID.bytea]: parseByteaHex },
      serializers: { [OID.bytea]: serializeBytea },
    });
  } catch (cause) {
    lock?.release();
    if (cause instanceof StoreError) throw cause;
    const reason = `cannot open data directory ${location}: ${describeCause(cause)}`;
    throw new StoreError('pglite', reason, { cause });
  }
  const db = pgliteDb(pg, lock);
  try {
    // The default already, but it is what makes an acknowledged commit reach the OS
    // (with it off, a commit acknowledged just before kill -9 is lost): say so explicitly.
    await db.exec('set synchronous_commit to on');
    await migrate(db, migrations);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

function pgliteDb(pg: PGlite, lock: DataDirLock | undefined): Db {
  const gate = new TransactionGate('pglite');
  const session = sessionOf(pg);
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    async query<T extends object>(sql: string, params?: unknown[]): Promise<T[]> {
      gate.assertOutside('query');
      return session.query<T>(sql, params);
    },
    async exec(sql: string): Promise<void> {
      gate.assertOutside('exec');
      await session.exec(sql);
    },
    async transaction<R>(fn: (tx: Db) => Promise<R>): Promise<R> {
      gate.assertOutside('transaction');
      return gate.run(() => pg.transaction((tx) => fn(transactionDb('pglite', sessionOf(tx)))));
    },
    close(): Promise<void> {
      closing ??= (async () => {
        try {
          await pg.close();
        } finally {
          lock?.release();
        }
      })();
      return closing;
    },
  };
}

function sessionOf(target: PGlite | Transaction): Session {
  return {
    async query<T extends object>(sql: string, params?: unknown[]): Promise<T[]> {
      const result = await target.query<T>(sql, params ?? []);
      return checkRows('pglite', result.rows);
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}
