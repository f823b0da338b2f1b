import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Hub,
  SecureSessions,
  SiteWorker,
  addMember,
  createCollaboration,
} from '../../src/federation/index.js';
import type { JobTask } from '../../src/federation/index.js';
import { lastCompleteRound, listRounds } from '../../src/federation/round-records.js';
import { epsilon } from '../../src/privacy/index.js';
import { generateNodeKey } from '../../src/identity/index.js';
import { loadSiteDataset } from '../../src/learning/index.js';
import { decodeFrame, encodeFrame } from '../../src/node/frame.js';
import { heartDiseaseNetwork } from '../../src/cli/demo/heart-network.js';
import { openStore } from '../../src/store/index.js';
import type { Db } from '../../src/store/index.js';
import { quickJob } from '../support/heart-network.js';
import { playSite, unsignedEnvelope, type Seen } from '../support/play-sites.js';

/**
 * SecAgg+ rounds through the hub's state machine in process: the test plays each site (its
 * SiteWorker and SecureSessions) and sees every byte the hub receives.
 */
let db: Db;
let hub: Hub;
const workers = new Map<string, SiteWorker>();
const names = heartDiseaseNetwork().sites.map((s) => s.name);

async function site(name: string): Promise<SiteWorker> {
  const spec = heartDiseaseNetwork().sites.find((s) => s.name === name)!;
  const ds = spec.datasets[0]!;
  return new SiteWorker(
    name,
    new Map([['heart', { config: ds, data: await loadSiteDataset(ds, '/') }]]),
    undefined,
    new SecureSessions(name),
  );
}

beforeEach(async () => {
  db = await openStore({ dataDir: 'memory://' });
  hub = new Hub(db, pino({ level: 'silent' }));
  await createCollaboration(db, { id: 'heart', domain: 'healthcare', title: '' });
  for (const s of heartDiseaseNetwork().sites) {
    await addMember(db, 'heart', {
      ...s,
      keyId: s.name,
      roles: ['site'],
      publicKey: generateNodeKey().publicKey,
    });
    workers.set(s.name, await site(s.name));
  }
});
afterEach(async () => {
  await hub.stop();
  await db.close();
});

const envelope = (type: string, round: number) => unsignedEnvelope('heart', type, round);

function serve(
  name: string,
  stop: { done: boolean },
  seen: Seen[],
  dropAt?: (task: JobTask) => boolean,
): Promise<void> {
  return playSite(hub, 'heart', name, () => workers.get(name)!, stop, seen, dropAt);
}

async function runJob(
  spec: Parameters<Hub['startJob']>[1],
  dropAt: Record<string, (task: JobTask) => boolean> = {},
) {
  const job = await hub.startJob('heart', spec);
  const stop = { done: false };
  const seen: Seen[] = [];
  const serving = names.map((n) => serve(n, stop, seen, dropAt[n]));
  await hub.settled(job.id);
  stop.done = true;
  await Promise.all(serving);
  return { job: (await hub.getJob(job.id))!, seen };
}

const phase =
  (p: string, round = 1) =>
  (task: JobTask) =>
    task.kind === 'secagg' && task.phase === p && task.round === round;

