// RFC 9162 hashing and inclusion proofs, recomputed in the browser with WebCrypto, so that a
// member's own browser, not the hub, decides whether an entry is in the cosigned tree.

export type Hash = Uint8Array;

async function sha256(...parts: Uint8Array[]): Promise<Hash> {
  const length = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    data.set(p, offset);
    offset += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data));
}

export function leafHash(entry: Uint8Array): Promise<Hash> {
  return sha256(Uint8Array.of(0), entry);
}

export function nodeHash(left: Hash, right: Hash): Promise<Hash> {
  return sha256(Uint8Array.of(1), left, right);
}

/** Largest power of two smaller than n (n ≥ 2): where RFC 9162 splits a tree of n leaves. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The hash of the perfect subtree of 2^height leaves starting at leaf index × 2^height. */
export type SubtreeReader = (height: number, index: number) => Promise<Hash>;

/** MTH(D[lo:hi]) for a range that RFC 9162's recursion produces (lo aligned to its split). */
async function rangeHash(lo: number, hi: number, read: SubtreeReader): Promise<Hash> {
  const n = hi - lo;
  const height = Math.log2(n);
  if (Number.isInteger(height)) return read(height, lo / n);
  const k = splitPoint(n);
  return nodeHash(await rangeHash(lo, lo + k, read), await rangeHash(lo + k, hi, read));
}

/** PATH(m, D[0:size]) of RFC 9162 §2.1.3.1, leaf's sibling first. */
export async function inclusionProof(
  index: number,
  size: number,
  read: SubtreeReader,
): Promise<Hash[]> {
  const proof: Hash[] = [];
  let lo = 0;
  let hi = size;
  const siblings: [number, number][] = [];
  while (hi - lo > 1) {
    const k = splitPoint(hi - lo);
    if (index < lo + k) {
      siblings.push([lo + k, hi]);
      hi = lo + k;
    } else {
      siblings.push([lo, lo + k]);
      lo += k;
    }
  }
  for (const [a, b] of siblings.reverse()) proof.push(await rangeHash(a, b, read));
  return proof;
}

/** The root that a leaf and its proof imply (RFC 9162 §2.1.3.2), or an error naming why not. */
export async function rootFromProof(
  index: number,
  size: number,
  leaf: Hash,
  proof: readonly Hash[],
): Promise<Hash> {
  if (index < 0 || index >= size) throw new Error(`entry ${index} is outside a tree of ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) throw new Error('the proof is longer than the tree is deep');
    // Arithmetic, not bit operators: indices may exceed 32 bits.
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new Error('the proof is shorter than the tree is deep');
  return r;
}

export function equalHashes(a: Hash, b: Hash): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export function toBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

export function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
