import type { HubOverview } from '../api-types';
import { PacksPanel } from './packs-panel';
import { TrustPanel } from './trust-panel';

export function CollaborationsPage({ overview, token }: { overview: HubOverview; token: string }) {
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
          <h3>Trust</h3>
          <TrustPanel collab={c.id} token={token} />
          <h3>Policy packs in force</h3>
          <p className="small">
            Every action must pass the consortium pack and the pack of every jurisdiction it
            touches; each decision names its pack and policy set hash on the Decisions page.
          </p>
          <PacksPanel collab={c.id} token={token} />
        </article>
      ))}
    </section>
  );
}
