import type { GroupAnswer } from '../api-types';
import { delta, figure } from './format';
import { askedPrivacy, describeQuery, type LoggedQuery } from './logged-queries';

const when = (at: number) => new Date(at).toISOString().replace('T', ' ').slice(0, 19);

/** One analytics query from the log: what was asked, what it spent, every published cell. */
export function QueryCard({ query }: { query: LoggedQuery }) {
  const { finished, spec } = query;
  const id = `query-${query.collab}-${query.id}`;
  const withheld = finished?.groups.filter((g) => g.suppressed !== null).length ?? 0;
  return (
    <article className="card" aria-labelledby={id} data-query={query.id}>
      <h3 id={id}>
        {describeQuery(spec)} <code>{query.id}</code>
      </h3>
      <dl className="facts">
        <dt>Dataset</dt>
        <dd>
          {query.collab} / {query.dataset}
        </dd>
        <dt>Asked</dt>
        <dd>
          {when(query.proposed.at)} UTC, {askedPrivacy(spec)} (log entry {query.proposed.index})
        </dd>
        <dt>Status</dt>
        <dd className={finished?.status === 'failed' ? 'failed' : undefined}>
          {!finished
            ? 'running, or its answer is not in the published log yet'
            : finished.status === 'answered'
              ? `answered ${when(finished.at)} UTC (log entry ${finished.index})`
              : `failed: ${finished.error ?? 'no reason given'}`}
        </dd>
        {finished && (
          <>
            <dt>Spent</dt>
            <dd>
              {finished.privacy
                ? `ε ${figure(finished.privacy.epsilon)}, δ ${delta(finished.privacy.delta)}`
                : 'nothing: released without differential privacy'}
            </dd>
            <dt>Sites in the secure sum</dt>
            <dd>
              {finished.survivors.length}
              {finished.survivors.length > 0 ? `: ${finished.survivors.join(', ')}` : ''}
              {finished.dropped.length > 0 ? `; dropped: ${finished.dropped.join(', ')}` : ''}
            </dd>
          </>
        )}
      </dl>
      {finished?.status === 'answered' && (
        <details>
          <summary>
            {finished.groups.length - withheld} cells published, {withheld} suppressed
          </summary>
          <CellTable query={query} groups={finished.groups} />
        </details>
      )}
    </article>
  );
}

function CellTable({ query, groups }: { query: LoggedQuery; groups: GroupAnswer[] }) {
  const { spec } = query;
  return (
    <table className="cells">
      <caption>
        {describeQuery(spec)}: {groups.length} cells
      </caption>
      <thead>
        <tr>
          <th scope="col">{spec.by.length > 0 ? spec.by.join(' × ') : 'Group'}</th>
          <th scope="col">Records{spec.epsilon !== null ? ' (noisy)' : ''}</th>
          <th scope="col">
            {spec.stat} of {spec.column}
          </th>
          <th scope="col">Noise σ</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => (
          <tr key={g.label} className={g.suppressed ? 'suppressed' : undefined}>
            <th scope="row">{g.label || 'all'}</th>
            {g.suppressed ? (
              <td colSpan={3}>suppressed: {g.suppressed}</td>
            ) : (
              <>
                <td>{g.count === null ? '—' : Math.round(g.count).toLocaleString('en')}</td>
                <td>{cellValue(g)}</td>
                <td>{g.noiseStd === null ? '—' : `± ${figure(g.noiseStd)}`}</td>
              </>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function cellValue(g: GroupAnswer): string {
  if (g.quantiles) {
    return g.quantiles
      .map((q) => `q${figure(q.q)} ${q.value === null ? '—' : figure(q.value)}`)
      .join(', ');
  }
  if (g.histogram) {
    const { edges, counts } = g.histogram;
    return counts
      .map((c, i) => `[${figure(edges[i]!)}, ${figure(edges[i + 1]!)}) ${Math.round(c)}`)
      .join('; ');
  }
  if (g.value === null) return '—';
  // Counts and sums in the thousands keep their units digit, as the record counts do.
  return Math.abs(g.value) >= 100 ? Math.round(g.value).toLocaleString('en') : figure(g.value);
}
