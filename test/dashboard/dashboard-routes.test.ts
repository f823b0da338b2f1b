import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heartJobSpec } from '../../src/cli/demo/run-demo.js';
import { createCollaboration } from '../../src/federation/index.js';
import { createJob, updateJob } from '../../src/federation/job-records.js';
import { dashboardRoutes } from '../../src/node/dashboard-routes.js';
import { JobSummaries } from '../../src/node/job-summaries.js';
import { packHash, readPolicyDir } from '../../src/policy/index.js';
import { openStore, type Db } from '../../src/store/index.js';

// The hub's dashboard streams against an in-memory database: the overview again when a job is
// created or changes, a job's summary until it ends, and summaries shared until progress moves.

const TOKEN = 'member-token';
let db: Db;
let app: ReturnType<typeof dashboardRoutes>;

beforeAll(async () => {
  db = await openStore({ dataDir: 'memory://' });
  await createCollaboration(db, { id: 'heart', domain: 'healthcare', title: 'Heart' });
  app = dashboardRoutes({ db, token: TOKEN, nodeName: 'hub', keyId: 'key', pollMs: 10 });
});

afterAll(async () => {
  await db?.close();
});

/** Reads a server-sent stream's events of one name, one at a time; `stop` hangs up. */
function events(res: Response, name: string) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const stop = () => reader.cancel();
  const next = async (): Promise<unknown> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const lines = block.split('\n');
        if (!lines.includes(`event: ${name}`)) continue;
        const data = lines.find((l) => l.startsWith('data: '));
        return JSON.parse(data!.slice(6)) as unknown;
      }
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += value;
    }
  };
  return { next, stop };
}

const auth = { authorization: `Bearer ${TOKEN}` };

describe('the dashboard streams', () => {
  it('refuses the overview stream without the member token, in words', async () => {
    const res = await app.request('/v1/overview/events');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'missing or wrong bearer token' });
  });

  it('sends the overview at once, then again when a job is created and when it ends', async () => {
    const res = await app.request('/v1/overview/events', { headers: auth });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const { next, stop } = events(res, 'overview');
    type Overview = { collaborations: { id: string; jobs: { id: string; status: string }[] }[] };
    const first = (await next()) as Overview;
    expect(first.collaborations.map((c) => [c.id, c.jobs.length])).toEqual([['heart', 0]]);
    const job = await createJob(db, 'heart', heartJobSpec(0, 2));
    const second = (await next()) as Overview;
    expect(second.collaborations[0]!.jobs).toMatchObject([{ id: job.id, status: 'running' }]);
    await updateJob(db, job.id, { status: 'finished', phase: 'done' });
    const third = (await next()) as Overview;
    expect(third.collaborations[0]!.jobs).toMatchObject([{ id: job.id, status: 'finished' }]);
    await stop();
  });

  it("streams a job's summary until it ends", async () => {
    const job = await createJob(db, 'heart', heartJobSpec(0, 2));
    const res = await app.request(`/v1/jobs/${job.id}/events`, { headers: auth });
    const { next } = events(res, 'summary');
    expect(await next()).toMatchObject({ id: job.id, status: 'running' });
    await updateJob(db, job.id, { phase: 'training' });
    expect(await next()).toMatchObject({ id: job.id, phase: 'training' });
    await updateJob(db, job.id, { status: 'failed', phase: 'done', error: 'stopped' });
    expect(await next()).toMatchObject({ status: 'failed', error: 'stopped' });
    // The stream ends with the job.
    expect(await next()).toBeUndefined();
  });
});

describe('job summaries', () => {
  it('are shared while the job does not move, and read again when it does', async () => {
    const summaries = new JobSummaries(db);
    const job = await createJob(db, 'heart', heartJobSpec(0, 2));
    const first = await summaries.get(job.id);
    expect(await summaries.get(job.id)).toBe(first);
    await updateJob(db, job.id, { phase: 'statistics' });
    const moved = await summaries.get(job.id);
    expect(moved).not.toBe(first);
    expect(moved?.phase).toBe('statistics');
    expect(await summaries.get('job-nothing')).toBeUndefined();
  });
});

describe("the packs' metadata for the Collaborations page", () => {
  it("names the hub's own versions and those voted in, by hash, with their metadata", async () => {
    const res = await app.request('/v1/collabs/heart/policy/versions');
    expect(res.status).toBe(401);

    // A version of the US pack voted into force (as the hub's pack records keep it).
    const us = readPolicyDir().packs.find((p) => p.name === 'us')!;
    const voted = { ...us, meta: { ...(us.meta as object), version: '2025.2' } };
    await db.query(
      'insert into policy_packs (collab_id, hash, pack, source, added_at) values ($1, $2, $3, $4, $5)',
      ['heart', packHash(voted), 'us', JSON.stringify(voted), 1],
    );
    await db.query(
      'insert into policy_in_force (collab_id, pack, hash, since) values ($1, $2, $3, $4)',
      ['heart', 'us', packHash(voted), 1_700_000_000_000],
    );
    const view = (await (
      await app.request('/v1/collabs/heart/policy/versions', { headers: auth })
    ).json()) as {
      versions: {
        pack: string;
        hash: string;
        shipped: boolean;
        since: number | null;
        meta: { version: string; disclaimer: string };
      }[];
      changes: unknown[];
    };
    expect(view.versions.filter((v) => v.shipped).map((v) => [v.pack, v.hash])).toEqual(
      readPolicyDir().packs.map((p) => [p.name, packHash(p)]),
    );
    for (const v of view.versions) {
      expect(v.meta.disclaimer.toLowerCase()).toContain(
        'illustrative encoding of public rules, not legal advice',
      );
    }
    expect(view.versions.find((v) => !v.shipped)).toMatchObject({
      pack: 'us',
      hash: packHash(voted),
      since: 1_700_000_000_000,
      meta: { version: '2025.2' },
    });
    // No log here: the policy.changed entries come from the hub's recorder.
    expect(view.changes).toEqual([]);
  });
});
