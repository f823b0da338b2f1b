import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  MemoryWitnessStore,
  SplitViewError,
  SignatureError,
  Witness,
  WitnessClient,
  detectSplitView,
  openNote,
  parseCheckpoint,
  parseNote,
  witnessRoutes,
  type Checkpoint,
} from '../../src/ledger/index.js';
import { ORIGIN, logSigner, logVerifier } from './fixtures/logs.js';
import { TestLog, clock, fork, witnessSeed } from './fixtures/witnessing.js';

// Witnesses in two jurisdictions exchange what they cosigned (GET /latest/<origin>) and so
// catch a log that showed each of them a different tree.

function witnessIn(jurisdiction: string, n: number): { witness: Witness; client: WitnessClient } {
  const witness = new Witness({
    name: `witness.test/${jurisdiction}`,
    seed: witnessSeed(n),
    logs: [{ origin: ORIGIN, vkey: logSigner.vkey }],
    store: new MemoryWitnessStore(),
    clock,
  });
  const app = new Hono().route('/witness', witnessRoutes(witness));
  const fetch = ((input: string | URL | Request, init?: RequestInit) =>
    app.request(input instanceof URL ? input.href : input, init)) as typeof globalThis.fetch;
  return { witness, client: new WitnessClient(`http://${jurisdiction}.test/witness/`, { fetch }) };
}

const checkpointOf = (note: string): Checkpoint => parseCheckpoint(parseNote(note).text);

describe('split-view detection', () => {
  it('catches two checkpoints of one size with different roots, naming origin, size and roots', async () => {
    const eu = witnessIn('eu', 1);
    const us = witnessIn('us', 2);
    const honest = new TestLog();
    const forked = fork();
    // The log shows the EU witness one tree and the US witness another, both signed.
    await eu.client.cosign(await honest.checkpoint(12), 12, 0, (old) => honest.proof(old, 12));
    await us.client.cosign(await forked.checkpoint(12), 12, 0, (old) => forked.proof(old, 12));

    const fromUs = await us.client.latest(ORIGIN);
    expect(fromUs).toBeDefined();
    const rootEu = Buffer.from(await honest.root(12)).toString('base64');
    const rootUs = Buffer.from(await forked.root(12)).toString('base64');
    const check = eu.witness.crossCheck(fromUs!, us.witness.verifier);
    await expect(check).rejects.toThrow(SplitViewError);
    await expect(eu.witness.crossCheck(fromUs!, us.witness.verifier)).rejects.toThrow(
      `split view of log ${ORIGIN} at size 12: root ${rootEu} and root ${rootUs} were both signed`,
    );
  });

  it('accepts witnesses that saw the same tree', async () => {
    const eu = witnessIn('eu', 1);
    const us = witnessIn('us', 2);
    const log = new TestLog();
    for (const w of [eu, us])
      await w.client.cosign(await log.checkpoint(30), 30, 0, (o) => log.proof(o, 30));
    const fromUs = (await us.client.latest(ORIGIN))!;
    await expect(eu.witness.crossCheck(fromUs, us.witness.verifier)).resolves.toBe('identical');
    // The exchanged note carries the log's signature and the peer's cosignature.
    const opened = openNote(fromUs, [logVerifier, us.witness.verifier]);
    expect(opened.verified.map((s) => s.name)).toEqual([ORIGIN, 'witness.test/us']);
  });

  it('refuses a peer note that lacks the peer cosignature or a trusted log signature', async () => {
    const eu = witnessIn('eu', 1);
    const us = witnessIn('us', 2);
    const log = new TestLog();
    await eu.client.cosign(await log.checkpoint(3), 3, 0, (o) => log.proof(o, 3));
    await expect(
      eu.witness.crossCheck(await log.checkpoint(3), us.witness.verifier),
    ).rejects.toThrow(SignatureError);
  });

  it('compares checkpoints of different sizes through a consistency proof', async () => {
    const log = new TestLog();
    const forked = fork();
    const small = checkpointOf(await log.checkpoint(10));
    const large = checkpointOf(await log.checkpoint(50));
    expect(detectSplitView(small, large)).toBe('unproven');
    expect(detectSplitView(small, large, await log.proof(10, 50))).toBe('consistent');
    const other = checkpointOf(await forked.checkpoint(50));
    const forkedProof = await forked.proof(10, 50);
    expect(() => detectSplitView(small, other, forkedProof)).toThrow(
      /split view of log .*: size 10 \(root .*\) and size 50 \(root .*\) are inconsistent/,
    );
    expect(() => detectSplitView(small, { ...small, origin: 'x' })).toThrow(RangeError);
  });
});

describe('witness HTTP API and client', () => {
  it('serves add-checkpoint and latest, and the client catches up after a 409', async () => {
    const eu = witnessIn('eu', 1);
    const log = new TestLog();
    await eu.client.cosign(await log.checkpoint(8), 8, 0, (o) => log.proof(o, 8));
    // The log lost track of the witness's size: it believes 0, the witness says 8.
    const proofsAsked: number[] = [];
    const { cosignatures } = await eu.client.cosign(await log.checkpoint(20), 20, 0, (old) => {
      proofsAsked.push(old);
      return log.proof(old, 20);
    });
    expect(proofsAsked).toEqual([8]);
    expect(cosignatures.startsWith('— witness.test/eu ')).toBe(true);
    expect(checkpointOf((await eu.client.latest(ORIGIN))!).size).toBe(20);
    expect(await eu.client.latest('unknown.test/log')).toBeUndefined();

    const conflict = await eu.client.addCheckpoint(await log.checkpoint(25), 3, []);
    expect(conflict).toEqual({ kind: 'conflict', latestSize: 20 });
    const refused = await eu.client.addCheckpoint('not a checkpoint', 0, []);
    expect(refused).toMatchObject({ kind: 'refused', status: 400 });
  });
});
