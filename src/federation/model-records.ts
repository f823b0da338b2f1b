import type { Db } from '../store/index.js';

/** Named models a job keeps besides its rounds' global models, e.g. each site's local-only baseline. */

export async function saveModel(
  db: Db,
  jobId: string,
  name: string,
  payload: Uint8Array,
  sha256: string,
): Promise<void> {
  await db.query(
    `insert into job_models (job_id, name, payload, sha256, created_at) values ($1, $2, $3, $4, $5)
     on conflict (job_id, name) do nothing`,
    [jobId, name, payload, sha256, Date.now()],
  );
}

export async function loadModels(
  db: Db,
  jobId: string,
): Promise<{ name: string; payload: Uint8Array; sha256: string }[]> {
  return db.query('select name, payload, sha256 from job_models where job_id = $1 order by name', [
    jobId,
  ]);
}
