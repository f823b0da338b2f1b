import type { DecodedEntry } from '../ledger/entry-summary.js';

/**
 * How a training job's rounds were aggregated, from its `round.closed` entries: a round that
 * ran SecAgg+ records its neighbours k, threshold t and the bound on its quantisation error.
 */
export interface SecureTraining {
  collab: string;
  job: string;
  rounds: number;
  secureRounds: number;
  /** Distinct values over the secure rounds (one each, unless the job's settings changed). */
  neighbours: number[];
  thresholds: number[];
  /** The largest bound on a coordinate's error in the sum, over the secure rounds. */
  errorBound: number | null;
}

const distinct = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);

export function secureTraining(collab: string, entries: readonly DecodedEntry[]): SecureTraining[] {
  const jobs = new Map<string, { rounds: number; secure: Record<string, unknown>[] }>();
  for (const e of entries) {
    if (e.type !== 'round.closed' || typeof e.value['job'] !== 'string') continue;
    const job = jobs.get(e.value['job']) ?? { rounds: 0, secure: [] };
    job.rounds++;
    const secure = e.value['secureAggregation'];
    if (secure && typeof secure === 'object') job.secure.push(secure as Record<string, unknown>);
    jobs.set(e.value['job'], job);
  }
  return [...jobs].map(([job, { rounds, secure }]) => {
    const numbers = (key: string) =>
      secure.map((s) => s[key]).filter((v): v is number => typeof v === 'number');
    const bounds = numbers('errorBound');
    return {
      collab,
      job,
      rounds,
      secureRounds: secure.length,
      neighbours: distinct(numbers('neighbours')),
      thresholds: distinct(numbers('threshold')),
      errorBound: bounds.length > 0 ? Math.max(...bounds) : null,
    };
  });
}