describe('secure aggregation in training rounds', () => {
  it('gives the clear round’s model up to the quantization bound, and the hub receives no update', async () => {
    const clear = await runJob(quickJob({ rounds: 2 }));
    expect(clear.job.status).toBe('finished');
    const clearModel = decodeFrame((await lastCompleteRound(db, clear.job.id))!.globalModel!);

    const secure = await runJob(quickJob({ rounds: 2, secureAggregation: {} }));
    expect(secure.job.status, secure.job.error ?? '').toBe('finished');
    const secureModel = decodeFrame((await lastCompleteRound(db, secure.job.id))!.globalModel!);

    let worst = 0;
    secureModel.tensors.forEach((t, i) =>
      t.data.forEach(
        (v, j) => (worst = Math.max(worst, Math.abs(v - clearModel.tensors[i]!.data[j]!))),
      ),
    );
    expect(worst).toBeGreaterThan(0); // stochastic rounding: not the same bits
    expect(worst).toBeLessThan(1e-3);

    // What the hub received in the secure job's rounds: keys, masked words, shares; no tensors.
    const rounds = secure.seen.filter(
      (s) => (s.task.kind === 'train' || s.task.kind === 'secagg') && s.task.round > 0,
    );
    expect(rounds.length).toBe(2 * 4 * 4); // 2 rounds × 4 sites × 4 phases
    for (const s of rounds) expect(decodeFrame(s.body).tensors).toHaveLength(0);
    const stored = await db.query('select 1 from updates where job_id = $1', [secure.job.id]);
    expect(stored).toHaveLength(0);
    // Standardisation went through SecAgg+ too: only category names in clear, and the same
    // global means and standard deviations as the clear job's, up to float rounding.
    const statistics = secure.seen.filter((s) => s.report.kind === 'statistics');
    expect(statistics).toHaveLength(4);
    for (const s of statistics)
      expect(s.report.kind === 'statistics' && s.report.statistics.numeric).toEqual({});
    const prep = (j: typeof clear.job) =>
      (j.preprocessing as { preprocessing: { means: number[]; stds: number[] } }).preprocessing;
    const [a, b] = [prep(clear.job), prep(secure.job)];
    expect(b.means.length).toBe(a.means.length);
    b.means.forEach((m, i) => expect(m).toBeCloseTo(a.means[i]!, 4));
    b.stds.forEach((sd, i) => expect(sd).toBeCloseTo(a.stds[i]!, 4));
    const last = await lastCompleteRound(db, secure.job.id);
    expect(last!.participants).toEqual([...names].sort());
  });

  it.each(['share-keys', 'masked-input', 'unmasking'])(
    'survives a site dropping before its %s answer',
    async (p) => {
      const { job } = await runJob(
        quickJob({
          rounds: 1,
          roundTimeoutMs: 1_500,
          setupTimeoutMs: 5_000,
          secureAggregation: {},
        }),
        { switzerland: phase(p) },
      );
      expect(job.status, job.error ?? '').toBe('finished');
      const round = await lastCompleteRound(db, job.id);
      expect(round!.round).toBe(1);
      // Dropped before its masked input: not in the sum; after it (unmasking): still in it.
      const inSum = p === 'unmasking';
      expect(round!.participants!.includes('switzerland')).toBe(inSum);
    },
  );

  it('fails the round cleanly, publishing nothing, when too few sites remain', async () => {
    const { job } = await runJob(
      quickJob({ rounds: 1, roundTimeoutMs: 1_500, minSites: 1, secureAggregation: {} }),
      { switzerland: phase('masked-input'), hungary: phase('masked-input') },
    );
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(
      /secure aggregation of round 1 failed: round .* failed in masked-input/,
    );
    expect((await lastCompleteRound(db, job.id))!.round).toBe(0);
  });

  it('refuses a SecAgg message one site sends in another site’s name', async () => {
    const job = await hub.startJob('heart', quickJob({ rounds: 1, secureAggregation: {} }));
    const stop = { done: false };
    const seen: Seen[] = [];
    const honest = names.filter((n) => n !== 'hungary').map((n) => serve(n, stop, seen));
    // hungary answers schema and statistics, then replays cleveland's advertised keys as its own.
    let refusal: unknown;
    for (;;) {
      const posted = await hub.nextTask('heart', 'hungary', 5_000);
      if (!posted || posted.task.kind === 'cosign') continue;
      const { report, tensors } = await workers
        .get('hungary')!
        .perform(posted.task, posted.tensors);
      if (report.kind === 'train') {
        const cleveland = seen.find((s) => s.report.kind === 'train');
        if (!cleveland) {
          await new Promise((r) => setTimeout(r, 50));
          continue;
        }
        const forged = { ...report, secagg: (cleveland.report as typeof report).secagg };
        const body = encodeFrame(forged, []);
        refusal = await hub
          .acceptReport('heart', 'hungary', envelope('train', 1), body)
          .catch((e: unknown) => e);
        break;
      }
      await hub.acceptReport(
        'heart',
        'hungary',
        envelope(report.kind, report.round),
        encodeFrame(report, tensors),
      );
    }
    expect(String(refusal)).toMatch(/claims to be from cleveland/);
    stop.done = true;
    await hub.stop();
    await Promise.all(honest);
    expect(job.id).toBeTruthy();
  });

  it('a site that lost its secrets (restarted) withdraws and counts as dropped', async () => {
    const restarted = await site('long-beach');
    const { job } = await runJob(
      quickJob({ rounds: 1, roundTimeoutMs: 1_500, setupTimeoutMs: 5_000, secureAggregation: {} }),
      {
        'long-beach': (task) => {
          // The process restarts after advertising: a fresh worker with no open rounds.
          if (task.kind === 'secagg' && task.phase === 'share-keys') {
            workers.set('long-beach', restarted);
          }
          return false;
        },
      },
    );
    expect(job.status, job.error ?? '').toBe('finished');
    const round = await lastCompleteRound(db, job.id);
    expect(round!.participants).not.toContain('long-beach');
  });

  describe('client-level DP-FedAvg', () => {
    const dp = { mode: 'dp-fedavg', clipNorm: 0.5, noiseMultiplier: 1, delta: 1e-5 } as const;

    it('clips and noises each update in shares, and accounts ε per published round', async () => {
      const { job } = await runJob(
        quickJob({
          rounds: 2,
          secureAggregation: {},
          clientPrivacy: dp,
          personalization: undefined,
        }),
      );
      expect(job.status, job.error ?? '').toBe('finished');
      const spent = (await listRounds(db, job.id))
        .filter((r) => r.round > 0)
        .map(
          (r) =>
            (r.metrics as { clientPrivacy: { epsilon: number; survivors: number } }).clientPrivacy,
        );
      expect(spent.map((s) => s.survivors)).toEqual([4, 4]);
      // σ = 1 at sampling rate 1: one release is ε ≈ 4.4 at δ = 1e-5 (the accountant's figure).
      expect(spent[1]!.epsilon).toBeGreaterThan(spent[0]!.epsilon);
      expect(spent[0]!.epsilon).toBeCloseTo(
        epsilon({ sampleRate: 1, noiseMultiplier: 1, steps: 1, delta: 1e-5 }).epsilon,
        6,
      );
    });

    it('is refused without secure aggregation, and a round below m survivors is not published', async () => {
      await expect(
        hub.startJob('heart', quickJob({ secureAggregation: undefined, clientPrivacy: dp })),
      ).rejects.toThrow(/needs secureAggregation/);
      const { job } = await runJob(
        quickJob({
          rounds: 1,
          roundTimeoutMs: 1_500,
          setupTimeoutMs: 5_000,
          secureAggregation: {},
          clientPrivacy: dp,
          personalization: undefined,
        }),
        { switzerland: phase('masked-input') },
      );
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/only 3 updates survived, fewer than the 4/);
      expect((await lastCompleteRound(db, job.id))!.round).toBe(0);
    });
  });
});
