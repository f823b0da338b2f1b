/**
 * npm run bench:fl [-- --quick] [-- --json FILE]
 *
 * Federated-training protocol cost on real processes over loopback: for the 4-hospital demo and
 * for 16 simulated sites (each hospital's rows dealt to 4 shards), the wall time of a round
 * against the slowest site's pure local training time (the protocol overhead ratio), bytes on
 * the wire per round against the model size, and peak memory (VmHWM) of hub and sites.
 */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalNetwork } from '../src/node/index.js';
import type { LocalNetworkSpec } from '../src/node/index.js';
import { heartDiseaseNetwork } from '../src/cli/demo/heart-network.js';
import { heartJobSpec } from '../src/cli/demo/run-demo.js';
import { raiseTrustTogether } from '../src/cli/demo/demo-governance.js';
import { followJob } from '../src/cli/follow-job.js';
import type { JobSummary } from '../src/federation/index.js';

interface Scenario {
  name: string;
  sites: number;
  roundsMeasured: number;
  meanRoundMs: number;
  meanSlowestSiteTrainMs: number;
  overheadRatio: number;
  bytesPerRound: { updates: number; tasks: number; total: number };
  modelBytes: number;
  peakMemoryMiB: { hub: number; siteMax: number; siteMean: number };
}

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;

async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** Deal each hospital's rows round-robin to `shards` sites, each with its own random split. */
async function shardedNetwork(dir: string, shards: number): Promise<LocalNetworkSpec> {
  const base = heartDiseaseNetwork();
  const sites: LocalNetworkSpec['sites'] = [];
  await mkdir(dir, { recursive: true });
  for (const site of base.sites) {
    const ds = site.datasets[0]!;
    const lines = (await readFile(ds.path, 'utf8')).split('\n').filter((l) => l.trim() !== '');
    for (let k = 0; k < shards; k++) {
      const path = join(dir, `${site.name}-${k}.csv`);
      await writeFile(path, lines.filter((_, i) => i % shards === k).join('\n') + '\n');
      sites.push({
        ...site,
        name: `${site.name}-${k}`,
        datasets: [{ ...ds, path, split: { kind: 'random', testFraction: 0.34, seed: 43 } }],
      });
    }
  }
  return { ...base, sites };
}

function measure(name: string, job: JobSummary, peaks: { hub: number; sites: number[] }): Scenario {
  // Round 1 includes each site's one-off work (warming the wasm backend); leave it out.
  const rounds = job.rounds.filter((r) => r.status === 'complete' && r.round > 1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const roundMs = rounds.map((r) => r.completedAt! - r.startedAt);
  const slowest = rounds.map((r) => Math.max(...Object.values(r.trainMs)));
  const updates = mean(rounds.map((r) => Object.values(r.updateBytes).reduce((a, b) => a + b, 0)));
  // One update ≈ one model frame; secure rounds store no update, so their bytes read 0.
  const modelBytes = mean(rounds.flatMap((r) => Object.values(r.updateBytes)));
  const tasks = modelBytes * job.participants.length;
  return {
    name,
    sites: job.participants.length,
    roundsMeasured: rounds.length,
    meanRoundMs: mean(roundMs),
    meanSlowestSiteTrainMs: mean(slowest),
    overheadRatio: mean(roundMs) / mean(slowest),
    bytesPerRound: { updates, tasks, total: updates + tasks },
    modelBytes,
    peakMemoryMiB: {
      hub: peaks.hub,
      siteMax: Math.max(...peaks.sites),
      siteMean: mean(peaks.sites),
    },
  };
}

async function run(name: string, spec: LocalNetworkSpec, rounds: number): Promise<Scenario> {
  const dir = await mkdtemp(join(tmpdir(), `converge-bench-${name}-`));
  const net = await LocalNetwork.create(dir, spec);
  try {
    await net.startAll();
    const client = await net.client();
    // Federated training needs trust level 2: every member signs, as in the demo.
    await raiseTrustTogether(net, client);
    const jobSpec = { ...heartJobSpec(0, rounds), localBaseline: undefined, minSites: 2 };
    const { id } = await client.startJob(spec.collab.id, jobSpec);
    const job = await followJob(client, id, (l) => process.stderr.write(`[${name}] ${l}\n`));
    if (job.status !== 'finished') throw new Error(`${name}: job ${job.status}: ${job.error}`);
    const pids = net.pids();
    const hub = await peakRssMiB(pids[spec.hub.name]!);
    const sites = await Promise.all(spec.sites.map((s) => peakRssMiB(pids[s.name]!)));
    return measure(name, job, { hub, sites });
  } finally {
    await net.stop();
  }
}

const rounds = quick ? 5 : 15;
const results: Scenario[] = [];
results.push(await run('demo-4-sites', heartDiseaseNetwork(), rounds));
const shardDir = await mkdtemp(join(tmpdir(), 'converge-shards-'));
results.push(await run('simulated-16-sites', await shardedNetwork(shardDir, 4), rounds));

const report = {
  benchmark: 'fl',
  date: new Date().toISOString(),
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  quick,
  rounds,
  results,
};
for (const r of results) {
  console.log(
    `${r.name.padEnd(20)} round ${r.meanRoundMs.toFixed(0)} ms vs slowest local training ${r.meanSlowestSiteTrainMs.toFixed(0)} ms ` +
      `=> overhead ${r.overheadRatio.toFixed(2)}x; ${(r.bytesPerRound.total / 1024).toFixed(1)} KiB/round ` +
      `(model frame ${r.modelBytes.toFixed(0)} B); peak RSS hub ${r.peakMemoryMiB.hub.toFixed(0)} MiB, site max ${r.peakMemoryMiB.siteMax.toFixed(0)} MiB`,
  );
}
if (jsonFile) await writeFile(jsonFile, JSON.stringify(report, null, 2) + '\n');
