// SHA-256 (FIPS 180-4) specialised for RFC 9162 interior nodes. The input is always
// 0x01 ‖ left[32] ‖ right[32] = 65 bytes: exactly two compression blocks, and the second one is
// right[31], the padding and the fixed length, so its message schedule takes only 256 values and
// is precomputed. Working on preallocated words avoids the per-call allocations that make
// node:crypto cost over a microsecond for such a small input (see bench/ledger-hash.ts).
// Swap point: any function with nodeHashInto's contract (e.g. from @noble/hashes) can replace it.

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** Message schedule of one block, with the round constants already added in. */
const W = new Int32Array(64);
const H = new Int32Array(8);

function schedule(w: Int32Array): void {
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (s1 + w[i - 7]! + s0 + w[i - 16]!) | 0;
  }
  for (let i = 0; i < 64; i++) w[i] = (w[i]! + K[i]!) | 0;
}

/** Schedules of the second block for each value of right[31]: 0x80 terminator, length 520 bits. */
const SECOND_BLOCKS = new Int32Array(256 * 64);
for (let last = 0; last < 256; last++) {
  const w = new Int32Array(64);
  w[0] = (last << 24) | 0x800000;
  w[15] = 65 * 8;
  schedule(w);
  SECOND_BLOCKS.set(w, last * 64);
}

/** Runs the 64 rounds over H, reading the scheduled words kw[base .. base + 64). */
function compress(kw: Int32Array, base: number): void {
  let a = H[0]!,
    b = H[1]!,
    c = H[2]!,
    d = H[3]!,
    e = H[4]!,
    f = H[5]!,
    g = H[6]!,
    h = H[7]!;
  const end = base + 64;
  // Eight rounds per pass with the register roles rotated in the code, not by moving values.
  // prettier-ignore
  for (let i = base; i < end; i += 8) {
    h = (h + ((((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)))) + (g ^ (e & (f ^ g))) + kw[i + 0]!) | 0;
    d = (d + h) | 0;
    h = (h + ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)))) + ((a & b) | (c & (a | b)))) | 0;
    g = (g + ((((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7)))) + (f ^ (d & (e ^ f))) + kw[i + 1]!) | 0;
    c = (c + g) | 0;
    g = (g + ((((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10)))) + ((h & a) | (b & (h | a)))) | 0;
    f = (f + ((((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7)))) + (e ^ (c & (d ^ e))) + kw[i + 2]!) | 0;
    b = (b + f) | 0;
    f = (f + ((((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10)))) + ((g & h) | (a & (g | h)))) | 0;
    e = (e + ((((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7)))) + (d ^ (b & (c ^ d))) + kw[i + 3]!) | 0;
    a = (a + e) | 0;
    e = (e + ((((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10)))) + ((f & g) | (h & (f | g)))) | 0;
    d = (d + ((((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7)))) + (c ^ (a & (b ^ c))) + kw[i + 4]!) | 0;
    h = (h + d) | 0;
    d = (d + ((((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10)))) + ((e & f) | (g & (e | f)))) | 0;
    c = (c + ((((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7)))) + (b ^ (h & (a ^ b))) + kw[i + 5]!) | 0;
    g = (g + c) | 0;
    c = (c + ((((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10)))) + ((d & e) | (f & (d | e)))) | 0;
    b = (b + ((((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7)))) + (a ^ (g & (h ^ a))) + kw[i + 6]!) | 0;
    f = (f + b) | 0;
    b = (b + ((((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10)))) + ((c & d) | (e & (c | d)))) | 0;
    a = (a + ((((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7)))) + (h ^ (f & (g ^ h))) + kw[i + 7]!) | 0;
    e = (e + a) | 0;
    a = (a + ((((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10)))) + ((b & c) | (d & (b | c)))) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/**
 * Writes SHA-256(0x01 ‖ left ‖ right) into out[0..32). The caller guarantees 32-byte hashes;
 * out may alias left or right, because both are read before out is written.
 */
export function nodeHashInto(out: Uint8Array, left: Uint8Array, right: Uint8Array): void {
  // First block: 0x01, left[0..31], right[0..30]; the one-byte prefix skews the words.
  W[0] = (1 << 24) | (left[0]! << 16) | (left[1]! << 8) | left[2]!;
  for (let j = 1, k = 3; j < 8; j++, k += 4) {
    W[j] = (left[k]! << 24) | (left[k + 1]! << 16) | (left[k + 2]! << 8) | left[k + 3]!;
  }
  W[8] = (left[31]! << 24) | (right[0]! << 16) | (right[1]! << 8) | right[2]!;
  for (let j = 9, k = 3; j < 16; j++, k += 4) {
    W[j] = (right[k]! << 24) | (right[k + 1]! << 16) | (right[k + 2]! << 8) | right[k + 3]!;
  }
  const last = right[31]!;
  schedule(W);
  H[0] = 0x6a09e667;
  H[1] = 0xbb67ae85;
  H[2] = 0x3c6ef372;
  H[3] = 0xa54ff53a;
  H[4] = 0x510e527f;
  H[5] = 0x9b05688c;
  H[6] = 0x1f83d9ab;
  H[7] = 0x5be0cd19;
  compress(W, 0);
  compress(SECOND_BLOCKS, last * 64);
  for (let i = 0, k = 0; i < 8; i++, k += 4) {
    const v = H[i]!;
    out[k] = v >>> 24;
    out[k + 1] = v >>> 16;
    out[k + 2] = v >>> 8;
    out[k + 3] = v;
  }
}
