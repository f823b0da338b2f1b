import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateNodeKey, loadNodeKey, sealEnvelope, toHeaders } from '../../src/identity/index.js';
import type { NodeKey } from '../../src/identity/index.js';
import { decodeFrame, encodeFrame } from '../../src/node/index.js';
import type { LocalNetwork } from '../../src/node/index.js';
import { SecureSessions, SiteWorker, Task } from '../../src/federation/index.js';
import { loadSiteDataset } from '../../src/learning/index.js';
import { heartNetwork, quickJob, raiseToTraining } from '../support/heart-network.js';

let net: LocalNetwork;
let cleveland: NodeKey;

beforeAll(async () => {
  net = await heartNetwork();
  await net.start('hub');
  for (const s of ['hungary', 'switzerland', 'long-beach']) await net.start(s);
  cleveland = await loadNodeKey(net.dir('cleveland'));
});
afterAll(async () => {
  await net.stop();
});

interface SendOptions {
  key?: NodeKey;
  now?: number;
  tamper?: (headers: Record<string, string>) => void;
}

async function send(
  path: string,
  type: string,
  round: number,
  body: Uint8Array,
  o: SendOptions = {},
) {
  const sealed = sealEnvelope(o.key ?? cleveland, { collab: 'heart', type, round }, body, o.now);
  const headers: Record<string, string> = { ...toHeaders(sealed) };
  o.tamper?.(headers);
  return fetch(new URL(path, net.hubUrl), {
    method: 'POST',
    headers,
    body: body as Uint8Array<ArrayBuffer>,
  });
}

const poll = (o: SendOptions = {}) =>
  send('/v1/collabs/heart/tasks', 'poll', 0, new Uint8Array(0), o);

describe('the hub refuses forged, stale and replayed messages, and records each refusal', () => {
  it('refuses a key that is not a member (401)', async () => {
    const res = await poll({ key: generateNodeKey() });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/unknown sender/);
  });

  it('refuses a bad signature (401)', async () => {
    const other = sealEnvelope(
      generateNodeKey(),
      { collab: 'heart', type: 'poll', round: 0 },
      new Uint8Array(0),
    );
    const res = await poll({
      tamper: (h) => (h['converge-signature'] = toHeaders(other)['converge-signature']),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/signature/);
  });

  it('refuses a stale timestamp (401)', async () => {
    const res = await poll({ now: Date.now() - 10 * 60_000 });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toMatch(/stale/);
  });

  it('refuses a replayed nonce (409)', async () => {
    const sealed = sealEnvelope(
      cleveland,
      { collab: 'heart', type: 'poll', round: 0 },
      new Uint8Array(0),
    );
    const headers = { ...toHeaders(sealed) };
    const url = new URL('/v1/collabs/heart/reports', net.hubUrl);
    // Sent to the reports route so it does not long-poll; the first is refused as malformed (400).
    const first = await fetch(url, { method: 'POST', headers, body: new Uint8Array(0) });
    expect(first.status).toBe(400);
    const second = await fetch(url, { method: 'POST', headers, body: new Uint8Array(0) });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: string }).error).toMatch(/replay/);
  });

  it('refuses clear tensors, forged keys and duplicates in a secure round; the round goes on with the valid ones', async () => {
    await raiseToTraining(net);
    const client = await net.client();
    const spec = net.spec.sites.find((s) => s.name === 'cleveland')!.datasets[0]!;
    const worker = new SiteWorker(
      'cleveland',
      new Map([['heart', { config: spec, data: await loadSiteDataset(spec, '/') }]]),
      undefined,
      new SecureSessions(cleveland.keyId),
    );
    const { id } = await client.startJob('heart', quickJob({ rounds: 2, roundTimeoutMs: 60_000 }));
    let tested = false;
    for (;;) {
      const job = await client.job(id);
      if (job.rounds.some((r) => r.round === 1 && r.status === 'complete')) break;
      const res = await poll();
      if (res.status === 204) continue;
      expect(res.status).toBe(200);
      const frame = decodeFrame(new Uint8Array(await res.arrayBuffer()));
      const task = Task.parse(frame.meta);
      // This test plays a data site only: its witness's cosign requests go unanswered.
      if (task.kind === 'cosign') continue;
      const { report, tensors } = await worker.perform(task, frame.tensors);
      const reply = (r: typeof report, t: typeof tensors) =>
        send('/v1/collabs/heart/reports', r.kind, r.round, encodeFrame(r, t));
      if (task.kind !== 'train' || report.kind !== 'train' || tested) {
        expect((await reply(report, tensors)).status).toBe(200);
        continue;
      }
      tested = true;
      // The update itself must never travel in a secure round, even beside the keys.
      const clear = await reply(report, frame.tensors);
      expect(clear.status).toBe(422);
      expect(await clear.text()).toMatch(/carries no tensors/);
      const forged = await reply({ ...report, secagg: 'not-a-secagg-message' }, []);
      expect(forged.status).toBe(422);
      expect(await forged.text()).toMatch(/secure aggregation/);
      const missing = await reply({ ...report, secagg: undefined }, []);
      expect(missing.status).toBe(422);
      expect((await reply(report, tensors)).status).toBe(200);
      const dup = await reply(report, tensors);
      expect(dup.status).toBe(409);
      // Once every site has reported the round's task is gone, so a duplicate meets either refusal.
      expect(((await dup.json()) as { error: string }).error).toMatch(/already|not open/);
    }
    expect(tested).toBe(true);
    // Round 1 completed with all four sites: the refused messages cost the valid ones nothing.
    for (;;) {
      const job = await client.job(id);
      const r1 = job.rounds.find((r) => r.round === 1 && r.status === 'complete');
      if (r1) {
        expect(r1.participants.sort()).toEqual([
          'cleveland',
          'hungary',
          'long-beach',
          'switzerland',
        ]);
        break;
      }
      await new Promise((ok) => setTimeout(ok, 50));
    }
    const refusals = await client.refusals();
    const statuses = refusals.map((r) => r.status);
    for (const s of [401, 409, 422]) expect(statuses).toContain(s);
  });
});
