import { describe, expect, it } from 'vitest';
import {
  FileWitnessStore,
  MemoryWitnessStore,
  TLOG_SIZE_TYPE,
  Witness,
  formatAddCheckpointRequest,
  openNote,
  type Evidence,
  type Hash,
  type WitnessStore,
} from '../../src/ledger/index.js';
import { ORIGIN, logSigner, tempDir } from './fixtures/logs.js';
import { TestLog, clock, fork, impostor, witnessSeed } from './fixtures/witnessing.js';

// tlog-witness v1.0.0 add-checkpoint, status code by status code, then the compare-and-swap
// under racing requests.

function newWitness(store: WitnessStore = new MemoryWitnessStore(), evidence: Evidence[] = []) {
  return new Witness({
    name: 'witness.test/eu-1',
    seed: witnessSeed(1),
    logs: [{ origin: ORIGIN, vkey: logSigner.vkey }],
    store,
    clock,
    onEvidence: (e) => evidence.push(e),
  });
}

const request = (oldSize: number, proof: Hash[], note: string): string =>
  formatAddCheckpointRequest({ oldSize, proof, note });

async function body(log: TestLog, oldSize: number, size: number): Promise<string> {
  return request(oldSize, await log.proof(oldSize, size), await log.checkpoint(size));
}

async function add(witness: Witness, log: TestLog, oldSize: number, size: number) {
  return witness.addCheckpoint(await body(log, oldSize, size));
}

describe('Witness.addCheckpoint (tlog-witness status codes)', () => {
  it('200: cosigns a first checkpoint with old 0, in cosignature lines that verify', async () => {
    const witness = newWitness();
    const log = new TestLog();
    const note = await log.checkpoint(5);
    const response = await witness.addCheckpoint(request(0, [], note));
    expect(response.status).toBe(200);
    expect(response.body).toMatch(/^— witness\.test\/eu-1 [A-Za-z0-9+/]+=*\n$/);
    const opened = openNote(note + response.body, [witness.verifier]);
    expect(opened.verified.map((s) => s.name)).toEqual(['witness.test/eu-1']);
    // The stored note carries both the log's signature and the cosignature.
    expect(await witness.latest(ORIGIN)).toBe(note + response.body);
  });

  it('200: cosigns a consistent extension, and the same checkpoint again', async () => {
    const witness = newWitness();
    const log = new TestLog();
    expect((await add(witness, log, 0, 5)).status).toBe(200);
    expect((await add(witness, log, 5, 300)).status).toBe(200);
    expect((await add(witness, log, 300, 300)).status).toBe(200);
    expect((await add(witness, log, 300, 1024)).status).toBe(200);
  });

  it('404: unknown origin', async () => {
    const other = new TestLog(logSigner, '', 'elsewhere.test/log');
    const response = await add(newWitness(), other, 0, 3);
    expect(response).toMatchObject({ status: 404, body: 'unknown log "elsewhere.test/log"\n' });
  });

  it('403: no signature by a trusted log key', async () => {
    const response = await add(newWitness(), new TestLog(impostor), 0, 3);
    expect(response.status).toBe(403);
    expect(response.body).toContain('no verifiable signatures');
  });

  it('400: old size above the checkpoint size, or a malformed request', async () => {
    const witness = newWitness();
    const log = new TestLog();
    const note = await log.checkpoint(5);
    expect((await witness.addCheckpoint(request(6, [], note))).status).toBe(400);
    const hash = (await log.proof(2, 5))[0]!;
    const bad = [
      `old 01\n\n${note}`,
      `old 0\n`,
      `new 0\n\n${note}`,
      `old 0\nnot-base64\n\n${note}`,
      `old 0\n${'AAAA\n'}\n${note}`,
      `old 0\n${`${Buffer.from(hash).toString('base64')}\n`.repeat(64)}\n${note}`,
      `old 0\n\nnot a note`,
    ];
    for (const body of bad)
      expect([body, (await witness.addCheckpoint(body)).status]).toEqual([body, 400]);
    // tlog-witness: the proof MUST be empty when the old size is 0.
    expect((await witness.addCheckpoint(request(0, [hash], note))).status).toBe(400);
  });

  it('409: old size is not the latest cosigned size, with the size as text/x.tlog.size', async () => {
    const witness = newWitness();
    const log = new TestLog();
    await add(witness, log, 0, 10);
    for (const old of [0, 5, 9]) {
      const response = await add(witness, log, old, 20);
      expect(response).toEqual({ status: 409, body: '10\n', contentType: TLOG_SIZE_TYPE });
    }
  });

  it('409: same size as the latest but a different root, reported as evidence', async () => {
    const evidence: Evidence[] = [];
    const witness = newWitness(new MemoryWitnessStore(), evidence);
    await add(witness, new TestLog(), 0, 10);
    const response = await add(witness, fork(), 10, 10);
    expect(response.status).toBe(409);
    expect(response.contentType).not.toBe(TLOG_SIZE_TYPE);
    expect(evidence).toMatchObject([{ origin: ORIGIN, reason: 'two roots at size 10' }]);
  });

  it('422: the consistency proof does not verify, and nothing is cosigned', async () => {
    const evidence: Evidence[] = [];
    const witness = newWitness(new MemoryWitnessStore(), evidence);
    const log = new TestLog();
    await add(witness, log, 0, 10);
    const proof = await log.proof(10, 40);
    proof[0] = Uint8Array.from(proof[0]!, (b, i) => (i === 0 ? b ^ 1 : b));
    const tampered = await witness.addCheckpoint(request(10, proof, await log.checkpoint(40)));
    expect(tampered.status).toBe(422);
    // A forked log cannot prove consistency with what the witness holds either.
    const forked = fork();
    const split = await witness.addCheckpoint(
      request(10, await forked.proof(10, 40), await forked.checkpoint(40)),
    );
    expect(split.status).toBe(422);
    expect(evidence).toHaveLength(2);
    expect((await add(witness, log, 0, 40)).body).toBe('10\n');
  });

  it('persists its state: a restarted witness remembers the latest size', async () => {
    const dir = await tempDir();
    const log = new TestLog();
    expect((await add(newWitness(new FileWitnessStore(dir)), log, 0, 7)).status).toBe(200);
    const restarted = newWitness(new FileWitnessStore(dir));
    expect((await add(restarted, log, 0, 8)).body).toBe('7\n');
    expect((await add(restarted, log, 7, 8)).status).toBe(200);
  });
});

