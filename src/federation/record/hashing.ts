import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';

/** Hex SHA-256 of a value's RFC 8785 encoding: how entries refer to specs and settings. */
export function sha256Json(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON encoding');
  return createHash('sha256').update(text).digest('hex');
}
