// Hashing speed of the ledger core: what an RFC 9162 node hash costs with each SHA-256 path
// available without new packages, and the resulting inclusion-proof verification rate on a
// 1,000,000-entry log. Run: npx tsx bench/ledger-hash.ts   (LEDGER_BENCH_SIZE=… to change size)
//
// The machine is shared, so each figure is given per wall-clock second and per CPU second of
// this process (process.cpuUsage); the CPU figure is the better guide to an idle machine.

import { createHash, randomBytes, webcrypto } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import {
  MemoryHashStorage,
  appendLeaf,
  nodeHash,
  proveInclusion,
  treeHash,
  verifyInclusion,
  type InclusionCheck,
} from '../src/ledger/index.js';
import { nodeHashInto } from '../src/ledger/sha256-node.js';

const LOG_SIZE = Number(process.env.LEDGER_BENCH_SIZE ?? 1_000_000);

interface Rate {
  wall: number;
  cpu: number;
}

/** Runs `body` for about `seconds`, in batches of `batch` operations; returns operations/s. */
function measure(body: (n: number) => void, batch: number, seconds = 1.5): Rate {
  body(batch); // warm-up, so the optimising compiler has run
  const start = performance.now();
  const cpu = process.cpuUsage();
  let ops = 0;
  while (performance.now() - start < seconds * 1000) {
    body(batch);
    ops += batch;
  }
  const used = process.cpuUsage(cpu);
  const wallSeconds = (performance.now() - start) / 1000;
  return { wall: ops / wallSeconds, cpu: ops / ((used.user + used.system) / 1e6) };
}

async function measureAsync(body: () => Promise<void>, batch: number, seconds = 1.5) {
  await body();
  const start = performance.now();
  const cpu = process.cpuUsage();
  let ops = 0;
  while (performance.now() - start < seconds * 1000) {
    await body();
    ops += batch;
  }
  const used = process.cpuUsage(cpu);
  const wallSeconds = (performance.now() - start) / 1000;
  return { wall: ops / wallSeconds, cpu: ops / ((used.user + used.system) / 1e6) };
}

const fmt = (r: Rate, unit: string): string =>
  `${(r.wall / 1e6).toFixed(2).padStart(6)} M ${unit}/s wall  ${(r.cpu / 1e6).toFixed(2).padStart(6)} M ${unit}/s CPU`;

const left = randomBytes(32);
const right = randomBytes(32);
const input = Buffer.concat([Buffer.from([1]), left, right]);
const want = createHash('sha256').update(input).digest('hex');
const out = new Uint8Array(32);

// Every candidate must agree with node:crypto before its speed counts.
nodeHashInto(out, left, right);
if (Buffer.from(out).toString('hex') !== want) throw new Error('nodeHashInto is wrong');
if (Buffer.from(nodeHash(left, right)).toString('hex') !== want) throw new Error('nodeHash');

console.log(`node ${process.version}, ${nodeCrypto.getHashes().length} hashes in OpenSSL`);
console.log('\nSHA-256(0x01 ‖ left ‖ right), 65-byte input:');
const candidates: [string, (n: number) => void][] = [
  [
    'createHash, one update',
    (n) => {
      for (let i = 0; i < n; i++) createHash('sha256').update(input).digest();
    },
  ],
  [
    'createHash, three updates',
    (n) => {
      for (let i = 0; i < n; i++) {
        createHash('sha256').update(input.subarray(0, 1)).update(left).update(right).digest();
      }
    },
  ],
];
// crypto.hash() one-shot exists from Node 20.12 / 21.7.
const oneShot = (nodeCrypto as { hash?: (alg: string, data: Buffer, enc: 'buffer') => Buffer })
  .hash;
if (oneShot) {
  candidates.push([
    'crypto.hash() one-shot',
    (n) => {
      for (let i = 0; i < n; i++) oneShot('sha256', input, 'buffer');
    },
  ]);
}
candidates.push(
  [
    'pure TS nodeHash (allocates result)',
    (n) => {
      for (let i = 0; i < n; i++) nodeHash(left, right);
    },
  ],
  [
    'pure TS nodeHashInto (preallocated)',
    (n) => {
      for (let i = 0; i < n; i++) nodeHashInto(out, left, right);
    },
  ],
);
for (const [name, body] of candidates) {
  console.log(`  ${name.padEnd(38)} ${fmt(measure(body, 10_000), 'hashes')}`);
}
const subtle = await measureAsync(async () => {
  await Promise.all(Array.from({ length: 1000 }, () => webcrypto.subtle.digest('SHA-256', input)));
}, 1000);
console.log(`  ${'WebCrypto subtle.digest, 1000 at once'.padEnd(38)} ${fmt(subtle, 'hashes')}`);

console.log(`\nBuilding a ${LOG_SIZE.toLocaleString('en')}-entry log in MemoryHashStorage…`);
const storage = new MemoryHashStorage();
const buildStart = performance.now();
const entry = new Uint8Array(64);
const view = new DataView(entry.buffer);
for (let i = 0; i < LOG_SIZE; i++) {
  view.setUint32(0, i);
  await appendLeaf(storage, i, entry);
}
const buildSeconds = (performance.now() - buildStart) / 1000;
console.log(
  `  ${(LOG_SIZE / buildSeconds / 1e3).toFixed(0)} k appends/s wall (${buildSeconds.toFixed(1)} s)`,
);

const root = await treeHash(LOG_SIZE, storage);
const PROOFS = 1024;
const checks: InclusionCheck[] = [];
for (let i = 0; i < PROOFS; i++) {
  const leafIndex = Math.floor(Math.random() * LOG_SIZE);
  view.setUint32(0, leafIndex);
  const leafHash = new Uint8Array(
    createHash('sha256').update(Uint8Array.of(0)).update(entry).digest(),
  );
  const proof = await proveInclusion(LOG_SIZE, leafIndex, storage);
  checks.push({ leafIndex, treeSize: LOG_SIZE, leafHash, proof, root });
}
const meanLength = checks.reduce((sum, c) => sum + c.proof.length, 0) / PROOFS;
let next = 0;
const verification = measure(
  (n) => {
    for (let i = 0; i < n; i++) {
      verifyInclusion(checks[next++ % PROOFS]!);
    }
  },
  1000,
  3,
);
console.log(
  `\nverifyInclusion, ${LOG_SIZE.toLocaleString('en')}-entry log, ${meanLength.toFixed(1)} hashes/proof:`,
);
const k = (n: number): string => `${(n / 1e3).toFixed(0)} k`;
console.log(
  `  ${k(verification.wall)} proofs/s wall, ${k(verification.cpu)} proofs/s CPU (target ≥ 50 k/s)`,
);
