/**
 * Federated analytics on the six Beijing stations: how long one station's contribution takes,
 * how long the vectors are, and the demo's two queries (mean PM2.5 by station × year, and by
 * season) at ε = 1 through in-process SecAgg+ sites and hub, each beside the exact reference.
 *
 *   npx tsx bench/analytics.ts [--epsilon 1] [--json FILE]
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import {
  decodeAnswer,
  decodeSecAggSum,
  encodeForSecAgg,
  exactReference,
  loadAirQualityStation,
  localContribution,
  parseAnalyticsDeclaration,
  planQuery,
  renderTable,
  siteContribution,
  type QueryPlan,
} from '../src/analytics/index.js';
import { SecAggHub, SecAggSite, planNeighbourhood } from '../src/privacy/index.js';

const DATA = join(import.meta.dirname, '../data/beijing-multisite-air-quality');
const STATIONS = ['Changping', 'Dingling', 'Dongsi', 'Guanyuan', 'Huairou', 'Tiantan'];
const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const epsilon = Number(flag('--epsilon') ?? 1);
const jsonFile = flag('--json');

const columns = parseAnalyticsDeclaration(
  JSON.parse(readFileSync(join(DATA, 'analytics.json'), 'utf8')),
).columns;
const policy = { minimumCohort: 10, differentialPrivacy: true };

const loadStart = performance.now();
const stations = await Promise.all(
  STATIONS.map((s) => loadAirQualityStation(join(DATA, `PRSA_Data_${s}_20130301-20170228.csv`))),
);
const loadMs = (performance.now() - loadStart) / stations.length;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** One SecAgg+ round over the stations' encoded vectors; returns the decoded Σ and its timing. */
function secureSum(plan: QueryPlan, vectors: Map<string, Float64Array>) {
  const sites = [...vectors.keys()];
  const { neighbours, threshold } = planNeighbourhood({ sites: sites.length, dropoutRate: 0 });
  const config = {
    round: `bench-${randomBytes(4).toString('hex')}`,
    sites,
    neighbours,
    threshold,
    graphSeed: new Uint8Array(randomBytes(32)),
    vectorLength: plan.vectorLength,
    quantization: plan.encoding.quantization,
  };
  const start = performance.now();
  const hub = new SecAggHub(config);
  const parties = new Map(sites.map((s) => [s, new SecAggSite(config, s)]));
  for (const p of parties.values()) hub.receive(p.advertise());
  for (const r of hub.closeAdvertise()) hub.receive(parties.get(r.site)!.shareKeys(r));
  for (const r of hub.closeShareKeys()) {
    const x = encodeForSecAgg(vectors.get(r.site)!, plan.encoding);
    hub.receive(parties.get(r.site)!.maskInput(r, x, plan.encoding.quantization.maxWeight));
  }
  for (const r of hub.closeMaskedInput()) hub.receive(parties.get(r.site)!.unmask(r));
  const result = hub.finish();
  return {
    sum: decodeSecAggSum(result, plan.encoding),
    survivors: result.survivors.length,
    ms: performance.now() - start,
  };
}

const queries = {
  'mean PM2.5 by station × year': {
    stat: 'mean',
    column: 'PM2.5',
    by: ['station', 'year'],
    epsilon,
  },
  'mean PM2.5 by season': { stat: 'mean', column: 'PM2.5', by: ['season'], epsilon },
};

const report: Record<string, unknown>[] = [];
for (const [name, query] of Object.entries(queries)) {
  const plan = planQuery({
    query,
    columns,
    policy,
    sites: stations.length,
    maxRecordsPerSite: 40_000,
  });
  const dongsi = stations.find((s) => s.station === 'Dongsi')!;
  localContribution(dongsi.rows, plan.query, columns); // warm-up
  const times: number[] = [];
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    localContribution(dongsi.rows, plan.query, columns);
    times.push(performance.now() - t);
  }
  const vectors = new Map(
    stations.map((s) => [s.station, siteContribution(s.rows, plan, columns)]),
  );
  const round = secureSum(plan, vectors);
  const answer = decodeAnswer(round.sum, plan, { survivors: round.survivors });
  const reference = exactReference(
    stations.map((s) => s.rows),
    { ...query, epsilon: undefined },
    columns,
  );
  const maxError = Math.max(
    ...answer.groups.map((g, i) => Math.abs((g.value ?? NaN) - reference.groups[i]!.value!)),
  );
  console.log(`\n== ${name}`);
  console.log(
    `vector: ${plan.vectorLength} values (+1 SecAgg weight word); localContribution for Dongsi (35,064 rows): median ${median(times).toFixed(2)} ms; SecAgg round of 6 in process: ${round.ms.toFixed(0)} ms; largest |federated − exact| = ${maxError.toFixed(2)} µg/m³`,
  );
  process.stdout.write('\n' + renderTable(answer.table) + '\n' + renderTable(reference.table));
  report.push({
    query: name,
    vectorLength: plan.vectorLength,
    localContributionMs: { median: median(times), min: Math.min(...times) },
    secAggRoundMs: round.ms,
    noise: plan.noise,
    encoding: plan.encoding,
    privacy: answer.privacy,
    maxAbsErrorVsExact: maxError,
    groups: answer.groups.map((g, i) => ({
      label: g.label,
      count: g.count,
      mean: g.value,
      noiseStd: g.noiseStd,
      exactCount: reference.groups[i]!.count,
      exactMean: reference.groups[i]!.value,
    })),
  });
}
console.log(
  `\nloading one station CSV: ${loadMs.toFixed(0)} ms (mean of 6, loaded concurrently); ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}`,
);
if (jsonFile) {
  writeFileSync(jsonFile, JSON.stringify({ epsilon, loadMs, report }, null, 2) + '\n');
}
