import type { HubOverview } from '../api-types';
import { NotWired } from '../notice';

const TRUST = ['', 'analytics only', 'federated training', 'model release'];

export function CollaborationsPage({ overview }: { overview: HubOverview }) {
  return (
    <section aria-labelledby="collabs-title">
      <h1 id="collabs-title">Collaborations</h1>
      {overview.collaborations.length === 0 && <p>This hub coordinates no collaboration yet.</p>}
      {overview.collaborations.map((c) => (
        <article key={c.id} aria-labelledby={`collab-${c.id}`} className="card">
          <h2 id={`collab-${c.id}`}>
            {c.title || c.id} <code>{c.id}</code>
          </h2>
          <dl className="facts">
            <dt>Safe-zone domain</dt>
            <dd>{c.domain}</dd>
            <dt>Trust level</dt>
            <dd>
              {c.trustLevel === null
                ? 'not recorded by this hub yet'
                : `${c.trustLevel}: ${TRUST[c.trustLevel] ?? ''}`}
            </dd>
            <dt>Jobs</dt>
            <dd>
              {c.jobs.length === 0 ? 'none' : c.jobs.map((j) => `${j.id} (${j.status})`).join(', ')}
            </dd>
          </dl>
          <table>
            <caption>Members of {c.id}</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Institution</th>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Roles</th>
                <th scope="col">Key id</th>
              </tr>
            </thead>
            <tbody>
              {c.members.map((m) => (
                <tr key={m.keyId}>
                  <th scope="row">{m.name}</th>
                  <td>{m.institution}</td>
                  <td>{m.jurisdiction}</td>
                  <td>{m.roles.join(', ')}</td>
                  <td>
                    <code>{m.keyId}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <NotWired>
            <p>
              Votes and the policy packs in force are not shown yet: the hub does not consult the
              Cedar packs for this collaboration yet (see <code>converge policy</code>).
            </p>
          </NotWired>
        </article>
      ))}
    </section>
  );
}
