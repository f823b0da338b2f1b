import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Db } from '../../src/store/index.js';
import { startTestPostgres } from '../support/postgres.js';
import { pgliteTarget, postgresTarget } from './targets.js';

const server = await startTestPostgres();
const targets = [await pgliteTarget(), ...(server ? [postgresTarget(server)] : [])];
afterAll(async () => {
  for (const target of targets) await target.dispose();
  await server?.stop();
});
if (!server) {
  describe.skip('transactions on postgres (no PostgreSQL server: see the notice above)', () => {
    it('runs the same suite as on pglite', () => undefined);
  });
}

class Refused extends Error {}

describe.each(targets)('transactions on $kind', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(target.options());
  });
  afterAll(() => db?.close());
  beforeEach(() => db.query('delete from node_meta'));

  const keys = async () =>
    (await db.query<{ key: string }>('select key from node_meta order by key')).map((r) => r.key);

  it('commits what the callback wrote and returns its result', async () => {
    const result = await db.transaction(async (tx) => {
      await tx.query(`insert into node_meta values ('kept', 'true')`);
      return 42;
    });
    expect(result).toBe(42);
    expect(await keys()).toEqual(['kept']);
  });

  it('rolls back everything when the callback throws, and rethrows its error', async () => {
    const refusal = new Refused('not today');
    const attempt = db.transaction(async (tx) => {
      await tx.query(`insert into node_meta values ('lost', 'true')`);
      throw refusal;
    });
    await expect(attempt).rejects.toBe(refusal);
    expect(await keys()).toEqual([]);
  });

  it('fails the commit when a statement failed inside, even if its error was caught', async () => {
    const attempt = db.transaction(async (tx) => {
      await tx.query(`insert into node_meta values ('lost', 'true')`);
      await tx.query('select 1 / 0').catch(() => undefined);
    });
    await expect(attempt).rejects.toThrow();
    expect(await keys()).toEqual([]);
  });

  it('nests as a savepoint: an inner throw undoes only the inner writes', async () => {
    await db.transaction(async (tx) => {
      await tx.query(`insert into node_meta values ('outer', 'true')`);
      const inner = tx.transaction(async (nested) => {
        await nested.query(`insert into node_meta values ('inner', 'true')`);
        throw new Refused('inner only');
      });
      await expect(inner).rejects.toThrow('inner only');
      await tx.transaction((nested) =>
        nested.query(`insert into node_meta values ('second', '1')`),
      );
    });
    expect(await keys()).toEqual(['outer', 'second']);
  });

  it('runs concurrent transactions one at a time, losing no update', async () => {
    await db.query(`insert into node_meta values ('counter', '0')`);
    let inside = 0;
    let mostInside = 0;
    const increment = () =>
      db.transaction(async (tx) => {
        inside += 1;
        mostInside = Math.max(mostInside, inside);
        const [row] = await tx.query<{ value: number }>(
          `select value from node_meta where key = 'counter'`,
        );
        await sleep(2); // invite interleaving between the read and the write
        await tx.query(`update node_meta set value = $1 where key = 'counter'`, [
          JSON.stringify((row?.value ?? 0) + 1),
        ]);
        inside -= 1;
      });
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(mostInside).toBe(1);
    expect(await db.query(`select value from node_meta where key = 'counter'`)).toEqual([
      { value: 20 },
    ]);
  });

  it('keeps a failed transaction from blocking the next ones', async () => {
    const failing = db.transaction(() => Promise.reject(new Refused('first fails')));
    const next = db.transaction((tx) => tx.query(`insert into node_meta values ('next', '1')`));
    await expect(failing).rejects.toThrow('first fails');
    await next;
    expect(await keys()).toEqual(['next']);
  });

  it('refuses calls on the store itself from inside its own transaction', async () => {
    const misuse = db.transaction(() => db.query('select 1'));
    await expect(misuse).rejects.toThrow(
      new StoreError(
        target.kind,
        'query() called on the store inside one of its own transactions; use the tx passed to the callback',
      ),
    );
    expect(await db.query('select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('refuses close() on a transaction handle', async () => {
    await expect(db.transaction((tx) => tx.close())).rejects.toThrow(StoreError);
  });
});
