import { splitPoint } from './bits.js';
import type { Hash } from './hash.js';
import type { HashReader } from './storage.js';
import { rangeHashes, requireUint53, type LeafRange } from './tree.js';

// Provers follow RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF): first the leaf ranges whose
// hashes form the proof, leaf side first, then one read of the stored subtree hashes.

/** Inclusion proof (audit path) of leaf `index` in the tree of the first `treeSize` leaves. */
export async function proveInclusion(
  treeSize: number,
  index: number,
  reader: HashReader,
): Promise<Hash[]> {
  requireUint53('tree size', treeSize);
  requireUint53('leaf index', index);
  if (index >= treeSize) {
    throw new RangeError(`leaf index ${index} is not below tree size ${treeSize}`);
  }
  const ranges: LeafRange[] = [];
  pathRanges(index, 0, treeSize, ranges);
  return rangeHashes(ranges, reader);
}

/** Consistency proof that the tree of size2 leaves extends the tree of its first size1. */
export async function proveConsistency(
  size1: number,
  size2: number,
  reader: HashReader,
): Promise<Hash[]> {
  requireUint53('size1', size1);
  requireUint53('size2', size2);
  if (size1 === 0) throw new RangeError('consistency proof from an empty tree is meaningless');
  if (size1 > size2) throw new RangeError(`size1 ${size1} is greater than size2 ${size2}`);
  const ranges: LeafRange[] = [];
  subproofRanges(size1, 0, size2, true, ranges);
  return rangeHashes(ranges, reader);
}

/** PATH(m, D[lo:hi]): the siblings on the way from leaf m up to the root of [lo, hi). */
function pathRanges(m: number, lo: number, hi: number, out: LeafRange[]): void {
  if (hi - lo === 1) return;
  const k = splitPoint(hi - lo);
  if (m < lo + k) {
    pathRanges(m, lo, lo + k, out);
    out.push([lo + k, hi]);
  } else {
    pathRanges(m, lo + k, hi, out);
    out.push([lo, lo + k]);
  }
}

/**
 * SUBPROOF(m, D[lo:hi], whole): `whole` says [lo, hi) is still the left edge of the old tree,
 * whose hash the verifier already knows, so it is left out.
 */
function subproofRanges(m: number, lo: number, hi: number, whole: boolean, out: LeafRange[]): void {
  if (m === hi) {
    if (!whole) out.push([lo, hi]);
    return;
  }
  const k = splitPoint(hi - lo);
  if (m <= lo + k) {
    subproofRanges(m, lo, lo + k, whole, out);
    out.push([lo + k, hi]);
  } else {
    subproofRanges(m, lo + k, hi, false, out);
    out.push([lo, lo + k]);
  }
}
