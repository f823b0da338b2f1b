import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations, openStore, StoreError, type Db } from '../../src/store/index.js';
import { migrate } from '../../src/store/migrate.js';
import { startTestPostgres } from '../support/postgres.js';
import { pgliteTarget, postgresTarget } from './targets.js';

const server = await startTestPostgres();
const targets = [await pgliteTarget(), ...(server ? [postgresTarget(server)] : [])];
afterAll(async () => {
  for (const target of targets) await target.dispose();
  await server?.stop();
});
if (!server) {
  describe.skip('store on postgres (no PostgreSQL server: see the notice above)', () => {
    it('runs the same suite as on pglite', () => undefined);
  });
}

const TABLES = [
  'collab_trust',
  'collaborations',
  'job_models',
  'job_reports',
  'jobs',
  'members',
  'node_meta',
  'policy_in_force',
  'policy_packs',
  'policy_proposals',
  'refusals',
  'rounds',
  'schema_migrations',
  'seen_nonces',
  'updates',
];
const model = new Uint8Array(randomBytes(1 << 20)); // a 1 MiB global model
/** What each backend returned for the same rows, compared across backends at the end. */
const seen = new Map<string, unknown>();

describe.each(targets)('store on $kind', (target) => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(target.options());
  });
  afterAll(() => db?.close());

  it('applies every migration exactly once, and nothing more when reopened', async () => {
    const ledger = () =>
      db.query<{ id: number; name: string; applied_at: number }>(
        'select id, name, applied_at from schema_migrations order by id',
      );
    const before = await ledger();
    expect(before.map((row) => row.id)).toEqual(migrations.map((m) => m.id));
    const tables = await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables
       where table_schema = current_schema() order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(TABLES);

    await db.close();
    db = await openStore(target.options());
    expect(await ledger()).toStrictEqual(before);
  });

  // Only PGlite has a directory to own; registered only there so CI shows no skip.
  if (target.kind === 'pglite') {
    it('refuses a second opener of its data directory', async () => {
      await expect(openStore(target.options())).rejects.toThrow(
        new RegExp(`^pglite: data directory .* is in use by process ${process.pid}`),
      );
    });
  }

  it('returns int8 as number, bytea as Uint8Array, jsonb parsed, text as string', async () => {
    await db.query('insert into collaborations (id, spec, created_at) values ($1, $2, $3)', [
      'heart',
      { title: 'Heart disease', sites: ['berlin', 'lyon'], k: { x: 1.5, ok: true, none: null } },
      1_732_000_000_000,
    ]);
    await db.query(
      `insert into members (collab_id, key_id, name, institution, jurisdiction, roles, public_key, joined_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        'heart',
        'k1',
        'Charité',
        'Charité Berlin',
        'DE',
        JSON.stringify(['hub', 'site']),
        new Uint8Array([0, 1, 254, 255]),
        1_732_000_000_123,
      ],
    );
    await db.query(
      `insert into jobs (id, collab_id, spec, status, phase, created_at, updated_at)
       values ('j1', 'heart', '{}', 'running', 'train', 1, 2)`,
    );
    await db.query(
      `insert into rounds (job_id, round, status, started_at, deadline_at, participants, global_model, metrics)
       values ('j1', 1, 'open', 10, 20, $1, $2, $3)`,
      [JSON.stringify(['k1']), model, { loss: 0.25 }],
    );
    await db.query(
      `insert into refusals (at, sender, status, reason) values (1732000000999, null, 401, 'bad signature')`,
    );
    await db.query(
      `insert into updates (job_id, round, site_key, num_samples, payload, payload_sha256, train_ms, loss, received_at)
       values ('j1', 1, 'k1', 42, $1, 'abc', 12.5, 0.1, 30)`,
      [new Uint8Array(0)],
    );

    const member = await db.query(
      `select m.name, m.roles, m.public_key, m.joined_at, c.spec, c.created_at
       from members m join collaborations c on c.id = m.collab_id`,
    );
    const rounds = await db.query<{ global_model: Uint8Array }>(
      `select round, completed_at, participants, global_model, strategy_state, metrics
       from rounds where job_id = 'j1'`,
    );
    const update = await db.query(
      'select num_samples, payload, train_ms, loss, received_at from updates',
    );
    const refusal = await db.query('select id, at, sender, status from refusals');
    const counted = await db.query('select count(*) as n, sum(joined_at) as total from members');

    expect(member).toStrictEqual([
      {
        name: 'Charité',
        roles: ['hub', 'site'],
        public_key: new Uint8Array([0, 1, 254, 255]),
        joined_at: 1_732_000_000_123,
        spec: {
          title: 'Heart disease',
          sites: ['berlin', 'lyon'],
          k: { x: 1.5, ok: true, none: null },
        },
        created_at: 1_732_000_000_000,
      },
    ]);
    expect(rounds).toHaveLength(1);
    // Deep equality over 1 MiB takes seconds: the model's bytes are compared natively.
    const { global_model: stored, ...round } = rounds[0]!;
    expect(stored.constructor).toBe(Uint8Array);
    expect(Buffer.compare(stored, model)).toBe(0);
    expect(round).toStrictEqual({
      round: 1,
      completed_at: null,
      participants: ['k1'],
      strategy_state: null,
      metrics: { loss: 0.25 },
    });
    expect(update).toStrictEqual([
      { num_samples: 42, payload: new Uint8Array(0), train_ms: 12.5, loss: 0.1, received_at: 30 },
    ]);
    expect(refusal).toStrictEqual([{ id: 1, at: 1_732_000_000_999, sender: null, status: 401 }]);
    // sum(int8) is numeric: both backends give its exact text.
    expect(counted).toStrictEqual([{ n: 1, total: '1732000000123' }]);
    seen.set(target.kind, { member, round, update, refusal, counted, model: stored.byteLength });
  });

  it('refuses an int8 beyond 2^53 rather than rounding it', async () => {
    await expect(db.query('select 9007199254740993::int8 as too_big')).rejects.toThrow(
      new StoreError(
        target.kind,
        'column "too_big" holds 9007199254740993, beyond the 2^53 range stored int8 values may use',
      ),
    );
  });

  it('passes SQL errors through with their SQLSTATE', async () => {
    const duplicate = db.query(
      `insert into collaborations (id, spec, created_at) values ('heart', '{}', 0)`,
    );
    await expect(duplicate).rejects.toMatchObject({ code: '23505' });
  });

  it('names a failed migration, and keeps nothing of it', async () => {
    const broken = {
      id: 999,
      name: 'broken on purpose',
      sql: 'create table half_done (x int); select no_such_column from node_meta;',
    };
    const failure = migrate(db, [...migrations, broken]);
    await expect(failure).rejects.toThrow(StoreError);
    await expect(failure).rejects.toThrow(
      new RegExp(
        `^${target.kind}: migration 999 \\(broken on purpose\\) failed and was rolled back: .*no_such_column`,
      ),
    );
    const leftovers = await db.query(
      `select table_name from information_schema.tables
       where table_schema = current_schema() and table_name = 'half_done'`,
    );
    expect(leftovers).toEqual([]);
    expect(await db.query('select id from schema_migrations where id = 999')).toEqual([]);
  });

  it('refuses a database that a newer build has migrated', async () => {
    await db.query(`insert into schema_migrations values (1000, 'from the future', 0)`);
    try {
      await expect(migrate(db, migrations)).rejects.toThrow(
        `${target.kind}: the database has migration 1000 (from the future) that this build does not know`,
      );
    } finally {
      await db.query('delete from schema_migrations where id = 1000');
    }
  });

  it('runs several statements with exec', async () => {
    await db.exec(`
      insert into node_meta values ('a', '1');
      insert into node_meta values ('b', '"two"');
    `);
    const rows = await db.query('select key, value from node_meta order by key');
    expect(rows).toStrictEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 'two' },
    ]);
  });
});

describe('both backends', () => {
  it.runIf(server !== undefined)('return identical values for identical rows', () => {
    expect(seen.get('pglite')).toBeDefined();
    expect(seen.get('postgres')).toStrictEqual(seen.get('pglite'));
  });
});
