import { z } from 'zod';

/** A Postgres schema name we create and quote: lower-case, no system prefix, ≤ 63 bytes. */
const schemaName = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_]{0,62}$/,
    'must be lower-case letters, digits and _, not starting with a digit, at most 63 characters',
  )
  .refine((name) => !name.startsWith('pg_'), 'must not start with pg_ (reserved by Postgres)');

export const storeOptionsSchema = z
  .object({
    /** PGlite data directory (e.g. `<node dir>/db`), or `memory://` for a throwaway store. */
    dataDir: z.string().min(1).optional(),
    /** A PostgreSQL server; when set it is used instead of PGlite. */
    databaseUrl: z.string().min(1).optional(),
    /** The Postgres schema this node keeps its tables in; see `schemaForNode`. */
    schema: schemaName.optional(),
  })
  .strict()
  .refine((opts) => opts.dataDir !== undefined || opts.databaseUrl !== undefined, {
    message: 'give dataDir (embedded PGlite) or databaseUrl (a PostgreSQL server)',
  });

export type StoreOptions = z.input<typeof storeOptionsSchema>;

/** The schema a store uses on Postgres when none is given. */
export const DEFAULT_SCHEMA = 'public';

/**
 * A valid schema name derived from a node's name, e.g. `Hospital-A (Berlin)` →
 * `hospital_a_berlin_`. Distinct names can map to one schema ("a-b", "a_b"), so node
 * names sharing a database should differ in letters or digits.
 */
export function schemaForNode(nodeName: string): string {
  const base = nodeName.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
  const safe = /^[a-z_]/.test(base) && !base.startsWith('pg_') ? base : `n_${base}`;
  return safe.slice(0, 63);
}
