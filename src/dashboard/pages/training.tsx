import { useEffect, useMemo, useState } from 'react';
import type { HubOverview, JobListing, JobSummary } from '../api-types';
import { followEvents } from '../event-stream';
import { ErrorNotice, Loading } from '../notice';
import { RoundChart } from '../training/round-chart';
import { OutcomeTable, RoundTable } from '../training/round-table';
import { roundSeries, sitesOf } from '../training/series';

interface Props {
  token: string;
  /** Live: the hub streams it again when a job starts, changes phase or ends. */
  overview: HubOverview;
}

export function TrainingPage({ token, overview }: Props) {
  const jobs = useMemo(
    () =>
      overview.collaborations
        .flatMap((c) => c.jobs.map((j) => ({ ...j, collab: c.id })))
        .sort((a, b) => b.createdAt - a.createdAt),
    [overview],
  );
  const [chosen, setChosen] = useState<string | null>(null);
  const running = jobs.find((j) => j.status === 'running');
  const jobId = chosen ?? running?.id ?? jobs[0]?.id ?? null;

  return (
    <section aria-labelledby="training-title">
      <h1 id="training-title">Training</h1>
      {jobs.length === 0 ? (
        <p role="status">
          No job yet. Start one with <code>converge train</code>; it appears here by itself.
        </p>
      ) : (
        <>
          <JobPicker jobs={jobs} value={jobId ?? ''} onChange={setChosen} />
          {jobId && <JobView key={jobId} jobId={jobId} token={token} />}
        </>
      )}
    </section>
  );
}

function JobPicker(props: {
  jobs: (JobListing & { collab: string })[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <p className="controls">
      <label htmlFor="job">Job</label>
      <select id="job" value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.jobs.map((j) => (
          <option key={j.id} value={j.id}>
            {j.collab} / {j.id}: {j.strategy}, {j.rounds} rounds, {j.status}
          </option>
        ))}
      </select>
    </p>
  );
}

/** One job's live view: streamed while it runs, read once when it is over. */
function JobView(props: { jobId: string; token: string }) {
  const { jobId, token } = props;
  const [job, setJob] = useState<JobSummary | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    let first = true;
    const onSummary = (data: string) => {
      if (first) performance.mark('converge:summary');
      first = false;
      setJob(JSON.parse(data) as JobSummary);
    };
    setLive(true);
    followEvents(
      `/v1/jobs/${encodeURIComponent(jobId)}/events`,
      token,
      'summary',
      onSummary,
      abort.signal,
    )
      .catch((err: unknown) => {
        if (!abort.signal.aborted) setError(err as Error);
      })
      .finally(() => setLive(false));
    return () => abort.abort();
  }, [jobId, token]);

  // Derived once per summary, so that the memoised charts redraw only when the job changes.
  const drawn = useMemo(() => job && chartInputs(job), [job]);

  if (error && !job) return <ErrorNotice error={error} />;
  if (!job || !drawn) return <Loading what={`job ${jobId}`} />;
  const { points, sites, localAcc, localLoss } = drawn;
  return (
    <>
      <p role="status" aria-live="polite" className="job-status">
        {job.collab} / {job.id}: {job.spec.strategy.name}, {job.spec.model.kind} model —{' '}
        <strong>{job.status}</strong>, phase {job.phase}, round {job.rounds.length} of{' '}
        {job.spec.rounds}
        {live && job.status === 'running' ? ' (live)' : ''}
      </p>
      {job.error && <p className="notice error">{job.error}</p>}
      {error && <ErrorNotice error={error} />}
      <div className="charts">
        <RoundChart
          title="Accuracy per site"
          metric="acc"
          points={points}
          sites={sites}
          rounds={job.spec.rounds}
          localOnly={localAcc}
          overall={{ key: 'pooledAccuracy', label: 'pooled' }}
        />
        <RoundChart
          title="Test loss per site"
          metric="loss"
          points={points}
          sites={sites}
          rounds={job.spec.rounds}
          localOnly={localLoss}
          overall={{ key: 'trainLoss', label: 'train loss' }}
        />
      </div>
      <RoundTable job={job} />
      <OutcomeTable job={job} />
    </>
  );
}

function chartInputs(job: JobSummary) {
  const baselines = Object.entries(job.baselines);
  return {
    points: roundSeries(job),
    sites: sitesOf(job),
    localAcc: Object.fromEntries(baselines.map(([s, e]) => [s, e.accuracy])),
    localLoss: Object.fromEntries(baselines.map(([s, e]) => [s, e.loss])),
  };
}
