import type { JobSummary } from '../../federation/index.js';
import type { DemoLedger } from './demo-ledger.js';
import type { DemoGovernance } from './demo-governance.js';
import type { DemoAnalytics } from './air-analytics.js';
import type { DemoPrivacy } from './demo-privacy.js';

/** FLamby's published Fed-Heart-Disease pooled-test accuracies (REFERENCES.md §5.3). */
export const FLAMBY_PUBLISHED = {
  centralized: 0.795,
  fedAvg: 0.748,
  fedYogi: 0.779,
  bestLocalOnly: { site: 'cleveland', accuracy: 0.784 },
} as const;

/** The demo's machine-readable output; its shape is documented in the README. */
export interface DemoResult {
  /** The collaboration's transparency log at the end: size, cosigned checkpoint, cosigners. */
  ledger: DemoLedger;
  /** The trust raise the members signed before training. */
  trust: DemoGovernance['trust'];
  /** What the hub decided when asked (the two forbidden actions), with the deciding policy. */
  decisions: DemoGovernance['decisions'];
  /** ε spent per dataset, and heart-disease accuracy per ε beside FLamby's DP figures. */
  privacy: DemoPrivacy;
  /** The air-quality collaboration: its two DP queries beside the exact reference. */
  analytics: DemoAnalytics;
  seed: number;
  wallSeconds: number;
  /** Every node process, with the collaboration its network serves. */
  processes: { name: string; role: 'hub' | 'site'; pid: number; collab: string }[];
  job: { id: string; strategy: string; model: string; rounds: number };
  federated: {
    pooledTestAccuracy: number;
    perSite: { site: string; accuracy: number; correct: number; n: number }[];
  };
  local: {
    perSite: { site: string; accuracy: number; pooledTestAccuracy: number }[];
  };
  /** Each site's fine-tuned copy of the federated model, on its own test split (if the job asked). */
  personalized?: {
    pooledTestAccuracy: number;
    perSite: { site: string; accuracy: number; correct: number; n: number }[];
  };
  centralized: { pooledTestAccuracy: number; note: string };
  published: typeof FLAMBY_PUBLISHED;
  rounds: {
    round: number;
    ms: number;
    participants: string[];
    dropped: string[];
    trainLoss: number | null;
    pooledTestAccuracy: number | null;
    maxSiteTrainMs: number;
    updateBytes: number;
  }[];
}

export function buildDemoResult(input: {
  job: JobSummary;
  seed: number;
  wallSeconds: number;
  processes: DemoResult['processes'];
  centralizedAccuracy: number;
  ledger: DemoLedger;
  governance: DemoGovernance;
  privacy: DemoPrivacy;
  analytics: DemoAnalytics;
}): DemoResult {
  const { job } = input;
  const global = job.evaluation['global'] ?? {};
  const sites = Object.keys(global).sort();
  const pooled = (bySite: Record<string, { correct: number; n: number }>) => {
    let c = 0;
    let n = 0;
    for (const e of Object.values(bySite)) {
      c += e.correct;
      n += e.n;
    }
    return n > 0 ? c / n : 0;
  };
  return {
    ledger: input.ledger,
    trust: input.governance.trust,
    decisions: input.governance.decisions,
    privacy: input.privacy,
    analytics: input.analytics,
    seed: input.seed,
    wallSeconds: input.wallSeconds,
    processes: input.processes,
    job: {
      id: job.id,
      strategy: job.spec.strategy.name,
      model: job.spec.model.kind,
      rounds: job.spec.rounds,
    },
    federated: {
      pooledTestAccuracy: pooled(global),
      perSite: sites.map((site) => ({ site, ...pick(global[site]!) })),
    },
    local: {
      perSite: sites.map((site) => {
        const byModel = job.evaluation[`local:${site}`] ?? {};
        return {
          site,
          accuracy: byModel[site]?.accuracy ?? job.baselines[site]?.accuracy ?? NaN,
          pooledTestAccuracy: pooled(byModel),
        };
      }),
    },
    ...(job.evaluation['personalized']
      ? {
          personalized: {
            pooledTestAccuracy: pooled(job.evaluation['personalized']),
            perSite: sites.map((site) => ({
              site,
              ...pick(job.evaluation['personalized']![site]!),
            })),
          },
        }
      : {}),
    centralized: {
      pooledTestAccuracy: input.centralizedAccuracy,
      note: 'reference only: pooled training on all hospitals rows, computed inside the demo process',
    },
    published: FLAMBY_PUBLISHED,
    rounds: job.rounds.map((r) => ({
      round: r.round,
      ms: r.completedAt !== null ? r.completedAt - r.startedAt : 0,
      participants: r.participants,
      dropped: r.dropped,
      trainLoss: r.trainLoss,
      pooledTestAccuracy: r.metrics?.pooledAccuracy ?? null,
      maxSiteTrainMs: Math.max(0, ...Object.values(r.trainMs)),
      updateBytes: Object.values(r.updateBytes).reduce((a, b) => a + b, 0),
    })),
  };
}

