/**
 * Fed-Heart-Disease with record-level DP-SGD, in one process, through the functions the sites and
 * the hub use (src/cli/demo/dp-simulation.ts, which the demo runs too): pooled-test accuracy of
 * the final global model at target ε per site (each site calibrates its own σ for its
 * q = batch/n over rounds × steps), over several seeds.
 *
 *   npx tsx bench/dp-heart.ts [--epsilons 1,3,8] [--seeds 0-2] [--delta 1e-5] [--clip 1]
 *                             [--json bench/results/dp-heart.json]
 *
 * The noise comes from the OS CSPRNG, so a seed fixes the initial model and the data, not the run.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadHeartFederation, simulateDpJob } from '../src/cli/demo/dp-simulation.js';
import { heartJobSpec } from '../src/cli/demo/run-demo.js';

const { values } = parseArgs({
  options: {
    epsilons: { type: 'string', default: '1,3,8' },
    seeds: { type: 'string', default: '0-2' },
    delta: { type: 'string', default: '1e-5' },
    clip: { type: 'string', default: '1' },
    json: { type: 'string' },
  },
});
const [from, to] = values.seeds.split('-').map(Number) as [number, number];
const seeds = Array.from({ length: (to ?? from) - from + 1 }, (_, i) => from + i);
const epsilons = values.epsilons.split(',').map(Number);
const delta = Number(values.delta);
const clipNorm = Number(values.clip);

// The demo's own job (model, strategy, rounds, local training), as the demo simulates it.
const fed = await loadHeartFederation();
const localOpts = heartJobSpec(0).local;

/** One federated run; epsilon undefined: no DP (the reference). */
async function run(seed: number, epsilon: number | undefined) {
  const r = await simulateDpJob(fed, heartJobSpec(seed), {
    epsilon: epsilon ?? null,
    delta,
    clipNorm,
  });
  const sigma = Object.fromEntries(
    Object.entries(r.noiseMultiplier).map(([site, s]) => [site, Number(s.toFixed(3))]),
  );
  return { pooled: r.pooledTestAccuracy, sigma };
}

const started = performance.now();
const rows: {
  epsilon: number | null;
  seed: number;
  pooledTestAccuracy: number;
  sigma: Record<string, number>;
}[] = [];
for (const epsilon of [undefined, ...epsilons]) {
  for (const seed of seeds) {
    const r = await run(seed, epsilon);
    rows.push({ epsilon: epsilon ?? null, seed, pooledTestAccuracy: r.pooled, sigma: r.sigma });
    console.log(
      `ε ${epsilon ?? '∞ (no DP)'}  seed ${seed}  pooled-test accuracy ${r.pooled.toFixed(3)}  σ ${JSON.stringify(r.sigma)}`,
    );
  }
}
const summary = [undefined, ...epsilons].map((e) => {
  const accs = rows.filter((r) => r.epsilon === (e ?? null)).map((r) => r.pooledTestAccuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  return {
    epsilon: e ?? null,
    mean: Number(mean.toFixed(4)),
    min: Math.min(...accs),
    max: Math.max(...accs),
  };
});
for (const s of summary)
  console.log(
    `ε ${s.epsilon ?? '∞'}: mean ${s.mean.toFixed(3)} (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)})`,
  );
if (values.json) {
  await writeFile(
    values.json,
    JSON.stringify(
      {
        command: `npx tsx bench/dp-heart.ts --epsilons ${values.epsilons} --seeds ${values.seeds} --delta ${values.delta} --clip ${values.clip}`,
        job: {
          rounds: heartJobSpec(0).rounds,
          ...localOpts,
          strategy: heartJobSpec(0).strategy,
          privacy: { mode: 'dp-sgd', clipNorm, delta, epsilon: 'per row' },
          sampling: 'Poisson, q = batchSize / n per site; σ calibrated per site by noiseForBudget',
        },
        runs: rows,
        summary,
        wallSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
      },
      null,
      2,
    ) + '\n',
  );
}