describe('Witness compare-and-swap', () => {
  it('lets exactly one of two racing requests win (two stores on one directory)', async () => {
    for (let round = 0; round < 5; round++) {
      const dir = await tempDir();
      // Two witness instances over one directory stand for two processes: only the lock file
      // and the atomic rename keep them honest.
      const [a, b] = [newWitness(new FileWitnessStore(dir)), newWitness(new FileWitnessStore(dir))];
      const log = new TestLog();
      const [five, nine] = [await body(log, 0, 5), await body(log, 0, 9)];
      const [ra, rb] = await Promise.all([a.addCheckpoint(five), b.addCheckpoint(nine)]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses).toEqual([200, 409]);
      const winner = ra.status === 200 ? 5 : 9;
      expect((await add(a, log, 0, 20)).body).toBe(`${winner}\n`);
    }
  });

  it('never rolls back: of many racing extensions from one size, one wins and sticks', async () => {
    const witness = newWitness(new FileWitnessStore(await tempDir()));
    const log = new TestLog();
    await add(witness, log, 0, 100);
    const sizes = [150, 200, 120, 400, 101, 333, 256, 180];
    const bodies: string[] = [];
    for (const size of sizes) bodies.push(await body(log, 100, size));
    const responses = await Promise.all(bodies.map((b) => witness.addCheckpoint(b)));
    const winners = sizes.filter((_, i) => responses[i]!.status === 200);
    expect(winners).toHaveLength(1);
    for (const response of responses) {
      if (response.status !== 200) expect(response.body).toBe(`${winners[0]}\n`);
    }
    expect((await add(witness, log, 0, 500)).body).toBe(`${winners[0]}\n`);
  });
});
