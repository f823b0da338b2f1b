import type { JobSummary } from '../api-types';

/** One row per round for the charts: each site's accuracy and loss on its own test split. */
export interface RoundPoint {
  round: number;
  pooledAccuracy?: number;
  trainLoss?: number;
  [series: string]: number | undefined;
}

export function roundSeries(job: JobSummary): RoundPoint[] {
  return job.rounds.map((r) => {
    const point: RoundPoint = { round: r.round };
    if (r.trainLoss !== null) point.trainLoss = r.trainLoss;
    if (r.metrics) {
      point.pooledAccuracy = r.metrics.pooledAccuracy;
      for (const [site, e] of Object.entries(r.metrics.perSite)) {
        point[`acc:${site}`] = e.accuracy;
        point[`loss:${site}`] = e.loss;
      }
    }
    return point;
  });
}

/** Sites that took part, in a stable order. */
export function sitesOf(job: JobSummary): string[] {
  const named = new Set([...job.participants, ...Object.keys(job.baselines)]);
  for (const r of job.rounds) r.participants.forEach((p) => named.add(p));
  return [...named].sort();
}