function pick(e: { accuracy: number; correct: number; n: number }) {
  return { accuracy: e.accuracy, correct: e.correct, n: e.n };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ');

export function formatDemoReport(r: DemoResult): string {
  const lines: string[] = [];
  lines.push('', "Accuracy on each hospital's own test set", '');
  const tuned = r.personalized;
  lines.push(
    `  ${'hospital'.padEnd(14)} ${'local-only'.padStart(10)} ${'federated'.padStart(10)} ${'gain'.padStart(7)}` +
      (tuned ? ` ${'personalised'.padStart(12)} ${'gain'.padStart(7)}` : ''),
  );
  const signed = (x: number) => ((x >= 0 ? '+' : '') + f3(x)).padStart(7);
  for (const fed of r.federated.perSite) {
    const local = r.local.perSite.find((l) => l.site === fed.site)!;
    const own = tuned?.perSite.find((p) => p.site === fed.site);
    lines.push(
      `  ${fed.site.padEnd(14)} ${f3(local.accuracy).padStart(10)} ${f3(fed.accuracy).padStart(10)} ${signed(fed.accuracy - local.accuracy)}` +
        (own ? ` ${f3(own.accuracy).padStart(12)} ${signed(own.accuracy - local.accuracy)}` : '') +
        `  (n=${fed.n})`,
    );
  }
  const n = r.federated.perSite.reduce((a, s) => a + s.n, 0);
  lines.push('', `Accuracy on the pooled test set (${n} patients, counted at the sites)`, '');
  lines.push(`  ${''.padEnd(34)} ${'Converge'.padStart(9)} ${'FLamby (published)'.padStart(19)}`);
  for (const l of r.local.perSite) {
    const published =
      l.site === FLAMBY_PUBLISHED.bestLocalOnly.site
        ? f3(FLAMBY_PUBLISHED.bestLocalOnly.accuracy)
        : '';
    lines.push(
      `  ${`local-only ${l.site}`.padEnd(34)} ${f3(l.pooledTestAccuracy).padStart(9)} ${published.padStart(19)}`,
    );
  }
  lines.push(
    `  ${`federated (${r.job.strategy}, ${r.job.rounds} rounds)`.padEnd(34)} ${f3(r.federated.pooledTestAccuracy).padStart(9)} ${`FedAvg ${f3(FLAMBY_PUBLISHED.fedAvg)}, FedYogi ${f3(FLAMBY_PUBLISHED.fedYogi)}`.padStart(19)}`,
  );
  if (tuned) {
    lines.push(
      `  ${'federated + personalised per site'.padEnd(34)} ${f3(tuned.pooledTestAccuracy).padStart(9)}`,
    );
  }
  lines.push(
    `  ${'centralized (reference only)'.padEnd(34)} ${f3(r.centralized.pooledTestAccuracy).padStart(9)} ${f3(FLAMBY_PUBLISHED.centralized).padStart(19)}`,
  );
  return lines.join('\n');
}

/** The last line: every node process, by collaboration, and the whole demo's wall time. */
export function formatDemoFooter(r: DemoResult): string {
  const collabs = [...new Set(r.processes.map((p) => p.collab))];
  const byCollab = collabs.map(
    (c) =>
      `${c}: ${r.processes
        .filter((p) => p.collab === c)
        .map((p) => `${p.name} ${p.pid}`)
        .join(', ')}`,
  );
  return `\n${r.processes.length} processes (${byCollab.join('; ')}), ${r.wallSeconds.toFixed(1)} s`;
}
