import type { JobSummary } from '../api-types';

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(v * 100).toFixed(1)} %`);

/** The rounds as a table: the charts' figures for screen readers and for copying. */
export function RoundTable({ job }: { job: JobSummary }) {
  return (
    <table className="rounds">
      <caption>Rounds of {job.id}</caption>
      <thead>
        <tr>
          <th scope="col">Round</th>
          <th scope="col">Sites</th>
          <th scope="col">Dropped</th>
          <th scope="col">Train loss</th>
          <th scope="col">Pooled test accuracy</th>
          <th scope="col">Wall time</th>
        </tr>
      </thead>
      <tbody>
        {job.rounds.map((r) => (
          <tr key={r.round}>
            <th scope="row">{r.round}</th>
            <td>{r.participants.join(', ')}</td>
            <td>{r.dropped.join(', ') || '—'}</td>
            <td>{r.trainLoss === null ? '—' : r.trainLoss.toFixed(4)}</td>
            <td>{pct(r.metrics?.pooledAccuracy)}</td>
            <td>{r.completedAt === null ? 'running' : `${r.completedAt - r.startedAt} ms`}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Final accuracy per site: federated, personalised if any, against local-only. */
export function OutcomeTable({ job }: { job: JobSummary }) {
  const global = job.evaluation['global'];
  const personalised = job.evaluation['personalized'];
  const sites = Object.keys(global ?? job.baselines).sort();
  if (sites.length === 0) return null;
  return (
    <table>
      <caption>Each site's own test split</caption>
      <thead>
        <tr>
          <th scope="col">Site</th>
          <th scope="col">Local-only</th>
          <th scope="col">Federated</th>
          {personalised && <th scope="col">Personalised</th>}
        </tr>
      </thead>
      <tbody>
        {sites.map((site) => (
          <tr key={site}>
            <th scope="row">{site}</th>
            <td>{pct(job.baselines[site]?.accuracy)}</td>
            <td>{pct(global?.[site]?.accuracy)}</td>
            {personalised && <td>{pct(personalised[site]?.accuracy)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
