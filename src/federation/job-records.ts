import { randomUUID } from 'node:crypto';
import type { Db } from '../store/index.js';
import { TrainJobSpec } from './job-spec.js';
import type { JobReport as Report } from './protocol.js';

/** The hub's durable record of jobs, reports, rounds and updates. */

export type JobStatus = 'running' | 'finished' | 'failed';
export type JobPhase = 'schema' | 'statistics' | 'baseline' | 'training' | 'evaluation' | 'done';

export interface JobRecord {
  id: string;
  collabId: string;
  spec: TrainJobSpec;
  status: JobStatus;
  phase: JobPhase;
  error: string | null;
  preprocessing: unknown;
  createdAt: number;
  updatedAt: number;
}

interface JobRow {
  id: string;
  collab_id: string;
  spec: unknown;
  status: JobStatus;
  phase: JobPhase;
  error: string | null;
  preprocessing: unknown;
  created_at: number;
  updated_at: number;
}

function toJob(row: JobRow): JobRecord {
  return {
    id: row.id,
    collabId: row.collab_id,
    spec: TrainJobSpec.parse(row.spec),
    status: row.status,
    phase: row.phase,
    error: row.error,
    preprocessing: row.preprocessing,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Refused because the same site already reported for this task: the first report stands. */
export class DuplicateReport extends Error {
  override name = 'DuplicateReport';
}

export async function createJob(db: Db, collabId: string, spec: TrainJobSpec): Promise<JobRecord> {
  const id = `job-${randomUUID().slice(0, 8)}`;
  const now = Date.now();
  await db.query(
    `insert into jobs (id, collab_id, spec, status, phase, created_at, updated_at)
     values ($1, $2, $3, 'running', 'schema', $4, $4)`,
    [id, collabId, JSON.stringify(spec), now],
  );
  return (await getJob(db, id))!;
}

export async function getJob(db: Db, id: string): Promise<JobRecord | undefined> {
  const rows = await db.query<JobRow>('select * from jobs where id = $1', [id]);
  return rows[0] ? toJob(rows[0]) : undefined;
}

export async function listJobs(db: Db, status?: JobStatus): Promise<JobRecord[]> {
  const rows = status
    ? await db.query<JobRow>('select * from jobs where status = $1 order by created_at', [status])
    : await db.query<JobRow>('select * from jobs order by created_at');
  return rows.map(toJob);
}

export async function updateJob(
  db: Db,
  id: string,
  change: { phase?: JobPhase; status?: JobStatus; error?: string; preprocessing?: unknown },
): Promise<void> {
  await db.query(
    `update jobs set phase = coalesce($2, phase), status = coalesce($3, status),
       error = coalesce($4, error), preprocessing = coalesce($5::jsonb, preprocessing), updated_at = $6
     where id = $1`,
    [
      id,
      change.phase ?? null,
      change.status ?? null,
      change.error ?? null,
      change.preprocessing === undefined ? null : JSON.stringify(change.preprocessing),
      Date.now(),
    ],
  );
}

/** Persist a setup or evaluation report; a second report for the same task is refused. */
export async function saveReport(db: Db, site: string, report: Report): Promise<void> {
  const inserted = await db.query(
    `insert into job_reports (job_id, site_key, kind, round, payload, received_at)
     values ($1, $2, $3, $4, $5, $6) on conflict do nothing returning site_key`,
    [report.jobId, site, report.kind, report.round, JSON.stringify(report), Date.now()],
  );
  if (inserted.length === 0) {
    throw new DuplicateReport(
      `site ${site} already reported ${report.kind} for round ${report.round}`,
    );
  }
}

export async function reportsFor<K extends Report['kind']>(
  db: Db,
  jobId: string,
  kind: K,
  round: number,
): Promise<Map<string, Extract<Report, { kind: K }>>> {
  const rows = await db.query<{ site_key: string; payload: Extract<Report, { kind: K }> }>(
    'select site_key, payload from job_reports where job_id = $1 and kind = $2 and round = $3 order by site_key',
    [jobId, kind, round],
  );
  return new Map(rows.map((r) => [r.site_key, r.payload]));
}
