/**
 * npx tsx bench/secagg.ts [--quick] [--json FILE]
 *
 * One SecAgg+ round in one process: 100 sites × 100,000 parameters at 0 %, 10 % and 30 %
 * dropout, k and t from planNeighbourhood for that dropout rate. Every message is encoded to
 * bytes and decoded on the other side, as on the wire. Dropped sites are spread evenly over the
 * phases (silent after advertise, after share-keys, after masked-input). Reported: per-site time
 * (key generation through unmasking, encoding and decoding included), hub time per phase, bytes
 * each site sends, and the ratio to plain aggregation (float32 updates, weighted mean at the
 * hub). Times are CPU and wall: the machine is shared, so CPU time is the steadier figure. The
 * sum is checked against the exact weighted sum within the quantization bound.
 * --quick: 30 sites × 20,000 parameters. */
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import {
  DEFAULT_QUANTIZATION,
  SecAggHub,
  SecAggSite,
  decodeMessage,
  encodeMessage,
  planNeighbourhood,
  type HubMessage,
  type RoundConfig,
} from '../src/privacy/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const jsonIndex = args.indexOf('--json');
const jsonFile = jsonIndex >= 0 ? args[jsonIndex + 1] : undefined;
const SITES = quick ? 30 : 100;
const PARAMS = quick ? 20_000 : 100_000;
const DROPOUTS = [0, 0.1, 0.3];
const DROP_POINTS = ['advertise', 'share-keys', 'masked-input'] as const;
type DropPoint = (typeof DROP_POINTS)[number];

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Wall and CPU time, accumulated: the machine is shared, so CPU time is the steadier figure. */
interface Clock {
  ms: number;
  cpuMs: number;
}
const clock = (): Clock => ({ ms: 0, cpuMs: 0 });

function timed<T>(into: Clock, body: () => T): T {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const value = body();
  into.ms += performance.now() - start;
  const used = process.cpuUsage(cpu);
  into.cpuMs += (used.user + used.system) / 1000;
  return value;
}

