import type { Db } from './db.js';
import { StoreError, describeCause } from './errors.js';

/** One step of the schema's history. Ids only grow; an applied migration is never edited. */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

const CREATE_LEDGER = `
  create table if not exists schema_migrations (
    id integer primary key,
    name text not null,
    applied_at bigint not null
  )`;

/**
 * Applies the migrations not yet in `schema_migrations`, in id order, each in its own
 * transaction together with its ledger row, so each is applied exactly once. The caller
 * keeps other processes out meanwhile (the PGlite directory lock; an advisory lock on
 * Postgres). Returns the ids applied now.
 */
export async function migrate(db: Db, migrations: readonly Migration[]): Promise<number[]> {
  checkOrder(db, migrations);
  await db.exec(CREATE_LEDGER);
  const applied = await db.query<{ id: number; name: string }>(
    'select id, name from schema_migrations order by id',
  );
  const known = new Set(migrations.map((m) => m.id));
  const unknown = applied.find((row) => !known.has(row.id));
  if (unknown !== undefined) {
    throw new StoreError(
      db.kind,
      `the database has migration ${unknown.id} (${unknown.name}) that this build does not know; it was written by a newer Converge`,
    );
  }
  const done = new Set(applied.map((row) => row.id));
  const appliedNow: number[] = [];
  for (const migration of migrations) {
    if (done.has(migration.id)) continue;
    try {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query('insert into schema_migrations (id, name, applied_at) values ($1, $2, $3)', [
          migration.id,
          migration.name,
          Date.now(),
        ]);
      });
    } catch (cause) {
      throw new StoreError(
        db.kind,
        `migration ${migration.id} (${migration.name}) failed and was rolled back: ${describeCause(cause)}`,
        { cause },
      );
    }
    appliedNow.push(migration.id);
  }
  return appliedNow;
}

function checkOrder(db: Db, migrations: readonly Migration[]): void {
  let previous = 0;
  for (const { id, name } of migrations) {
    if (!Number.isInteger(id) || id <= previous) {
      throw new StoreError(
        db.kind,
        `migration list is out of order: ${id} (${name}) follows ${previous}; ids must be increasing integers from 1`,
      );
    }
    previous = id;
  }
}
