import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalNetwork } from '../../src/node/index.js';
import { apiToken } from '../../src/node/index.js';
import type { PlacementListing } from '../../src/node/placement-listing.js';
import type { JobSummary } from '../../src/federation/index.js';
import { decodeEntry, verifyReceipt } from '../../src/federation/index.js';
import type { LedgerEntry } from '../../src/federation/index.js';
import { publicKeyFromBase64 } from '../../src/identity/index.js';
import {
  TileClient,
  auditLog,
  newVerifier,
  parsePolicy,
  verifyCosignedCheckpoint,
} from '../../src/ledger/index.js';
import { heartNetwork, quickJob, raiseToTraining } from '../support/heart-network.js';
import { runCli } from '../cli/support/run-cli.js';

let net: LocalNetwork | undefined;
afterEach(async () => {
  await net?.stop();
  net = undefined;
});

async function waitFor(
  client: Awaited<ReturnType<LocalNetwork['client']>>,
  id: string,
  done: (job: JobSummary) => boolean,
  timeoutMs = 90_000,
): Promise<JobSummary> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await client.job(id);
    if (done(job)) return job;
    if (Date.now() > deadline)
      throw new Error(`timed out; job is ${job.status}/${job.phase}, ${job.rounds.length} rounds`);
    await sleep(50);
  }
}

/** Reads the collaboration's published log as any member would, and checks its story. */
async function checkLedger(
  client: Awaited<ReturnType<LocalNetwork['client']>>,
  rounds: number,
): Promise<LedgerEntry[]> {
  const status = await client.ledgerPublished('heart');
  const policy = parsePolicy(status.policy);
  // Published only with a cosignature from every member jurisdiction (US, HU, CH).
  const { checkpoint, cosigners } = verifyCosignedCheckpoint(status.checkpoint!, policy);
  expect(cosigners.sort()).toEqual(['cleveland', 'hungary', 'long-beach', 'switzerland']);
  const tiles = new TileClient(client.logUrl('heart'), {
    origin: status.origin,
    verifiers: [newVerifier(policy.logs[0]!.vkey)],
  });
  expect((await tiles.checkpoint()).checkpoint.size).toBe(checkpoint.size);
  expect((await auditLog(tiles, checkpoint)).entries).toBe(checkpoint.size);
  const entries: LedgerEntry[] = [];
  for (let i = 0; i < checkpoint.size; i++)
    entries.push(decodeEntry(await tiles.entry(i, checkpoint)));
  const count = (type: string) => entries.filter((e) => e.type === type).length;
  expect(entries[0]!.type).toBe('collab.created');
  expect(count('member.joined')).toBe(6); // the hub, four hospitals, the partner in China
  expect(count('job.proposed')).toBe(1);
  expect(count('job.started')).toBe(1);
  expect(count('round.closed')).toBe(rounds);
  expect(count('contribution.receipt')).toBe(rounds * 4);
  expect(count('model.released')).toBe(1);
  expect(entries.at(-1)!.type).toBe('job.finished');
  // The hub asked the planner where the aggregation should run, among the sites it knows:
  // Sweden is cheaper and cleaner than the hub's own server; training stayed at the sites.
  const started = entries.find((e) => e.type === 'job.started')!;
  const placed = entries.filter((e) => e.type === 'job.placed');
  expect(placed).toHaveLength(1);
  expect(placed[0]).toMatchObject({
    candidates: ['hub', 'se-north'],
    local: started.type === 'job.started' ? started.participants : [],
    aggregation: { site: 'se-north', country: 'SE' },
    excluded: [],
  });
  expect(placed[0]!.type === 'job.placed' && placed[0]!.error).toBeFalsy();
  // Every receipt carries the site's own signature over what it sent, and what it sent is
  // what the round's entry says was aggregated.
  const keys = new Map<string, Uint8Array>();
  for (const e of entries) {
    if (e.type === 'member.joined')
      keys.set(e.member.keyId, publicKeyFromBase64(e.member.publicKey));
  }
  const aggregated = new Set(
    entries.flatMap((e) =>
      e.type === 'round.closed' ? e.contributions.map((c) => c.payloadSha256) : [],
    ),
  );
  for (const e of entries) {
    if (e.type !== 'contribution.receipt') continue;
    verifyReceipt(e, keys.get(e.site)!);
    expect(aggregated.has(e.payloadSha256)).toBe(true);
  }
  return entries;
}

const completeRounds = (job: JobSummary) => job.rounds.filter((r) => r.status === 'complete');

