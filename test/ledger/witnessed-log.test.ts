import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import {
  FileWitnessStore,
  TileClient,
  TileLog,
  Witness,
  WitnessClient,
  policyFromJurisdictions,
  tileRoutes,
  verifyCosignedCheckpoint,
  witnessRoutes,
} from '../../src/ledger/index.js';
import { ORIGIN, entries, logSigner, logVerifier, tempDir } from './fixtures/logs.js';
import { clock, witnessSeed } from './fixtures/witnessing.js';

// The whole path as the hub will wire it: a durable log, one witness per jurisdiction over
// HTTP, cosignatures collected with consistency proofs from the log's tiles, checked against
// the jurisdiction policy, and published with the checkpoint for clients to verify.

describe('a log witnessed in every jurisdiction', () => {
  it('publishes checkpoints that satisfy the jurisdiction quorum', async () => {
    const app = new Hono();
    const fetch = ((input: string | URL | Request, init?: RequestInit) =>
      app.request(input instanceof URL ? input.href : input, init)) as typeof globalThis.fetch;
    const jurisdictions = ['EU', 'US', 'BR'];
    const witnesses = await Promise.all(
      jurisdictions.map(async (j, i) => {
        const witness = new Witness({
          name: `witness.test/${j.toLowerCase()}`,
          seed: witnessSeed(20 + i),
          logs: [{ origin: ORIGIN, vkey: logSigner.vkey }],
          store: new FileWitnessStore(await tempDir()),
          clock,
        });
        app.route(`/witness/${j}`, witnessRoutes(witness));
        return {
          witness,
          jurisdiction: j,
          client: new WitnessClient(`http://w.test/witness/${j}/`, { fetch }),
        };
      }),
    );
    const policy = policyFromJurisdictions(
      witnesses.map(({ witness, jurisdiction }) => ({
        name: witness.name,
        vkey: witness.vkey,
        jurisdiction,
      })),
      [{ vkey: logSigner.vkey }],
    );

    const log = await TileLog.open(await tempDir(), { origin: ORIGIN, signer: logSigner });
    app.route('/log/collab-1', tileRoutes(log));
    const believed = new Map<string, number>();
    const witnessCheckpoint = async (): Promise<void> => {
      const note = log.checkpoint();
      let cosigned = note;
      for (const { client, jurisdiction } of witnesses) {
        const { cosignatures } = await client.cosign(
          note,
          log.size,
          believed.get(jurisdiction) ?? 0,
          (old) => log.proveConsistency(old),
        );
        believed.set(jurisdiction, log.size);
        cosigned += cosignatures;
      }
      verifyCosignedCheckpoint(cosigned, policy);
      expect(await log.attachCosignatures(cosigned)).toBe(true);
    };

    for (const upTo of [10, 300, 301, 1000]) {
      await log.append(entries(log.size, upTo));
      await witnessCheckpoint();
    }
    const reader = new TileClient('http://hub.test/log/collab-1/', {
      origin: ORIGIN,
      verifiers: [logVerifier],
      fetch,
    });
    const { note, checkpoint } = await reader.checkpoint();
    expect(checkpoint.size).toBe(1000);
    expect(verifyCosignedCheckpoint(note, policy).cosigners).toEqual(
      witnesses.map((w) => w.witness.name),
    );
    expect(await reader.entry(123, checkpoint)).toEqual(entries(123, 124)[0]);

    // A checkpoint the log has moved past cannot be decorated any more.
    const stale = log.checkpoint();
    await log.append(entries(1000, 1001));
    expect(await log.attachCosignatures(stale)).toBe(false);
    expect(() => verifyCosignedCheckpoint(log.checkpoint(), policy)).toThrow(
      'do not satisfy the quorum',
    );
    await log.close();
  });
});
