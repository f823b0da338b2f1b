import type { Db } from '../store/index.js';
import { listMembers } from './collab-records.js';
import { getJob, reportsFor } from './job-records.js';
import type { JobRecord } from './job-records.js';
import { pooledMetrics } from './metrics.js';
import type { RoundMetrics } from './metrics.js';
import type { Evaluation } from './protocol.js';
import { listRounds, updatesFor } from './round-records.js';
import { roundPrivacySpent, type RoundPrivacy } from './round-privacy.js';

/** Everything a member may read about a job: phases, rounds, metrics. Names, never rows. */
export interface JobSummary {
  id: string;
  collab: string;
  status: JobRecord['status'];
  phase: JobRecord['phase'];
  error: string | null;
  spec: JobRecord['spec'];
  participants: string[];
  rounds: RoundSummary[];
  /** Each site's local-only model on the site's own test split. */
  baselines: Record<string, Evaluation & { trainMs: number }>;
  /** Final evaluation: per model ('global', 'local:<site>'), per site. */
  evaluation: Record<string, Record<string, Evaluation>>;
}

export interface RoundSummary {
  round: number;
  status: string;
  startedAt: number;
  completedAt: number | null;
  participants: string[];
  dropped: string[];
  globalModelSha256: string | null;
  trainLoss: number | null;
  /** Per-site local training time as the sites measured it. */
  trainMs: Record<string, number>;
  updateBytes: Record<string, number>;
  metrics: RoundMetrics | null;
  /** DP jobs: the ε the sites have spent through this round (as in the round's log entry). */
  privacySpent: RoundPrivacy | null;
}

export async function summarizeJob(db: Db, jobId: string): Promise<JobSummary | undefined> {
  const job = await getJob(db, jobId);
  if (!job) return undefined;
  const members = await listMembers(db, job.collabId);
  const name = (key: string) => members.find((m) => m.keyId === key)?.name ?? key;
  const named = <T>(m: Map<string, T> | Record<string, T>) =>
    Object.fromEntries(
      (m instanceof Map ? [...m] : Object.entries(m)).map(([k, v]) => [name(k), v] as const),
    );

  const rounds: RoundSummary[] = [];
  for (const r of await listRounds(db, jobId)) {
    if (r.round === 0) continue;
    const updates = await updatesFor(db, jobId, r.round);
    const stored = r.metrics as (Partial<RoundMetrics> & { trainLoss?: number }) | null;
    // The final round is evaluated in the evaluation phase; earlier ones by the sites' metrics reports.
    const reported = await reportsFor(db, jobId, 'metrics', r.round);
    const evaluated = stored?.perSite
      ? (stored as RoundMetrics)
      : reported.size > 0
        ? pooledMetrics(new Map([...reported].map(([s, m]) => [s, m.evaluation])))
        : null;
    const trained = await reportsFor(db, jobId, 'train', r.round);
    // A secure round stores no update: its participants are the sites in the sum.
    const contributed = new Set(r.participants ?? updates.map((u) => u.site));
    const privacySpent = roundPrivacySpent(
      new Map([...trained].filter(([s]) => contributed.has(s)).map(([s, t]) => [name(s), t])),
    );
    rounds.push({
      round: r.round,
      status: r.status,
      startedAt: r.startedAt,
      completedAt: r.completedAt,
      participants: (r.participants ?? []).map(name),
      dropped: (r.dropped ?? []).map(name),
      globalModelSha256: r.globalModelSha256,
      trainLoss: stored?.trainLoss ?? null,
      trainMs: Object.fromEntries(
        [...trained].filter(([s]) => contributed.has(s)).map(([s, t]) => [name(s), t.trainMs]),
      ),
      updateBytes: Object.fromEntries(updates.map((u) => [name(u.site), u.payload.byteLength])),
      metrics: evaluated ? { ...evaluated, perSite: named(evaluated.perSite) } : null,
      privacySpent,
    });
  }
  const baselines: JobSummary['baselines'] = {};
  for (const [site, r] of await reportsFor(db, jobId, 'baseline', 0)) {
    baselines[name(site)] = { ...r.evaluation, trainMs: r.trainMs };
  }
  const evaluation: JobSummary['evaluation'] = {};
  const last = rounds.at(-1)?.round ?? 0;
  for (const [site, r] of await reportsFor(db, jobId, 'evaluate', last)) {
    for (const [model, e] of Object.entries(r.results)) {
      (evaluation[model] ??= {})[name(site)] = e;
    }
  }
  const setup = job.preprocessing as { participants?: string[] } | null;
  return {
    id: job.id,
    collab: job.collabId,
    status: job.status,
    phase: job.phase,
    error: job.error,
    spec: job.spec,
    participants: (setup?.participants ?? []).map(name),
    rounds,
    baselines,
    evaluation,
  };
}
