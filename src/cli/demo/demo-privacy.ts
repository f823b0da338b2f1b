import { PrivacyBudgets } from '../../federation/index.js';
import type { JobSummary } from '../../federation/index.js';
import { SIMULATION_LABEL, type DpRun } from './dp-simulation.js';

/**
 * FLamby's published Fed-Heart-Disease figures under DP (REFERENCES.md §5.3:
 * flamby/dp_example/results_fed_heart_disease.csv). FedAvg + Opacus DP-SGD, max_grad_norm 1.1,
 * no secure aggregation; the metric is the mean of the four hospitals' own test accuracies,
 * over 5 seeds, and δ is looser than the demo's 1e-5.
 */
export const FLAMBY_DP_PUBLISHED = {
  source:
    'flamby/dp_example/results_fed_heart_disease.csv (FedAvg + Opacus, max_grad_norm 1.1, no SecAgg; mean client accuracy over 5 seeds)',
  rows: [
    { epsilon: null, delta: null, meanClientAccuracy: 0.7125, note: 'no DP (± 0.024)' },
    { epsilon: 0.1, delta: 1e-4, meanClientAccuracy: 0.606, note: '± 0.121' },
    { epsilon: 1, delta: 1e-3, meanClientAccuracy: 0.702, note: '' },
    { epsilon: 5, delta: null, meanClientAccuracy: 0.7, note: 'about 0.70 for ε = 5 to 50' },
  ],
} as const;

export const DP_EPSILONS = [1, 3, 8] as const;
export const DP_DELTA = 1e-5;
/** DP-SGD's per-example clipping norm (not tuned), as bench/dp-heart.ts. */
export const DP_CLIP_NORM = 1;

/** What one dataset has spent at each of its sites. */
export interface DatasetSpend {
  collab: string;
  dataset: string;
  /** Largest over the sites: the weakest guarantee any record of the dataset has. */
  epsilon: number;
  delta: number | null;
  budget: { epsilon: number; delta: number } | null;
  perSite: { site: string; epsilon: number; remaining: number | null; releases: number }[];
  source: string;
}

export interface DemoPrivacy {
  spent: DatasetSpend[];
  accuracy: {
    note: string;
    job: { strategy: string; rounds: number; steps: number; batchSize: number };
    clipNorm: number;
    delta: number;
    /** The networked job without DP, for scale (its pooled-test accuracy). */
    withoutDp: { pooledTestAccuracy: number; meanClientAccuracy: number; note: string };
    runs: DpRun[];
    published: typeof FLAMBY_DP_PUBLISHED;
  };
}

/** The heart job's spend as its rounds recorded it (null privacySpent: the job ran without DP). */
export function heartSpend(job: JobSummary, dataset: string): DatasetSpend {
  const last = job.rounds.at(-1)?.privacySpent ?? null;
  const perSite = job.participants.map((site) => ({
    site,
    epsilon: last?.perSite.find((p) => p.site === site)?.epsilon ?? 0,
    remaining: null,
    releases: last ? job.rounds.length : 0,
  }));
  return {
    collab: job.collab,
    dataset,
    epsilon: last?.epsilon ?? 0,
    delta: last?.delta ?? null,
    budget: null,
    perSite,
    source: last
      ? 'the job’s rounds (round.closed privacySpent)'
      : 'the job ran without DP (secure aggregation only); no budget declared',
  };
}

/**
 * A dataset's spend as each site's own durable record has it (privacy-budget.json in the site's
 * node directory, the file `converge budget show` reads): every release charged, composed
 * under RDP at the budget's δ.
 */
export async function siteBudgetSpend(
  collab: string,
  dataset: string,
  budget: { epsilon: number; delta: number },
  sites: { site: string; dir: string }[],
): Promise<DatasetSpend> {
  const perSite = await Promise.all(
    sites.map(async ({ site, dir }) => {
      const budgets = await PrivacyBudgets.open(dir);
      const status = budgets.status(dataset, budget);
      return { site, epsilon: status.spent, remaining: status.remaining, releases: status.charges };
    }),
  );
  return {
    collab,
    dataset,
    epsilon: Math.max(0, ...perSite.map((s) => s.epsilon)),
    delta: budget.delta,
    budget: { ...budget },
    perSite,
    source: 'each site’s privacy-budget.json, charges composed under RDP',
  };
}

