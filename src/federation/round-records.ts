import type { SealedEnvelope } from '../identity/index.js';
import type { Db } from '../store/index.js';
import { DuplicateReport } from './job-records.js';

/** Rounds and the updates sites sent for them: the part of the hub's state that training resumes from. */

export interface RoundRecord {
  jobId: string;
  round: number;
  status: 'open' | 'complete';
  startedAt: number;
  deadlineAt: number;
  completedAt: number | null;
  participants: string[] | null;
  dropped: string[] | null;
  globalModel: Uint8Array | null;
  globalModelSha256: string | null;
  strategyState: Uint8Array | null;
  metrics: unknown;
}

interface RoundRow {
  job_id: string;
  round: number;
  status: 'open' | 'complete';
  started_at: number;
  deadline_at: number;
  completed_at: number | null;
  participants: string[] | null;
  dropped: string[] | null;
  global_model: Uint8Array | null;
  global_model_sha256: string | null;
  strategy_state: Uint8Array | null;
  metrics: unknown;
}

function toRound(r: RoundRow): RoundRecord {
  return {
    jobId: r.job_id,
    round: r.round,
    status: r.status,
    startedAt: r.started_at,
    deadlineAt: r.deadline_at,
    completedAt: r.completed_at,
    participants: r.participants,
    dropped: r.dropped,
    globalModel: r.global_model,
    globalModelSha256: r.global_model_sha256,
    strategyState: r.strategy_state,
    metrics: r.metrics,
  };
}

export class RoundClosed extends Error {
  override name = 'RoundClosed';
}

export interface UpdateRecord {
  site: string;
  numSamples: number;
  payload: Uint8Array;
  payloadSha256: string;
  trainMs: number;
  loss: number;
  receivedAt: number;
  /** The site's signed envelope over the payload (null for updates stored before migration 3). */
  sealed: SealedEnvelope | null;
}

export async function getRound(
  db: Db,
  jobId: string,
  round: number,
): Promise<RoundRecord | undefined> {
  const rows = await db.query<RoundRow>('select * from rounds where job_id = $1 and round = $2', [
    jobId,
    round,
  ]);
  return rows[0] ? toRound(rows[0]) : undefined;
}

export async function listRounds(db: Db, jobId: string): Promise<RoundRecord[]> {
  const rows = await db.query<RoundRow>('select * from rounds where job_id = $1 order by round', [
    jobId,
  ]);
  return rows.map(toRound);
}

/** The newest round whose aggregate is durable: a restarted hub resumes right after it. */
export async function lastCompleteRound(db: Db, jobId: string): Promise<RoundRecord | undefined> {
  const rows = await db.query<RoundRow>(
    `select * from rounds where job_id = $1 and status = 'complete' order by round desc limit 1`,
    [jobId],
  );
  return rows[0] ? toRound(rows[0]) : undefined;
}

export async function openRound(
  db: Db,
  jobId: string,
  round: number,
  deadlineAt: number,
): Promise<RoundRecord> {
  await db.query(
    `insert into rounds (job_id, round, status, started_at, deadline_at)
     values ($1, $2, 'open', $3, $4) on conflict (job_id, round) do nothing`,
    [jobId, round, Date.now(), deadlineAt],
  );
  return (await getRound(db, jobId, round))!;
}

/** Round 0 holds the initial model, so every later round starts from a stored global model. */
export async function saveInitialModel(db: Db, jobId: string, model: Uint8Array, sha256: string) {
  const now = Date.now();
  await db.query(
    `insert into rounds (job_id, round, status, started_at, deadline_at, completed_at, participants, dropped, global_model, global_model_sha256)
     values ($1, 0, 'complete', $2, $2, $2, '[]', '[]', $3, $4) on conflict (job_id, round) do nothing`,
    [jobId, now, model, sha256],
  );
}

