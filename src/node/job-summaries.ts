import { summarizeJob, type JobSummary } from '../federation/index.js';
import type { Db } from '../store/index.js';

/** A change of any of these means the job's summary changed (a phase, a round, a report). */
const PROGRESS = `select j.status, j.phase, j.updated_at::text as updated,
  (select count(*) from rounds r where r.job_id = j.id)::int as rounds,
  (select count(*) from rounds r where r.job_id = j.id and r.completed_at is not null)::int as closed,
  (select count(*) from job_reports p where p.job_id = j.id)::int as reports
  from jobs j where j.id = $1`;

/** Jobs whose latest summary is kept; the oldest goes first. */
const KEPT = 64;

/**
 * Job summaries for the dashboard, kept per job until its progress changes. A summary reads
 * dozens of rows; kept, every viewer of a running job shares one per change, and a finished
 * job's is read once.
 */
export class JobSummaries {
  readonly #kept = new Map<
    string,
    { progress: string; summary: Promise<JobSummary | undefined> }
  >();

  constructor(private readonly db: Db) {}

  /** The job's progress as a string that changes with its summary; '' for no such job. */
  async progress(id: string): Promise<string> {
    const [row] = await this.db.query(PROGRESS, [id]);
    return row ? JSON.stringify(row) : '';
  }

  async get(id: string, progress?: string): Promise<JobSummary | undefined> {
    const now = progress ?? (await this.progress(id));
    const kept = this.#kept.get(id);
    if (kept?.progress === now) return kept.summary;
    const summary = summarizeJob(this.db, id);
    this.#kept.delete(id);
    this.#kept.set(id, { progress: now, summary });
    if (this.#kept.size > KEPT) this.#kept.delete(this.#kept.keys().next().value!);
    // A failed read is not kept: the next viewer tries again.
    summary.catch(() => {
      if (this.#kept.get(id)?.summary === summary) this.#kept.delete(id);
    });
    return summary;
  }
}
