import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { HEART_DISEASE_DEFAULTS } from '../../learning/index.js';
import { LocalNetwork } from '../../node/index.js';
import type { TrainJobSpec } from '../../federation/index.js';
import { followJob } from '../follow-job.js';
import { buildDemoResult, formatDemoFooter, formatDemoReport } from './demo-result.js';
import type { DemoResult } from './demo-result.js';
import { heartDiseaseNetwork } from './heart-network.js';
import { demoLedger, formatDemoLedger } from './demo-ledger.js';
import { demoGovernance } from './demo-governance.js';
import { airQualityNetwork } from './air-network.js';
import { runAirAnalytics } from './air-demo.js';
import { formatAirReport } from './air-report.js';
import {
  DP_CLIP_NORM,
  DP_DELTA,
  DP_EPSILONS,
  dpAccuracy,
  formatDemoPrivacy,
  heartSpend,
} from './demo-privacy.js';
import { airReferencesInWorker, centralizedInWorker, simulateDpInWorker } from './in-worker.js';

export interface DemoOptions {
  seed: number;
  workdir: string;
  rounds?: number;
  json?: string;
  log?: (line: string) => void;
  /** Called once each network's nodes run (the CLI prints its dashboard's URL). */
  onRunning?: (net: LocalNetwork) => Promise<void>;
  /** Awaited after the report, before the nodes stop (the CLI serves until Ctrl-C). */
  beforeStop?: () => Promise<void>;
}

export function heartJobSpec(seed: number, rounds?: number): TrainJobSpec {
  const d = HEART_DISEASE_DEFAULTS;
  const local = {
    steps: d.steps,
    batchSize: d.batchSize,
    learningRate: d.learningRate,
    optimizer: d.optimizer,
    ...(d.l2 !== undefined ? { l2: d.l2 } : {}),
  };
  return {
    kind: 'train',
    dataset: 'heart',
    model: d.model,
    strategy: d.strategy as TrainJobSpec['strategy'],
    rounds: rounds ?? d.rounds,
    local,
    localBaseline: d.localOnly,
    personalization: d.personalization,
    minSites: 3,
    roundTimeoutMs: 30_000,
    setupTimeoutMs: 60_000,
    seed,
    // The hub sees only the sum of the hospitals' updates (SecAgg+; the consortium pack
    // requires it for federated training).
    secureAggregation: {},
  };
}

