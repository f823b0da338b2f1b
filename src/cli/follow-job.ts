import { setTimeout as sleep } from 'node:timers/promises';
import type { JobSummary, RoundSummary } from '../federation/index.js';
import type { MemberClient } from '../node/index.js';

/** Poll a job until it ends, printing one line per phase change and per completed round. */
export async function followJob(
  client: MemberClient,
  jobId: string,
  out: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): Promise<JobSummary> {
  let phase = '';
  let printed = 0;
  for (;;) {
    const job = await client.job(jobId);
    if (job.phase !== phase) {
      phase = job.phase;
      if (phase !== 'done') out(`  phase: ${phase}`);
    }
    const complete = job.rounds.filter((r) => r.status === 'complete');
    for (const r of complete.slice(printed)) out(roundLine(r, job.spec.rounds));
    printed = complete.length;
    if (job.status !== 'running') return job;
    await sleep(150);
  }
}

function roundLine(r: RoundSummary, total: number): string {
  const width = 20;
  const filled = Math.round((r.round / total) * width);
  const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
  const ms = r.completedAt !== null ? r.completedAt - r.startedAt : 0;
  const dropped = r.dropped.length > 0 ? `  dropped: ${r.dropped.join(', ')}` : '';
  const loss = r.trainLoss !== null ? r.trainLoss.toFixed(3) : '-';
  return `  round ${String(r.round).padStart(3)}/${total} ${bar} sites ${r.participants.length}  train loss ${loss}  ${ms} ms${dropped}`;
}
