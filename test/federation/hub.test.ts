import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Hub,
  Refusal,
  SiteWorker,
  addMember,
  createCollaboration,
} from '../../src/federation/index.js';
import type { Report } from '../../src/federation/index.js';
import { generateNodeKey } from '../../src/identity/index.js';
import { loadSiteDataset } from '../../src/learning/index.js';
import { encodeFrame } from '../../src/node/frame.js';
import { heartDiseaseNetwork } from '../../src/cli/demo/heart-network.js';
import { openStore } from '../../src/store/index.js';
import type { Db } from '../../src/store/index.js';
import { quickJob } from '../support/heart-network.js';
import { unsignedEnvelope as envelopeFor } from '../support/play-sites.js';

/** The hub's state machine in process: sites are played by the test through the Hub's API. */
let db: Db;
let hub: Hub;
const sites = new Map<string, SiteWorker>();

beforeEach(async () => {
  db = await openStore({ dataDir: 'memory://' });
  hub = new Hub(db, pino({ level: 'silent' }));
  await createCollaboration(db, { id: 'heart', domain: 'healthcare', title: '' });
  for (const site of heartDiseaseNetwork().sites) {
    const key = generateNodeKey();
    await addMember(db, 'heart', {
      ...site,
      keyId: site.name,
      roles: ['site'],
      publicKey: key.publicKey,
    });
    const ds = site.datasets[0]!;
    sites.set(
      site.name,
      new SiteWorker(
        site.name,
        new Map([['heart', { config: ds, data: await loadSiteDataset(ds, '/') }]]),
      ),
    );
  }
});
afterEach(async () => {
  await hub.stop();
  await db.close();
});

/** Updates in clear: these tests inspect and tamper with each site's update. */
const clearJob = (o: Parameters<typeof quickJob>[0]) =>
  quickJob({ ...o, secureAggregation: undefined });

/** Let one site answer whatever task it is offered next; returns its report and frame. */
async function answer(site: string, edit?: (r: Report, t: Float32Array[]) => void) {
  const posted = await hub.nextTask('heart', site, 10_000);
  if (!posted) throw new Error(`no task for ${site}`);
  if (posted.task.kind === 'cosign') throw new Error(`unexpected cosign task for ${site}`);
  const { report, tensors } = await sites.get(site)!.perform(posted.task, posted.tensors);
  edit?.(
    report,
    tensors.map((t) => t.data),
  );
  const body = encodeFrame(report, tensors);
  const envelope = unsignedEnvelope(report.kind, report.round);
  return { report, body, accept: () => hub.acceptReport('heart', site, envelope, body) };
}

const unsignedEnvelope = (type: string, round: number) => envelopeFor('heart', type, round);

async function untilTraining(names: string[]) {
  for (const kind of ['schema', 'statistics']) {
    for (const s of names) {
      const a = await answer(s);
      expect(a.report.kind).toBe(kind);
      await a.accept();
    }
  }
}

describe('hub round state machine', () => {
  it('refuses a second update from the same site while the round is open (409), keeping the first', async () => {
    const job = await hub.startJob('heart', clearJob({ rounds: 1, roundTimeoutMs: 60_000 }));
    await untilTraining([...sites.keys()]);
    const first = await answer('cleveland');
    expect(first.report.kind).toBe('train');
    await first.accept();
    const again = hub.acceptReport('heart', 'cleveland', unsignedEnvelope('train', 1), first.body);
    await expect(again).rejects.toThrow(Refusal);
    await expect(again).rejects.toThrow(/already sent its update for round 1/);
    for (const s of ['hungary', 'switzerland', 'long-beach']) await (await answer(s)).accept();
    for (const s of sites.keys()) await (await answer(s)).accept(); // final evaluation
    await hub.settled(job.id);
    expect((await hub.getJob(job.id))!.status).toBe('finished');
  });

  it('refuses NaN, Infinity and reports for another round, and the round completes with the valid ones', async () => {
    await hub.startJob('heart', clearJob({ rounds: 1, roundTimeoutMs: 60_000 }));
    await untilTraining([...sites.keys()]);
    const nan = await answer('hungary', (_r, t) => (t[0]![2] = Number.NaN));
    await expect(nan.accept()).rejects.toThrow(/NaN/);
    const inf = await answer('hungary', (_r, t) => (t[1]![0] = Number.POSITIVE_INFINITY));
    await expect(inf.accept()).rejects.toThrow(/Inf/);
    const wrongRound = await answer('hungary', (r) => (r.round = 2));
    await expect(wrongRound.accept()).rejects.toThrow(/not open/);
    await (await answer('hungary')).accept();
  });

  it('fails the job with a clear error when fewer than minSites answer', async () => {
    const job = await hub.startJob(
      'heart',
      clearJob({ rounds: 1, minSites: 3, setupTimeoutMs: 200, roundTimeoutMs: 50 }),
    );
    await (await answer('cleveland')).accept();
    await (await answer('hungary')).accept();
    await hub.settled(job.id);
    const failed = (await hub.getJob(job.id))!;
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/only 2 of 4 sites reported, at least 3 needed; no answer from/);
  });
});