export function dpAccuracy(job: JobSummary, runs: DpRun[]): DemoPrivacy['accuracy'] {
  const global = job.evaluation['global'] ?? {};
  const sites = Object.values(global);
  const correct = sites.reduce((a, e) => a + e.correct, 0);
  const n = sites.reduce((a, e) => a + e.n, 0);
  const { spec } = job;
  return {
    note: SIMULATION_LABEL,
    job: {
      strategy: spec.strategy.name,
      rounds: spec.rounds,
      steps: spec.local.steps,
      batchSize: spec.local.batchSize,
    },
    clipNorm: DP_CLIP_NORM,
    delta: DP_DELTA,
    withoutDp: {
      pooledTestAccuracy: n > 0 ? correct / n : NaN,
      meanClientAccuracy: sites.length
        ? sites.reduce((a, e) => a + e.accuracy, 0) / sites.length
        : NaN,
      note: 'the networked job above (secure aggregation, no DP)',
    },
    runs,
    published: FLAMBY_DP_PUBLISHED,
  };
}

/** δ as people write it: 1e-5 rather than 0.00001. */
export const formatDelta = (d: number) => (d < 1e-3 ? d.toExponential() : String(d));
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');
const g4 = (x: number) => Number(x.toPrecision(3)).toString();

function formatSpend(s: DatasetSpend): string {
  const where = `${s.dataset} (${s.collab}, ${s.perSite.length} sites)`;
  if (s.delta === null) return `  ${where}: ε = 0; ${s.source}`;
  const releases = [...new Set(s.perSite.map((p) => p.releases))].join('/');
  const budget = s.budget
    ? `; budget ε = ${s.budget.epsilon} at δ = ${formatDelta(s.budget.delta)}, remaining ε = ${g4(Math.min(...s.perSite.map((p) => p.remaining ?? Infinity)))}`
    : '';
  return `  ${where}: ε = ${g4(s.epsilon)} at δ = ${formatDelta(s.delta)} per site over ${releases} releases${budget} (${s.source})`;
}

/** The privacy section: what each dataset spent, and heart-disease accuracy per ε. */
export function formatDemoPrivacy(p: DemoPrivacy): string {
  const a = p.accuracy;
  const published = (epsilon: number | null) => {
    if (epsilon === null) return a.published.rows[0];
    if (epsilon === 1) return a.published.rows[2];
    return epsilon >= 5 ? a.published.rows[3] : undefined;
  };
  const flamby = (epsilon: number | null) => {
    const row = published(epsilon);
    if (!row) return '';
    const delta = row.delta !== null ? ` (δ = ${formatDelta(row.delta)})` : '';
    return `${row.epsilon !== null && row.epsilon >= 5 ? '≈ ' : ''}${f3(row.meanClientAccuracy)}${delta}`;
  };
  const sites = Object.keys(a.runs[0]?.noiseMultiplier ?? {});
  const header = [
    'ε (each site)',
    'pooled test',
    'mean client',
    `σ ${sites.join(' / ')}`,
    'FLamby, mean client',
  ];
  const rows: string[][] = [
    [
      'no DP (network)',
      f3(a.withoutDp.pooledTestAccuracy),
      f3(a.withoutDp.meanClientAccuracy),
      '—',
      flamby(null),
    ],
    ...[...a.runs]
      .sort((x, y) => (y.epsilon ?? Infinity) - (x.epsilon ?? Infinity))
      .map((r) => [
        r.epsilon === null ? 'no DP (simulated)' : String(r.epsilon),
        f3(r.pooledTestAccuracy),
        f3(r.meanClientAccuracy),
        sites.map((s) => (r.noiseMultiplier[s] ?? 0).toFixed(2)).join(' / '),
        flamby(r.epsilon),
      ]),
    [
      '0.1',
      'not run',
      '',
      'no σ reaches it at switzerland’s q = 0.13',
      `${f3(a.published.rows[1].meanClientAccuracy)} (δ = ${formatDelta(a.published.rows[1].delta)})`,
    ],
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [
    '',
    'Privacy spent (ε at δ, per dataset)',
    ...p.spent.map(formatSpend),
    '',
    `Heart disease under record-level DP-SGD at every hospital (δ = ${formatDelta(a.delta)}, clip ${a.clipNorm}; ${a.job.strategy}, ${a.job.rounds} rounds × ${a.job.steps} steps, batch ${a.job.batchSize})`,
    `  ${a.note}`,
    '',
    line(header),
    ...rows.map(line),
    '',
    `  FLamby, published: ${a.published.source}; pooled test = Σ correct / Σ n over 254 patients`,
  ].join('\n');
}