function scenario(dropoutRate: number) {
  const { neighbours, threshold } = planNeighbourhood({ sites: SITES, dropoutRate });
  const names = Array.from({ length: SITES }, (_, i) => `site-${String(i).padStart(3, '0')}`);
  const config: RoundConfig = {
    round: `bench/${dropoutRate}`,
    sites: names,
    neighbours,
    threshold,
    graphSeed: new Uint8Array(randomBytes(32)),
    vectorLength: PARAMS,
    quantization: DEFAULT_QUANTIZATION,
  };
  const updates = new Map(
    names.map((s) => [s, Float32Array.from({ length: PARAMS }, () => Math.random() * 2 - 1)]),
  );
  const counts = new Map(names.map((s) => [s, 100 + randomInt(900)]));
  const pool = [...names];
  const drops = new Map<string, DropPoint>();
  for (let i = 0; i < Math.round(SITES * dropoutRate); i++) {
    drops.set(pool.splice(randomInt(pool.length), 1)[0]!, DROP_POINTS[i % DROP_POINTS.length]!);
  }

  const siteTime = new Map(names.map((s) => [s, clock()]));
  const sent = new Map(names.map((s) => [s, 0]));
  const hub = clock();
  const hubPhasesCpuMs: Record<string, number> = {};
  const server = new SecAggHub(config);
  const sites = new Map(
    names.map((s) => [s, timed(siteTime.get(s)!, () => new SecAggSite(config, s))]),
  );
  const fromSite = (site: string, produce: () => Parameters<typeof encodeMessage>[0]) => {
    const bytes = timed(siteTime.get(site)!, () => encodeMessage(produce()));
    sent.set(site, sent.get(site)! + bytes.length);
    timed(hub, () => server.receive(decodeMessage(bytes)));
  };
  // Hub CPU per phase: the phase's receives plus its close.
  let mark = 0;
  const endPhase = (phase: string) => {
    hubPhasesCpuMs[phase] = round3(hub.cpuMs - mark);
    mark = hub.cpuMs;
  };
  const close = (phase: string, closer: () => HubMessage[]) => {
    const requests = timed(hub, () =>
      closer().map((r) => ({ site: r.site, bytes: encodeMessage(r) })),
    );
    endPhase(phase);
    return requests;
  };
  const active = (site: string, after: DropPoint) => drops.get(site) !== after;
  const reply = (site: string, bytes: Uint8Array) =>
    timed(siteTime.get(site)!, () => decodeMessage(bytes));

  for (const [name, site] of sites) fromSite(name, () => site.advertise());
  for (const r of close('advertise', () => server.closeAdvertise())) {
    if (active(r.site, 'advertise'))
      fromSite(r.site, () => sites.get(r.site)!.shareKeys(reply(r.site, r.bytes)));
  }
  for (const r of close('shareKeys', () => server.closeShareKeys())) {
    if (!active(r.site, 'share-keys')) continue;
    const site = sites.get(r.site)!;
    fromSite(r.site, () =>
      site.maskInput(reply(r.site, r.bytes), updates.get(r.site)!, counts.get(r.site)!),
    );
  }
  for (const r of close('maskedInput', () => server.closeMaskedInput())) {
    if (active(r.site, 'masked-input'))
      fromSite(r.site, () => sites.get(r.site)!.unmask(reply(r.site, r.bytes)));
  }
  const result = timed(hub, () => server.finish());
  endPhase('unmasking');

  // Exactness: the recovered Σ clip(w·x) against the true one, in double precision.
  let maxError = 0;
  const weights = new Map(
    result.survivors.map((s) => [s, Math.round((counts.get(s)! / 1000) * 2 ** 22) / 2 ** 22]),
  );
  for (let i = 0; i < PARAMS; i++) {
    let exact = 0;
    for (const [s, w] of weights) exact += Math.max(-8, Math.min(8, w * updates.get(s)![i]!));
    maxError = Math.max(maxError, Math.abs(exact - result.weightedSum[i]!));
  }
  if (maxError >= result.errorBound)
    throw new Error(`sum off by ${maxError} ≥ bound ${result.errorBound}`);

  // Plain aggregation: the hub decodes float32 updates and takes the weighted mean.
  const frames = result.survivors.map((s) => new Uint8Array(updates.get(s)!.buffer.slice(0)));
  const plain = clock();
  timed(plain, () => {
    const sum = new Float64Array(PARAMS);
    let total = 0;
    result.survivors.forEach((s, k) => {
      const x = new Float32Array(frames[k]!.slice().buffer);
      const w = counts.get(s)!;
      total += w;
      for (let i = 0; i < PARAMS; i++) sum[i] = sum[i]! + w * x[i]!;
    });
    return Float32Array.from(sum, (v) => v / total);
  });

  const spread = (pick: (c: Clock) => number) => {
    const sorted = names.map((s) => pick(siteTime.get(s)!)).sort((a, b) => a - b);
    const p = (q: number) => round3(percentile(sorted, q));
    return { p50: p(50), p95: p(95), max: round3(sorted.at(-1)!) };
  };
  const survivorBytes = result.survivors.map((s) => sent.get(s)!);
  const unmaskedBytes = PARAMS * 4;
  return {
    dropoutRate,
    neighbours,
    threshold,
    survivors: result.survivors.length,
    droppedBy: Object.fromEntries(
      DROP_POINTS.map((p) => [p, [...drops.values()].filter((d) => d === p).length]),
    ),
    siteCpuMs: spread((c) => c.cpuMs),
    siteWallMs: spread((c) => c.ms),
    hubCpuMs: round3(hub.cpuMs),
    hubWallMs: round3(hub.ms),
    hubPhasesCpuMs,
    plainHubCpuMs: round3(plain.cpuMs),
    plainHubWallMs: round3(plain.ms),
    hubVsPlainCpu: round3(hub.cpuMs / plain.cpuMs),
    bytesPerSite: {
      mean: Math.round(survivorBytes.reduce((a, b) => a + b, 0) / survivorBytes.length),
      max: Math.max(...survivorBytes),
    },
    unmaskedUpdateBytes: unmaskedBytes,
    bytesVsUnmasked: round3(Math.max(...survivorBytes) / unmaskedBytes),
    maxAbsError: maxError,
    errorBound: result.errorBound,
  };
}

const load = { before: loadavg().map(round3) };
scenario(0.1); // warm-up: JIT and key-agreement code paths
const results = DROPOUTS.map((rate) => {
  const r = scenario(rate);
  console.log(
    `dropout ${rate * 100}% k=${r.neighbours} t=${r.threshold}: site CPU p50 ${r.siteCpuMs.p50} ms, max ${r.siteCpuMs.max} ms; ` +
      `hub CPU ${r.hubCpuMs} ms (wall ${r.hubWallMs}; plain ${r.plainHubCpuMs} ms, ${r.hubVsPlainCpu}×); ` +
      `bytes/site max ${r.bytesPerSite.max} (${r.bytesVsUnmasked}× unmasked)`,
  );
  return r;
});
const report = {
  benchmark: 'secagg',
  command: `npx tsx bench/secagg.ts${quick ? ' --quick' : ''}`,
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
  load: { ...load, after: loadavg().map(round3) },
  sites: SITES,
  parameters: PARAMS,
  quantization: DEFAULT_QUANTIZATION,
  scenarios: results,
};
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(report, null, 2) + '\n');
