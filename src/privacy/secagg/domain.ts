/**
 * Domain separation: every hash, KDF and associated-data input starts with the protocol name and
 * a purpose, then length-prefixed parts, so that no two contexts can produce the same bytes.
 */
export const PROTOCOL = 'converge/secagg/v1';

const utf8 = new TextEncoder();

export function domainLabel(purpose: string, ...parts: readonly string[]): Uint8Array {
  const encoded = [PROTOCOL, purpose, ...parts].map((p) => utf8.encode(p));
  const out = new Uint8Array(encoded.reduce((n, b) => n + 2 + b.length, 0));
  let at = 0;
  for (const bytes of encoded) {
    out[at] = bytes.length >>> 8;
    out[at + 1] = bytes.length & 0xff;
    out.set(bytes, at + 2);
    at += 2 + bytes.length;
  }
  return out;
}

/** Two site ids in a canonical order, so both ends of a pair derive the same key. */
export function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}
