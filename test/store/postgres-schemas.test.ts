import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { migrations, openStore, StoreError, type Db } from '../../src/store/index.js';
import { dropSchemas, startTestPostgres, uniqueSchema } from '../support/postgres.js';

const server = await startTestPostgres();
const created: string[] = [];
afterAll(async () => {
  if (server?.external) await dropSchemas(server.url, created);
  await server?.stop();
});

/** A schema name for this run, dropped afterwards on a server the tests do not own. */
function schemaFor(prefix: string): string {
  const schema = uniqueSchema(prefix);
  created.push(schema);
  return schema;
}

describe.skipIf(server === undefined)('postgres: nodes sharing one database', () => {
  const url = server?.url ?? '';
  const open: Db[] = [];
  const openSchema = async (schema: string) => {
    const db = await openStore({ databaseUrl: url, schema });
    open.push(db);
    return db;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((db) => db.close()));
  });

  it('keeps each node in its own schema', async () => {
    const berlin = await openSchema(schemaFor('berlin'));
    const lyon = await openSchema(schemaFor('lyon'));
    await berlin.query(`insert into node_meta values ('name', '"berlin"')`);
    await lyon.query(`insert into node_meta values ('name', '"lyon"')`);

    expect(await berlin.query('select value from node_meta')).toEqual([{ value: 'berlin' }]);
    expect(await lyon.query('select value from node_meta')).toEqual([{ value: 'lyon' }]);
    const ledgers = await Promise.all(
      [berlin, lyon].map((db) => db.query('select id from schema_migrations')),
    );
    expect(ledgers).toEqual([
      migrations.map((m) => ({ id: m.id })),
      migrations.map((m) => ({ id: m.id })),
    ]);
  });

  it('applies migrations once when several processes open a new schema at the same moment', async () => {
    const schema = schemaFor('race');
    const stores = await Promise.all([1, 2, 3, 4].map(() => openSchema(schema)));
    const ledger = await stores[0]!.query<{ id: number }>('select id from schema_migrations');
    expect(ledger.map((row) => row.id)).toEqual(migrations.map((m) => m.id));
  });

  it('serialises transactions of two stores on one schema', async () => {
    const schema = schemaFor('shared');
    const [first, second] = [await openSchema(schema), await openSchema(schema)];
    await first!.query(`insert into node_meta values ('counter', '0')`);
    const increment = (db: Db) =>
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ value: number }>(
          `select value from node_meta where key = 'counter'`,
        );
        await sleep(2);
        await tx.query(`update node_meta set value = $1 where key = 'counter'`, [
          JSON.stringify((row?.value ?? 0) + 1),
        ]);
      });
    await Promise.all(Array.from({ length: 10 }, (_, i) => increment(i % 2 ? first! : second!)));
    expect(await first!.query(`select value from node_meta`)).toEqual([{ value: 10 }]);
  });
});

describe('postgres: clear errors', () => {
  it('names the backend and the server, never the password, when it cannot connect', async () => {
    const attempt = openStore({ databaseUrl: 'postgres://alice:s3cret@127.0.0.1:1/converge' });
    await expect(attempt).rejects.toThrow(StoreError);
    await expect(attempt).rejects.toThrow(
      /^postgres: cannot connect to postgres:\/\/alice@127\.0\.0\.1:1\/converge: .*ECONNREFUSED/,
    );
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });

  it('refuses a schema name it would have to guess at', async () => {
    await expect(
      openStore({ databaseUrl: 'postgres://x@127.0.0.1:1/db', schema: 'Node-A' }),
    ).rejects.toThrow(/^postgres: invalid store options: schema: must be lower-case letters/);
  });
});
