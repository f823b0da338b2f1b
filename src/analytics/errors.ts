/**
 * Bad analytics input: an unknown or undeclared column, a value outside its declaration, a
 * malformed query, plan or vector. The message names what is wrong; nothing has changed.
 */
import type { z } from 'zod';

export class AnalyticsError extends Error {
  override name = 'AnalyticsError';
}

/** Throws an AnalyticsError such as "query: by[1] must not be empty". */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  const field = path.reduce<string>(
    (text, key) =>
      typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    '',
  );
  const where = field ? `${what}: ${field}` : what;
  throw new AnalyticsError(`${where}: ${issue?.message ?? 'is invalid'}`);
}
