import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreOptions } from '../../src/store/index.js';
import { dropSchemas, uniqueSchema, type TestPostgres } from '../support/postgres.js';

/** Where a suite's store lives; `options()` opens the same database every time. */
export interface StoreTarget {
  readonly kind: 'pglite' | 'postgres';
  options(): StoreOptions;
  dispose(): Promise<void>;
}

export async function pgliteTarget(): Promise<StoreTarget> {
  const dir = await mkdtemp(join(tmpdir(), 'converge-store-'));
  return {
    kind: 'pglite',
    options: () => ({ dataDir: join(dir, 'db') }),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

export function postgresTarget(server: TestPostgres): StoreTarget {
  const schema = uniqueSchema('store_test');
  return {
    kind: 'postgres',
    options: () => ({ databaseUrl: server.url, schema }),
    dispose: () => (server.external ? dropSchemas(server.url, [schema]) : Promise.resolve()),
  };
}
