import { FormatError } from '../errors.js';

// tlog-tiles entry bundles: each entry is a big-endian uint16 length followed by the entry bytes,
// so a bundle holds entries of at most 65,535 bytes, and is parsed back without any framing.

export const MAX_ENTRY_BYTES = 0xffff;

/** Throws unless every entry fits an entry bundle's uint16 length prefix. */
export function requireBundleable(entries: readonly Uint8Array[]): void {
  entries.forEach((entry, i) => {
    if (entry.length > MAX_ENTRY_BYTES) {
      throw new RangeError(
        `entry ${i} has ${entry.length} bytes; tlog-tiles entry bundles hold at most ${MAX_ENTRY_BYTES}`,
      );
    }
  });
}

export function encodeBundle(entries: readonly Uint8Array[]): Uint8Array {
  requireBundleable(entries);
  let length = 0;
  for (const entry of entries) length += 2 + entry.length;
  const bundle = new Uint8Array(length);
  let offset = 0;
  for (const entry of entries) {
    bundle[offset] = entry.length >>> 8;
    bundle[offset + 1] = entry.length & 0xff;
    bundle.set(entry, offset + 2);
    offset += 2 + entry.length;
  }
  return bundle;
}

/** Splits a bundle into its entries; throws FormatError if it is not exactly `count` entries. */
export function decodeBundle(bundle: Uint8Array, count: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < bundle.length) {
    if (offset + 2 > bundle.length) throw new FormatError('entry bundle ends inside a length');
    const length = (bundle[offset]! << 8) | bundle[offset + 1]!;
    const end = offset + 2 + length;
    if (end > bundle.length) throw new FormatError('entry bundle ends inside an entry');
    entries.push(bundle.subarray(offset + 2, end));
    offset = end;
  }
  if (entries.length !== count) {
    throw new FormatError(`entry bundle holds ${entries.length} entries, want ${count}`);
  }
  return entries;
}
