import { StoreError, type Backend } from './errors.js';

/** PostgreSQL type oids whose text form both backends decode the same way here. */
export const OID = { bytea: 17, int8: 20 } as const;

/**
 * int8 → number. Our int8 values (epoch ms, counts, serial ids) stay below 2^53; a larger
 * one comes back as bigint so that `checkRows` can refuse it instead of losing precision.
 * Parsers must not throw: a throw inside `pg`'s row parsing would break the connection.
 */
export function parseInt8(text: string): number | bigint {
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

/** bytea text form (hex, `\x0a0b…`) → a plain Uint8Array that owns its memory. */
export function parseByteaHex(text: string): Uint8Array {
  const bytes = Buffer.from(text.slice(2), 'hex');
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/** Whether `text` is bytea in hex form (the server default) rather than the legacy escape form. */
export function isByteaHex(text: string): boolean {
  return text.startsWith('\\x');
}

/** Uint8Array → bytea hex literal; Buffer's encoder is far faster than per-byte mapping. */
export function serializeBytea(value: unknown): string {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`bytea parameter must be a Uint8Array, got ${typeof value}`);
  }
  return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
}

/** Refuses rows holding an int8 beyond 2^53 (see `parseInt8`), naming the column. */
export function checkRows<T extends object>(backend: Backend, rows: T[]): T[] {
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === 'bigint') {
        throw new StoreError(
          backend,
          `column "${column}" holds ${value}, beyond the 2^53 range stored int8 values may use`,
        );
      }
    }
  }
  return rows;
}