/** The hub's compute sites: its own server in Geneva, and a cheaper, cleaner one in Sweden. */
const COMPUTE_SITES = {
  horizon: { slots: 1, slotHours: 24 },
  sites: [
    {
      id: 'hub',
      location: { lat: 46.2, lon: 6.14, country: 'CH' },
      accelerators: [
        { model: 'CPU server', count: 1, tpp: 0, performanceDensity: 0, memoryGiB: 16 },
      ],
      pricePerAcceleratorHourUsd: 0.2,
      pue: 1.5,
      gridIntensityGco2PerKwh: 40,
    },
    {
      id: 'se-north',
      location: { lat: 65.6, lon: 22.1, country: 'SE' },
      accelerators: [
        { model: 'CPU server', count: 4, tpp: 0, performanceDensity: 0, memoryGiB: 64 },
      ],
      pricePerAcceleratorHourUsd: 0.05,
      pue: 1.1,
    },
  ],
};

describe('federated training across OS processes', () => {
  it('trains four hospitals end to end, every site in every round', async () => {
    const sites = join(await mkdtemp(join(tmpdir(), 'converge-sites-')), 'compute-sites.json');
    await writeFile(sites, JSON.stringify(COMPUTE_SITES));
    net = await heartNetwork((spec) => ({ ...spec, hub: { ...spec.hub, computeSites: sites } }));
    await net.startAll();
    await raiseToTraining(net);
    const client = await net.client();
    const { id } = await client.startJob('heart', quickJob({ rounds: 4, roundTimeoutMs: 60_000 }));
    const job = await waitFor(client, id, (j) => j.status !== 'running');
    expect(job.error).toBeNull();
    expect(job.status).toBe('finished');
    expect(completeRounds(job).map((r) => r.round)).toEqual([1, 2, 3, 4]);
    for (const r of job.rounds)
      expect(r.participants.sort()).toEqual(['cleveland', 'hungary', 'long-beach', 'switzerland']);
    // Each update is the 14-parameter model as a binary frame, not a JSON array of numbers.
    const bytes = Object.values(job.rounds[0]!.updateBytes);
    for (const b of bytes) expect(b).toBeLessThan(2_000);
    const global = job.evaluation['global']!;
    const n = Object.values(global).reduce((a, e) => a + e.n, 0);
    expect(n).toBe(254);
    // Every round's global model was evaluated by every site, on its own test split.
    for (const r of job.rounds) {
      expect(Object.keys(r.metrics?.perSite ?? {}).sort()).toHaveLength(4);
      expect(r.metrics!.pooledAccuracy).toBeGreaterThan(0.6);
    }
    const entries = await checkLedger(client, 4);
    // The dashboard's API lists the placement from the log (member token), with its index.
    const auth = { authorization: `Bearer ${await apiToken(net.dir('hub'))}` };
    const listing = (await (
      await fetch(`${net.hubUrl}/v1/collabs/heart/placements`, { headers: auth })
    ).json()) as PlacementListing;
    expect(listing.placements.map((p) => p.index)).toEqual([
      entries.findIndex((e) => e.type === 'job.placed'),
    ]);
    expect(listing.sites.map((s) => [s.id, s.lat])).toEqual([
      ['hub', 46.2],
      ['se-north', 65.6],
    ]);
    expect((await fetch(`${net.hubUrl}/v1/collabs/heart/placements`)).status).toBe(401);
    const wrong = await fetch(`${net.hubUrl}/v1/planner/scenario?objective=fast`, {
      headers: auth,
    });
    expect(await wrong.json()).toMatchObject({
      error: 'objective: must be one of cost, carbon, balanced',
    });
    // The same log through the command line: a monitor's audit, and a site's offline proof
    // that its contribution was received, checked with the public witness policy alone.
    const work = await mkdtemp(join(tmpdir(), 'converge-log-'));
    const url = client.logUrl('heart');
    const audit = await runCli(['log', 'audit', url, '--state', join(work, 'monitor.json')]);
    expect(audit.stderr).toBe('');
    expect(audit.code).toBe(0);
    const receipt = entries.findIndex((e) => e.type === 'contribution.receipt');
    await writeFile(join(work, 'policy'), (await client.ledgerStatus('heart')).policy);
    const proved = await runCli([
      'log',
      'prove',
      String(receipt),
      '--hub',
      url,
      '--out',
      join(work, 'proof'),
    ]);
    expect(proved.code).toBe(0);
    const verified = await runCli([
      'log',
      'verify-proof',
      join(work, 'proof'),
      '--witnesses',
      join(work, 'policy'),
    ]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('contribution.receipt');
    // No private key material in any node's log.
    for (const node of ['hub', 'cleveland', 'hungary', 'switzerland', 'long-beach']) {
      const pem = await readFile(join(net.dir(node), 'keys', 'node.key'), 'utf8');
      const secret = pem
        .split('\n')
        .filter((l) => l && !l.startsWith('-----'))
        .join('');
      const log = await readFile(join(net.dir(node), 'node.log'), 'utf8');
      expect(log.length).toBeGreaterThan(0);
      expect(log).not.toContain(secret.slice(-32));
    }
  });

  it('drops a site killed with -9 mid-training and takes it back when it returns', async () => {
    net = await heartNetwork();
    await net.startAll();
    await raiseToTraining(net);
    const client = await net.client();
    const { id } = await client.startJob('heart', quickJob({ rounds: 8 }));
    await waitFor(client, id, (j) => completeRounds(j).length >= 1);
    await net.kill('switzerland');
    // With switzerland gone, a round completes without it once the 3 s timeout passes.
    const dropped = await waitFor(client, id, (j) =>
      j.rounds.some((r) => r.dropped.includes('switzerland')),
    );
    const droppedRound = dropped.rounds.find((r) => r.dropped.includes('switzerland'))!.round;
    await net.start('switzerland');
    const job = await waitFor(client, id, (j) => j.status !== 'running');
    expect(job.status).toBe('finished');
    const later = job.rounds.filter(
      (r) => r.round > droppedRound && r.participants.includes('switzerland'),
    );
    expect(later.length).toBeGreaterThan(0);
    for (const r of job.rounds) expect(r.participants.length).toBeGreaterThanOrEqual(3);
  });

  it('resumes at the last completed round after kill -9 of the hub, earlier rounds intact', async () => {
    net = await heartNetwork();
    await net.startAll();
    await raiseToTraining(net);
    let client = await net.client();
    const { id } = await client.startJob('heart', quickJob({ rounds: 8 }));
    const before = await waitFor(client, id, (j) => completeRounds(j).length >= 3);
    await net.kill('hub');
    await net.start('hub');
    client = await net.client();
    const job = await waitFor(client, id, (j) => j.status !== 'running');
    expect(job.status).toBe('finished');
    expect(completeRounds(job).map((r) => r.round)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of completeRounds(before)) {
      const after = job.rounds.find((x) => x.round === r.round)!;
      expect(after.globalModelSha256).toBe(r.globalModelSha256);
      expect(after.completedAt).toBe(r.completedAt);
    }
  });

  it('refuses to start when a site declares a different schema, naming the site and the difference', async () => {
    net = await heartNetwork((spec) => ({
      ...spec,
      sites: spec.sites.map((s) =>
        s.name !== 'switzerland'
          ? s
          : {
              ...s,
              datasets: s.datasets.map((d) => ({
                ...d,
                schema: {
                  ...d.schema,
                  features: d.schema.features.filter((f) => f !== 'chol'),
                  bounds: Object.fromEntries(
                    Object.entries(d.schema.bounds ?? {}).filter(([f]) => f !== 'chol'),
                  ),
                },
              })),
            },
      ),
    }));
    await net.startAll();
    await raiseToTraining(net);
    const client = await net.client();
    const { id } = await client.startJob('heart', quickJob({ rounds: 2 }));
    const job = await waitFor(client, id, (j) => j.status !== 'running');
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/schema mismatch/);
    expect(job.error).toMatch(/switzerland/);
    expect(job.error).toMatch(/chol/);
    expect(job.rounds).toEqual([]);
  });

  it('goes on without a site whose CSV is malformed; that site exits naming the file and line', async () => {
    const work = await mkdtemp(join(tmpdir(), 'converge-bad-csv-'));
    const bad = join(work, 'switzerland.data');
    net = await heartNetwork((spec) => ({
      ...spec,
      sites: spec.sites.map((s) =>
        s.name !== 'switzerland'
          ? s
          : { ...s, datasets: s.datasets.map((d) => ({ ...d, path: bad })) },
      ),
    }));
    const good = net.spec.sites.find((s) => s.name === 'cleveland')!.datasets[0]!.path;
    const swiss = (await readFile(good.replace('cleveland', 'switzerland'), 'utf8')).split('\n');
    swiss[6] = '54,1,4,125,0,?,0,140'; // a row with 8 of 14 fields, on line 7
    await writeFile(bad, swiss.join('\n'));
    await net.start('hub');
    // start() returns once the site polls or exits; this one exits.
    const failing = await net.start('switzerland');
    const code =
      failing.exitCode ?? (await new Promise<number | null>((ok) => failing.once('exit', ok)));
    expect(code).toBe(1);
    const stderr = net.errorOutput('switzerland');
    expect(stderr).toMatch(/switzerland\.data/);
    expect(stderr).toMatch(/switzerland\.data:7: expected 14 fields, found 8/);
    for (const s of ['cleveland', 'hungary', 'long-beach']) await net.start(s);
    await raiseToTraining(net);
    const client = await net.client();
    const { id } = await client.startJob(
      'heart',
      quickJob({ rounds: 2, minSites: 3, setupTimeoutMs: 4_000 }),
    );
    const job = await waitFor(client, id, (j) => j.status !== 'running');
    expect(job.status).toBe('finished');
    expect(job.participants.sort()).toEqual(['cleveland', 'hungary', 'long-beach']);
  });
});
