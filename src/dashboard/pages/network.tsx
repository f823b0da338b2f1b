import { useMemo } from 'react';
import type { HubOverview } from '../api-types';
import { placeOf, WorldMap, type MapNode } from '../map/world-map';

const JURISDICTION_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#8B6D00', '#56B4E9'];

export function NetworkPage({ overview }: { overview: HubOverview }) {
  // A node in several collaborations is one node: keyed by its key id.
  const nodes = useMemo(() => {
    const byKey = new Map<
      string,
      MapNode & { institution: string; keyId: string; collabs: string[] }
    >();
    for (const c of overview.collaborations) {
      for (const m of c.members) {
        const known = byKey.get(m.keyId);
        if (known) known.collabs.push(c.id);
        else byKey.set(m.keyId, { ...m, collabs: [c.id] });
      }
    }
    return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name));
  }, [overview]);
  const jurisdictions = [...new Set(nodes.map((n) => n.jurisdiction))].sort();
  const colorOf = (j: string) =>
    JURISDICTION_COLORS[jurisdictions.indexOf(j) % JURISDICTION_COLORS.length] ?? '#555';
  return (
    <section aria-labelledby="network-title">
      <h1 id="network-title">Network</h1>
      <figure className="map-figure">
        <figcaption id="map-title">
          {nodes.length} nodes in {jurisdictions.length} jurisdictions; lines join each site to the
          hub it polls (sites only connect outbound). Squares are hubs, circles sites.
        </figcaption>
        <WorldMap nodes={nodes} colorOf={colorOf} titleId="map-title" />
        <ul className="legend" aria-label="Jurisdictions">
          {jurisdictions.map((j) => (
            <li key={j}>
              <span className="swatch" style={{ background: colorOf(j) }} aria-hidden="true" /> {j}
            </li>
          ))}
        </ul>
      </figure>
      <table>
        <caption>Nodes</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Institution</th>
            <th scope="col">Jurisdiction</th>
            <th scope="col">Roles</th>
            <th scope="col">Collaborations</th>
            <th scope="col">On the map</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.keyId}>
              <th scope="row">{n.name}</th>
              <td>{n.institution}</td>
              <td>{n.jurisdiction}</td>
              <td>{n.roles.join(', ')}</td>
              <td>{n.collabs.join(', ')}</td>
              <td>{placeOf(n) ? 'yes' : 'no (location unknown)'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
