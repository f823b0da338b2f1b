import type { HubContext } from './hub-context.js';
import { updateJob, type JobRecord } from './job-records.js';
import { lastCompleteRound } from './round-records.js';

/** Ends a job as failed: the log's job.finished entry, the stored status, the progress event. */
export async function recordJobFailure(
  ctx: HubContext,
  job: JobRecord,
  error: string,
): Promise<void> {
  ctx.log.error({ job: job.id, error }, 'job failed');
  const { collabId: collab, id } = job;
  const rounds = (await lastCompleteRound(ctx.db, id))?.round ?? 0;
  await ctx.record(collab, [
    { type: 'job.finished', collab, job: id, status: 'failed', error, rounds, at: Date.now() },
  ]);
  await updateJob(ctx.db, id, { status: 'failed', error });
  ctx.onProgress(id, { kind: 'failed', error });
}
