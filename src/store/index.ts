import type { Db } from './db.js';
import { StoreError } from './errors.js';
import { migrations } from './migrations.js';
import { DEFAULT_SCHEMA, storeOptionsSchema, type StoreOptions } from './options.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type { Db } from './db.js';
export type { Backend } from './errors.js';
export { StoreError } from './errors.js';
export type { Migration } from './migrate.js';
export { migrations } from './migrations.js';
export { schemaForNode, type StoreOptions } from './options.js';

/**
 * Connects to the node's database and applies pending migrations. A PostgreSQL server
 * when `databaseUrl` is given (tables in `schema`, default `public`), else embedded
 * PGlite in `dataDir`, which this process then owns until `close()`.
 */
export async function openStore(opts: StoreOptions): Promise<Db> {
  const parsed = storeOptionsSchema.safeParse(opts);
  if (!parsed.success) {
    const backend = opts.databaseUrl === undefined ? 'pglite' : 'postgres';
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`)
      .join('; ');
    throw new StoreError(backend, `invalid store options: ${problems}`);
  }
  const { dataDir, databaseUrl, schema } = parsed.data;
  if (databaseUrl !== undefined) {
    return openPostgres(databaseUrl, schema ?? DEFAULT_SCHEMA, migrations);
  }
  if (dataDir === undefined) {
    throw new StoreError('pglite', 'invalid store options: give dataDir or databaseUrl');
  }
  return openPglite(dataDir, migrations);
}
