import { getJson } from '../api';
import type { HubOverview, JobSummary } from '../api-types';
import { ErrorNotice, Loading } from '../notice';
import { useLoad } from '../use-load';

// What each job has spent of differential privacy, as the sites reported it and the rounds'
// log entries record it. Budgets themselves live at the sites that own the data (`converge
// budget show` there); the hub only sees what each site says it spent.

export function PrivacyPage({ overview, token }: { overview: HubOverview; token: string }) {
  const ids = overview.collaborations.flatMap((c) => c.jobs.map((j) => j.id));
  const { loaded } = useLoad(
    () =>
      Promise.all(
        ids.map((id) => getJson<JobSummary>(`/v1/jobs/${encodeURIComponent(id)}`, token)),
      ),
    [ids.join(','), token],
  );
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy</h1>
      <p>
        Differential privacy spent by each job: ε through its last round, the largest over the sites
        and each site's own (sites with fewer rows add more noise for the same ε). Each dataset's
        budget is kept, and enforced, at its site: <code>converge budget show</code> there.
      </p>
      {loaded.state === 'loading' && <Loading what="the jobs" />}
      {loaded.state === 'error' && <ErrorNotice error={loaded.error} />}
      {loaded.state === 'ready' && <SpendTable jobs={loaded.value} />}
    </section>
  );
}

function SpendTable({ jobs }: { jobs: JobSummary[] }) {
  if (jobs.length === 0) return <p>No job has run on this hub yet.</p>;
  return (
    <table>
      <caption>Privacy spent per job</caption>
      <thead>
        <tr>
          <th scope="col">Job</th>
          <th scope="col">Collaboration</th>
          <th scope="col">Rounds</th>
          <th scope="col">ε (largest)</th>
          <th scope="col">δ</th>
          <th scope="col">ε per site</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => {
          const spent = [...job.rounds].reverse().find((r) => r.privacySpent)?.privacySpent;
          return (
            <tr key={job.id}>
              <th scope="row">{job.id}</th>
              <td>{job.collab}</td>
              <td>{job.rounds.filter((r) => r.status === 'complete').length}</td>
              <td>{spent ? spent.epsilon.toFixed(3) : 'no DP'}</td>
              <td>{spent ? spent.delta.toExponential(0) : '—'}</td>
              <td>
                {spent
                  ? spent.perSite.map((s) => `${s.site} ${s.epsilon.toFixed(3)}`).join(', ')
                  : 'trained without differential privacy'}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
