import { describe, expect, it } from 'vitest';
import { openStore, schemaForNode, StoreError } from '../../src/store/index.js';

describe('store options', () => {
  it('needs a data directory or a database URL', async () => {
    const attempt = openStore({});
    await expect(attempt).rejects.toThrow(StoreError);
    await expect(attempt).rejects.toThrow(
      'pglite: invalid store options: options: give dataDir (embedded PGlite) or databaseUrl (a PostgreSQL server)',
    );
  });

  it('rejects unknown options rather than ignoring a typo', async () => {
    const typo = { dataDir: '/tmp/x', shcema: 'a' } as unknown as Parameters<typeof openStore>[0];
    await expect(openStore(typo)).rejects.toThrow(/invalid store options: .*shcema/);
  });
});

describe('schemaForNode', () => {
  it.each([
    ['hospital-berlin', 'hospital_berlin'],
    ['Hôpital Lyon (FR)', 'h_pital_lyon_fr_'],
    ['42-site', 'n_42_site'],
    ['pg_site', 'n_pg_site'],
    ['x'.repeat(80), 'x'.repeat(63)],
  ])('turns %j into the valid schema name %j', (name, schema) => {
    expect(schemaForNode(name)).toBe(schema);
  });
});