/**
 * Two collaborations on loopback, every node its own OS process. Four hospitals in three
 * countries train one model with secure aggregation (FLamby's split and preprocessing), reported
 * against local-only training and a centralized reference; six Beijing monitoring stations answer
 * two DP queries, reported beside the exact values. Then the privacy each dataset spent, and
 * heart-disease accuracy under DP-SGD at ε = 1, 3, 8 (simulated in process).
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const say = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const started = performance.now();
  const spec = heartDiseaseNetwork();
  const airSpec = airQualityNetwork();
  say(
    `Converge demo: ${spec.sites.length} hospitals in ${new Set(spec.sites.map((s) => s.jurisdiction)).size} countries, seed ${opts.seed}; ${airSpec.sites.length} air-quality stations`,
  );
  const nets: LocalNetwork[] = [];
  let airUp: Promise<void> | undefined;
  // The demo's own computations run on worker threads, so that this thread keeps answering
  // its hubs: a thread held for seconds finds its keep-alive connections closed under it.
  const workers = new AbortController();
  try {
    const net = await LocalNetwork.create(opts.workdir, spec);
    nets.push(net);
    // Both set up before any node runs: creating a collaboration works the hub's database in
    // this process, which would hold up the requests to a running hub. (The air network goes
    // second: creating the heart network empties the whole workdir.)
    const air = await LocalNetwork.create(join(opts.workdir, airSpec.collab.id), airSpec);
    nets.push(air);
    await net.startAll();
    const pids = net.pids();
    say(
      `  started hub and ${spec.sites.length} site processes: ${Object.entries(pids)
        .map(([n, p]) => `${n}=${p}`)
        .join(' ')}`,
    );
    say(`  node directories under ${opts.workdir} (keys, configs, databases, logs)`);
    await opts.onRunning?.(net);
    // The stations start while the hospitals train: most of a node's start-up is waiting.
    airUp = air.startAll().then(async () => {
      say(
        `  started ${airSpec.collab.id}: ${Object.entries(air.pids())
          .map(([n, p]) => `${n}=${p}`)
          .join(' ')}`,
      );
      await opts.onRunning?.(air);
    });
    airUp.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const references = airReferencesInWorker(workers.signal);
    references.catch(() => {});
    const client = await net.client();
    const governance = await demoGovernance(net, client, say);
    const jobSpec = heartJobSpec(opts.seed, opts.rounds);
    const { id } = await client.startJob(spec.collab.id, jobSpec);
    say(
      `  job ${id}: ${jobSpec.strategy.name}, ${jobSpec.model.kind} model, ${jobSpec.rounds} rounds`,
    );
    // Beside the training, at the sites' priority: the heart job's DP variants, simulated.
    const dpRuns = simulateDpInWorker(
      jobSpec,
      DP_EPSILONS,
      { delta: DP_DELTA, clipNorm: DP_CLIP_NORM },
      say,
      workers.signal,
    );
    dpRuns.catch(() => {}); // awaited below; an early failure must not go unhandled
    const job = await followJob(client, id, say);
    if (job.status !== 'finished')
      throw new Error(`training job ${id} ${job.status}: ${job.error ?? ''}`);
    say('  waiting for the witnesses of every jurisdiction to cosign the log, then auditing it');
    const jurisdiction = new Map(
      [spec.hub, ...spec.sites].map((n) => [n.name, n.jurisdiction] as const),
    );
    // Then, at once: the heart log's audit, the centralized reference, the air queries, the
    // rest of the DP simulation.
    const central = centralizedInWorker(
      {
        datasets: spec.sites.flatMap((s) => s.datasets),
        model: jobSpec.model,
        budget: { epochs: 50, batchSize: 4, learningRate: 0.001, optimizer: 'adam' },
        seed: opts.seed,
      },
      workers.signal,
    );
    const heartLedger = demoLedger(
      client,
      spec.collab.id,
      (name) => jurisdiction.get(name) ?? '?',
      opts.workdir,
    );
    const airStarted = airUp;
    const airRest = (async () => {
      await airStarted;
      return runAirAnalytics(air, await air.client(), say, opts.workdir, references);
    })();
    // The first failure is the one to report; the others' later errors (a fetch to a node
    // already stopped) must not take the process down as unhandled rejections.
    for (const part of [heartLedger, central, airRest]) part.catch(() => {});
    const [ledger, centralized, airDone, runs] = await Promise.all([
      heartLedger,
      central,
      airRest,
      dpRuns,
    ]);
    const heartSpent = heartSpend(job, jobSpec.dataset);
    const processes = nets.flatMap((n) =>
      Object.entries(n.pids()).map(([name, pid]) => ({
        name,
        pid,
        role: name === n.spec.hub.name ? ('hub' as const) : ('site' as const),
        collab: n.spec.collab.id,
      })),
    );
    const result = buildDemoResult({
      job,
      seed: opts.seed,
      wallSeconds: (performance.now() - started) / 1000,
      processes,
      centralizedAccuracy: centralized.pooledTestAccuracy,
      ledger,
      governance,
      privacy: { spent: [heartSpent, airDone.spend], accuracy: dpAccuracy(job, runs) },
      analytics: airDone.analytics,
    });
    console.log(formatDemoReport(result));
    console.log(formatDemoLedger(ledger));
    console.log(formatAirReport(result.analytics));
    console.log(formatDemoLedger(result.analytics.ledger));
    console.log(formatDemoPrivacy(result.privacy));
    console.log(formatDemoFooter(result));
    if (opts.json) {
      await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
      say(`  wrote ${opts.json}`);
    }
    await opts.beforeStop?.();
    return result;
  } finally {
    workers.abort();
    // A start still under way would spawn nodes after the stop.
    await airUp?.catch(() => {});
    await Promise.all(nets.map((n) => n.stop()));
  }
}
