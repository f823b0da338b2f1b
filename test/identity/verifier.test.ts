import { describe, expect, it } from 'vitest';

import {
  EnvelopeRefusal,
  EnvelopeVerifier,
  fromHeaders,
  generateNodeKey,
  sealEnvelope,
  toHeaders,
  type Envelope,
  type NonceStore,
  type SealedEnvelope,
} from '../../src/identity/index.js';
import { BODY, COLLAB, NOW, ROUTE, directoryOf, setup } from './fixtures.js';

async function refusalOf(promise: Promise<unknown>): Promise<EnvelopeRefusal> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeRefusal);
    return error as EnvelopeRefusal;
  }
  throw new Error('expected an EnvelopeRefusal');
}

function withEnvelope(sealed: SealedEnvelope, change: Partial<Envelope>): SealedEnvelope {
  return { envelope: { ...sealed.envelope, ...change }, signature: sealed.signature };
}

/** Records claims, so tests can see whether (and when) a nonce was spent. */
class RecordingNonceStore implements NonceStore {
  readonly claims: string[] = [];
  async claim(sender: string, nonce: string): Promise<boolean> {
    this.claims.push(`${sender}/${nonce}`);
    return true;
  }
}

describe('EnvelopeVerifier', () => {
  it('accepts a fresh, signed, untampered message from a member and returns its envelope', async () => {
    const { alice, verifier } = setup();
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    await expect(verifier.verify(sealed, BODY)).resolves.toEqual(sealed.envelope);
  });

  it('accepts what came through the headers', async () => {
    const { alice, verifier } = setup();
    const sealed = fromHeaders(toHeaders(sealEnvelope(alice, ROUTE, BODY, NOW)));
    await expect(verifier.verify(sealed, BODY, ROUTE)).resolves.toEqual(sealed.envelope);
  });

  it('refuses a malformed envelope (400)', async () => {
    const { alice, verifier } = setup();
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    const error = await refusalOf(verifier.verify(withEnvelope(sealed, { round: -1 }), BODY));
    expect(error).toMatchObject({ status: 400, code: 'malformed' });
    expect(error.message).toContain('envelope.round');
    const noBody = await refusalOf(verifier.verify(sealed, 'text' as unknown as Uint8Array));
    expect(noBody.message).toBe('message body must be bytes');
  });

  it('refuses a sender unknown to the collaboration (401)', async () => {
    const { alice, verifier } = setup();
    const outsider = generateNodeKey();
    const error = await refusalOf(verifier.verify(sealEnvelope(outsider, ROUTE, BODY, NOW), BODY));
    expect(error).toMatchObject({ status: 401, code: 'unknown-sender' });
    expect(error.message).toBe(`unknown sender ${outsider.keyId} for collaboration ${COLLAB}`);
    // A member of one collaboration is a stranger to another.
    const elsewhere = sealEnvelope(alice, { ...ROUTE, collab: 'other' }, BODY, NOW);
    expect((await refusalOf(verifier.verify(elsewhere, BODY))).message).toBe(
      `unknown sender ${alice.keyId} for collaboration other`,
    );
  });

  it("refuses one key's signature presented as another's (401)", async () => {
    const { alice, bob, verifier } = setup();
    const forged = withEnvelope(sealEnvelope(bob, ROUTE, BODY, NOW), { sender: alice.keyId });
    const error = await refusalOf(verifier.verify(forged, BODY));
    expect(error).toMatchObject({ status: 401, code: 'bad-signature', message: 'bad signature' });
  });

  const tampering: Array<[keyof Envelope, (e: Envelope) => Partial<Envelope>]> = [
    ['collab', () => ({ collab: `${COLLAB}-x` })],
    ['type', () => ({ type: 'model' })],
    ['round', (e) => ({ round: e.round + 1 })],
    ['nonce', (e) => ({ nonce: e.nonce.replace(/^./, (c) => (c === '0' ? '1' : '0')) })],
    ['ts', (e) => ({ ts: e.ts + 1 })],
    ['bodySha256', () => ({ bodySha256: 'f'.repeat(64) })],
  ];
  it.each(tampering)('refuses an envelope whose %s was changed (401)', async (_field, change) => {
    const { alice, verifier } = setup();
    // Every collaboration name is known for alice here, so only the signature can catch it.
    const permissive = new EnvelopeVerifier({
      directory: {
        publicKey: async (_c, id) => (id === alice.keyId ? alice.publicKey : undefined),
      },
      nonces: { claim: async () => true },
      now: () => NOW,
    });
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    const tampered = withEnvelope(sealed, change(sealed.envelope));
    // (The real directory may refuse earlier, e.g. a changed collab has no such member.)
    expect((await refusalOf(verifier.verify(tampered, BODY))).status).toBe(401);
    const error = await refusalOf(permissive.verify(tampered, BODY));
    expect(error).toMatchObject({ status: 401, code: 'bad-signature' });
  });

  it('refuses an envelope whose sender was changed to another member (401)', async () => {
    const { alice, bob, verifier } = setup();
    const sealed = withEnvelope(sealEnvelope(alice, ROUTE, BODY, NOW), { sender: bob.keyId });
    expect((await refusalOf(verifier.verify(sealed, BODY))).code).toBe('bad-signature');
  });

  it('refuses a changed signature (401)', async () => {
    const { alice, verifier } = setup();
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    const bytes = Buffer.from(sealed.signature, 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 1;
    const tampered = { ...sealed, signature: bytes.toString('base64url') };
    expect((await refusalOf(verifier.verify(tampered, BODY))).code).toBe('bad-signature');
  });

  it('refuses a body that does not match bodySha256 (400)', async () => {
    const { alice, verifier } = setup();
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    const other = BODY.slice();
    other[0] = (other[0] ?? 0) ^ 1;
    const error = await refusalOf(verifier.verify(sealed, other));
    expect(error).toMatchObject({ status: 400, code: 'body-mismatch' });
    expect(error.message).toBe('body does not match bodySha256');
  });

  it('refuses timestamps beyond the allowed skew either way (401), accepting the edge', async () => {
    const { alice, clock, verifier } = setup({ maxSkewMs: 1000 });
    const at = (ts: number) => verifier.verify(sealEnvelope(alice, ROUTE, BODY, ts), BODY);
    await expect(at(NOW - 1000)).resolves.toBeDefined();
    await expect(at(NOW + 1000)).resolves.toBeDefined();
    const old = await refusalOf(at(NOW - 1001));
    expect(old).toMatchObject({ status: 401, code: 'stale' });
    expect(old.message).toBe('stale timestamp: -1001 ms from now (allowed ±1000 ms)');
    expect((await refusalOf(at(NOW + 5000))).message).toBe(
      'stale timestamp: 5000 ms from now (allowed ±1000 ms)',
    );
    clock.now += 60_000; // a message that was fine when sent is stale when it arrives late
    expect((await refusalOf(at(NOW))).code).toBe('stale');
  });

  it('defaults to ±2 minutes of skew', async () => {
    const { alice, verifier } = setup();
    await expect(
      verifier.verify(sealEnvelope(alice, ROUTE, BODY, NOW - 120_000), BODY),
    ).resolves.toBeDefined();
    const late = sealEnvelope(alice, ROUTE, BODY, NOW - 120_001);
    expect((await refusalOf(verifier.verify(late, BODY))).code).toBe('stale');
  });

  it('refuses a replayed nonce (409)', async () => {
    const { alice, verifier } = setup();
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    await verifier.verify(sealed, BODY);
    const error = await refusalOf(verifier.verify(sealed, BODY));
    expect(error).toMatchObject({ status: 409, code: 'replay', message: 'replayed nonce' });
  });

  it('claims the nonce only after every other check passed', async () => {
    const { alice } = setup();
    const nonces = new RecordingNonceStore();
    const verifier = new EnvelopeVerifier({
      directory: directoryOf([[alice, [COLLAB]]]),
      nonces,
      now: () => NOW,
    });
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    const failures = [
      verifier.verify(withEnvelope(sealed, { round: 9 }), BODY),
      verifier.verify(sealed, new Uint8Array(1)),
      verifier.verify(sealEnvelope(alice, ROUTE, BODY, NOW - 10 * 60_000), BODY),
      verifier.verify(sealed, BODY, { collab: COLLAB, type: 'model' }),
      verifier.verify(sealEnvelope(generateNodeKey(), ROUTE, BODY, NOW), BODY),
    ];
    for (const failure of failures) await refusalOf(failure);
    expect(nonces.claims).toEqual([]);
    await verifier.verify(sealed, BODY);
    expect(nonces.claims).toEqual([`${alice.keyId}/${sealed.envelope.nonce}`]);
  });

  it('checks in order: sender before signature before body before time', async () => {
    const { alice, verifier } = setup();
    const stranger = generateNodeKey();
    const everythingWrong = sealEnvelope(stranger, ROUTE, BODY, NOW - 10 * 60_000);
    const wrongBody = new Uint8Array(3);
    expect((await refusalOf(verifier.verify(everythingWrong, wrongBody))).code).toBe(
      'unknown-sender',
    );
    const badSigWrongBodyStale = withEnvelope(sealEnvelope(alice, ROUTE, BODY, NOW - 600_000), {
      round: 4,
    });
    expect((await refusalOf(verifier.verify(badSigWrongBodyStale, wrongBody))).code).toBe(
      'bad-signature',
    );
    const wrongBodyStale = sealEnvelope(alice, ROUTE, BODY, NOW - 600_000);
    expect((await refusalOf(verifier.verify(wrongBodyStale, wrongBody))).code).toBe(
      'body-mismatch',
    );
  });

  it('refuses a message replayed onto a route that expects something else (400)', async () => {
    const { alice, verifier } = setup();
    const sealed = sealEnvelope(alice, ROUTE, BODY, NOW);
    const cases: Array<[object, string]> = [
      [{ collab: 'other' }, `envelope collab is "${COLLAB}", but this route expects "other"`],
      [
        { collab: COLLAB, type: 'model' },
        'envelope type is "update", but this route expects "model"',
      ],
      [
        { collab: COLLAB, type: 'update', round: 2 },
        'envelope round is 3, but this route expects 2',
      ],
    ];
    for (const [expected, message] of cases) {
      const error = await refusalOf(verifier.verify(sealed, BODY, expected as { collab: string }));
      expect(error).toMatchObject({ status: 400, code: 'misdirected', message });
    }
    await expect(verifier.verify(sealed, BODY, { collab: COLLAB })).resolves.toBeDefined();
  });

  it('treats a directory that answers with the wrong key as a server error, not a refusal', async () => {
    const { alice, bob } = setup();
    const verifier = new EnvelopeVerifier({
      directory: { publicKey: async () => bob.publicKey },
      nonces: new RecordingNonceStore(),
      now: () => NOW,
    });
    const promise = verifier.verify(sealEnvelope(alice, ROUTE, BODY, NOW), BODY);
    await expect(promise).rejects.toThrow(
      `key directory returned a key whose id is not ${alice.keyId}`,
    );
    await expect(promise).rejects.not.toBeInstanceOf(EnvelopeRefusal);
  });

  it('rejects a nonsensical maxSkewMs', () => {
    const { alice } = setup();
    const options = {
      directory: directoryOf([[alice, [COLLAB]]]),
      nonces: new RecordingNonceStore(),
    };
    expect(() => new EnvelopeVerifier({ ...options, maxSkewMs: Number.NaN })).toThrow(
      'maxSkewMs must be a non-negative number of ms, got NaN',
    );
  });
});