/** Accept an update only while its round is open; the check and the insert are one transaction. */
export async function saveUpdate(
  db: Db,
  jobId: string,
  round: number,
  update: UpdateRecord,
  report: unknown,
): Promise<void> {
  await db.transaction(async (tx) => {
    const open = await tx.query<{ status: string }>(
      'select status from rounds where job_id = $1 and round = $2',
      [jobId, round],
    );
    if (open[0]?.status !== 'open') {
      throw new RoundClosed(`round ${round} of ${jobId} is not open for updates`);
    }
    const inserted = await tx.query(
      `insert into updates (job_id, round, site_key, num_samples, payload, payload_sha256, train_ms, loss, received_at, sealed)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing returning site_key`,
      [
        jobId,
        round,
        update.site,
        update.numSamples,
        update.payload,
        update.payloadSha256,
        update.trainMs,
        update.loss,
        update.receivedAt,
        update.sealed === null ? null : JSON.stringify(update.sealed),
      ],
    );
    if (inserted.length === 0) {
      throw new DuplicateReport(`site ${update.site} already sent its update for round ${round}`);
    }
    // The report's metrics travel with the update, so they are acknowledged together.
    await tx.query(
      `insert into job_reports (job_id, site_key, kind, round, payload, received_at)
       values ($1, $2, 'train', $3, $4, $5)`,
      [jobId, update.site, round, JSON.stringify(report), update.receivedAt],
    );
  });
}

export async function updatesFor(db: Db, jobId: string, round: number): Promise<UpdateRecord[]> {
  const rows = await db.query<{
    site_key: string;
    num_samples: number;
    payload: Uint8Array;
    payload_sha256: string;
    train_ms: number;
    loss: number;
    received_at: number;
    sealed: SealedEnvelope | null;
  }>('select * from updates where job_id = $1 and round = $2 order by site_key', [jobId, round]);
  return rows.map((r) => ({
    site: r.site_key,
    numSamples: r.num_samples,
    payload: r.payload,
    payloadSha256: r.payload_sha256,
    trainMs: r.train_ms,
    loss: r.loss,
    receivedAt: r.received_at,
    sealed: r.sealed,
  }));
}

export async function completeRound(
  db: Db,
  jobId: string,
  round: number,
  result: {
    participants: string[];
    dropped: string[];
    globalModel: Uint8Array;
    globalModelSha256: string;
    strategyState: Uint8Array | null;
    metrics: unknown;
  },
  /**
   * A secure round's train reports (sample counts, loss, privacy spent: no update), kept only
   * now that the round is whole; a clear round stored them with each update.
   */
  reports: { site: string; report: unknown }[] = [],
): Promise<void> {
  const now = Date.now();
  await db.transaction(async (tx) => {
    await tx.query(
      `update rounds set status = 'complete', completed_at = $3, participants = $4, dropped = $5,
         global_model = $6, global_model_sha256 = $7, strategy_state = $8, metrics = $9
       where job_id = $1 and round = $2 and status = 'open'`,
      [
        jobId,
        round,
        now,
        JSON.stringify(result.participants),
        JSON.stringify(result.dropped),
        result.globalModel,
        result.globalModelSha256,
        result.strategyState,
        JSON.stringify(result.metrics),
      ],
    );
    for (const { site, report } of reports) {
      await tx.query(
        `insert into job_reports (job_id, site_key, kind, round, payload, received_at)
         values ($1, $2, 'train', $3, $4, $5) on conflict do nothing`,
        [jobId, site, round, JSON.stringify(report), now],
      );
    }
  });
}

/** Metrics of the round's global model as evaluated by the sites, filled in one round later. */
export async function recordRoundMetrics(db: Db, jobId: string, round: number, metrics: unknown) {
  await db.query(
    `update rounds set metrics = coalesce(metrics, '{}'::jsonb) || $3::jsonb where job_id = $1 and round = $2`,
    [jobId, round, JSON.stringify(metrics)],
  );
}
