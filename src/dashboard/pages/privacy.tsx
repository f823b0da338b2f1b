import { getJson } from '../api';
import type { HubOverview, JobSummary } from '../api-types';
import { readLog } from '../ledger/read-log';
import { ErrorNotice, Loading } from '../notice';
import { delta, figure } from '../privacy/format';
import { loggedQueries, type LoggedQuery } from '../privacy/logged-queries';
import { QueryCard } from '../privacy/query-card';
import { secureTraining, type SecureTraining } from '../privacy/secure-training';
import { SpendChart } from '../privacy/spend-chart';
import { spendOverTime, type DatasetSpend } from '../privacy/spend-over-time';
import { useLoad } from '../use-load';

// What each job and each analytics query has spent of differential privacy, and how training
// was aggregated. Job summaries come from the hub's API; queries, secure rounds and the spend
// over time from each collaboration's published log, read from its public tiles. Budgets
// themselves live at the sites that own the data (`converge budget show` there).

interface LoggedPrivacy {
  queries: LoggedQuery[];
  secure: SecureTraining[];
  spends: DatasetSpend[];
  /** Collaborations whose log has no published checkpoint yet. */
  unpublished: string[];
}

async function loggedPrivacy(collabs: string[]): Promise<LoggedPrivacy> {
  const logs = await Promise.all(collabs.map(async (c) => ({ c, log: await readLog(c) })));
  return {
    queries: logs.flatMap(({ c, log }) => loggedQueries(c, log.entries)),
    secure: logs.flatMap(({ c, log }) => secureTraining(c, log.entries)),
    spends: logs.flatMap(({ c, log }) => spendOverTime(c, log.entries)),
    unpublished: logs.filter(({ log }) => !log.checkpoint).map(({ c }) => c),
  };
}

export function PrivacyPage({ overview, token }: { overview: HubOverview; token: string }) {
  const collabs = overview.collaborations.map((c) => c.id);
  const ids = overview.collaborations.flatMap((c) => c.jobs.map((j) => j.id));
  // Read again when a job starts or ends (the overview is live); queries show on Reload too.
  const jobStates = overview.collaborations.flatMap((c) => c.jobs.map((j) => j.status)).join(',');
  const jobs = useLoad(
    () =>
      Promise.all(
        ids.map((id) => getJson<JobSummary>(`/v1/jobs/${encodeURIComponent(id)}`, token)),
      ),
    [ids.join(','), jobStates, token],
  );
  const logged = useLoad(() => loggedPrivacy(collabs), [collabs.join(','), jobStates]);
  return (
    <section aria-labelledby="privacy-title">
      <h1 id="privacy-title">Privacy</h1>
      <p>
        Differential privacy spent by each training job and each analytics query, and how the sites'
        contributions were combined. Each dataset's budget is kept, and enforced, at its site:{' '}
        <code>converge budget show</code> there.
      </p>
      <p className="controls">
        <button type="button" onClick={logged.reload}>
          Reload the logs
        </button>
      </p>
      {logged.loaded.state === 'loading' && <Loading what="the collaborations' logs" />}
      {logged.loaded.state === 'error' && <ErrorNotice error={logged.loaded.error} />}
      {logged.loaded.state === 'ready' && logged.loaded.value.unpublished.length > 0 && (
        <p role="status">
          No checkpoint is published yet for {logged.loaded.value.unpublished.join(', ')}: its
          queries and rounds show once the witnesses have cosigned.
        </p>
      )}

      <h2>Spend over time</h2>
      {logged.loaded.state === 'ready' &&
        (logged.loaded.value.spends.length === 0 ? (
          <p>No differential privacy has been spent in the published logs.</p>
        ) : (
          <SpendChart spends={logged.loaded.value.spends} />
        ))}

      <h2>Training jobs</h2>
      <p className="small">
        ε through each job's last round: the largest over the sites, and each site's own (sites with
        fewer rows add more noise for the same ε). Secure aggregation from the rounds' log entries:
        k neighbours per site, t of them to unmask, and the bound on each coordinate's rounding
        error in the sum.
      </p>
      {jobs.loaded.state === 'loading' && <Loading what="the jobs" />}
      {jobs.loaded.state === 'error' && <ErrorNotice error={jobs.loaded.error} />}
      {jobs.loaded.state === 'ready' && (
        <SpendTable
          jobs={jobs.loaded.value}
          secure={logged.loaded.state === 'ready' ? logged.loaded.value.secure : null}
        />
      )}

      <h2>Analytics queries</h2>
      <p className="small">
        Every query asked in the published logs, with every cell the hub published: a cell with too
        few records is suppressed, with the reason, and publishes nothing else.
      </p>
      {logged.loaded.state === 'ready' &&
        (logged.loaded.value.queries.length === 0 ? (
          <p>No analytics query in the published logs.</p>
        ) : (
          logged.loaded.value.queries.map((q) => (
            <QueryCard key={`${q.collab}/${q.id}`} query={q} />
          ))
        ))}
    </section>
  );
}

function secureText(s: SecureTraining | undefined): string {
  if (!s) return 'no round in the published log yet';
  if (s.secureRounds === 0) return 'in clear: the hub saw each site’s update';
  const k = s.neighbours.join(' / ');
  const t = s.thresholds.join(' / ');
  const bound = s.errorBound === null ? '' : `, error ≤ ${s.errorBound.toExponential(1)}`;
  return `SecAgg+ in ${s.secureRounds} of ${s.rounds} rounds (k ${k}, t ${t}${bound})`;
}

function SpendTable(props: { jobs: JobSummary[]; secure: SecureTraining[] | null }) {
  const { jobs, secure } = props;
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
          <th scope="col">Aggregation</th>
        </tr>
      </thead>
      <tbody>
        {jobs.map((job) => {
          const spent = [...job.rounds].reverse().find((r) => r.privacySpent)?.privacySpent;
          const s = secure?.find((x) => x.collab === job.collab && x.job === job.id);
          return (
            <tr key={job.id} data-job={job.id}>
              <th scope="row">{job.id}</th>
              <td>{job.collab}</td>
              <td>{job.rounds.filter((r) => r.status === 'complete').length}</td>
              <td>{spent ? figure(spent.epsilon) : 'no DP'}</td>
              <td>{spent ? delta(spent.delta) : '—'}</td>
              <td>
                {spent
                  ? spent.perSite.map((p) => `${p.site} ${figure(p.epsilon)}`).join(', ')
                  : 'trained without differential privacy'}
              </td>
              <td>{secure ? secureText(s) : '…'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
