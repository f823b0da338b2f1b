import { writeFile } from 'node:fs/promises';
import { HEART_DISEASE_DEFAULTS } from '../../learning/index.js';
import { LocalNetwork } from '../../node/index.js';
import type { TrainJobSpec } from '../../federation/index.js';
import { followJob } from '../follow-job.js';
import { centralizedReference } from './centralized.js';
import { buildDemoResult, formatDemoReport } from './demo-result.js';
import type { DemoResult } from './demo-result.js';
import { heartDiseaseNetwork } from './heart-network.js';
import { demoLedger, formatDemoLedger } from './demo-ledger.js';
import { demoGovernance } from './demo-governance.js';

export interface DemoOptions {
  seed: number;
  workdir: string;
  rounds?: number;
  json?: string;
  log?: (line: string) => void;
  /** Called once every node runs (the CLI prints the dashboard's URL). */
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
 * Four hospitals in three countries train one model: a hub and four site processes on
 * loopback, FLamby's split and preprocessing, then a report against local-only training
 * and a centralized reference.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const say = opts.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const started = performance.now();
  const spec = heartDiseaseNetwork();
  say(
    `Converge demo: ${spec.sites.length} hospitals in ${new Set(spec.sites.map((s) => s.jurisdiction)).size} countries, seed ${opts.seed}`,
  );
  const net = await LocalNetwork.create(opts.workdir, spec);
  try {
    await net.startAll();
    const pids = net.pids();
    say(
      `  started hub and ${spec.sites.length} site processes: ${Object.entries(pids)
        .map(([n, p]) => `${n}=${p}`)
        .join(' ')}`,
    );
    say(`  node directories under ${opts.workdir} (keys, configs, databases, logs)`);
    await opts.onRunning?.(net);
    const client = await net.client();
    const governance = await demoGovernance(net, client, say);
    const jobSpec = heartJobSpec(opts.seed, opts.rounds);
    const { id } = await client.startJob(spec.collab.id, jobSpec);
    say(
      `  job ${id}: ${jobSpec.strategy.name}, ${jobSpec.model.kind} model, ${jobSpec.rounds} rounds`,
    );
    const job = await followJob(client, id, say);
    if (job.status !== 'finished')
      throw new Error(`training job ${id} ${job.status}: ${job.error ?? ''}`);
    say('  waiting for the witnesses of every jurisdiction to cosign the log, then auditing it');
    const jurisdiction = new Map(
      [spec.hub, ...spec.sites].map((n) => [n.name, n.jurisdiction] as const),
    );
    const ledger = await demoLedger(
      client,
      spec.collab.id,
      (name) => jurisdiction.get(name) ?? '?',
      opts.workdir,
    );
    const central = await centralizedReference(
      spec.sites.flatMap((s) => s.datasets),
      jobSpec.model,
      { epochs: 50, batchSize: 4, learningRate: 0.001, optimizer: 'adam' },
      opts.seed,
    );
    const result = buildDemoResult({
      job,
      seed: opts.seed,
      wallSeconds: (performance.now() - started) / 1000,
      processes: Object.entries(pids).map(([name, pid]) => ({
        name,
        pid,
        role: name === spec.hub.name ? ('hub' as const) : ('site' as const),
      })),
      centralizedAccuracy: central.pooledTestAccuracy,
      ledger,
      governance,
    });
    console.log(formatDemoReport(result));
    console.log(formatDemoLedger(ledger));
    if (opts.json) {
      await writeFile(opts.json, JSON.stringify(result, null, 2) + '\n');
      say(`  wrote ${opts.json}`);
    }
    await opts.beforeStop?.();
    return result;
  } finally {
    await net.stop();
  }
}
