import { geoCentroid, geoNaturalEarth1, geoPath } from 'd3-geo';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { useMemo } from 'react';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import world from 'world-atlas/countries-110m.json';
import { COUNTRY_NUMBER, KNOWN_PLACES } from './places';

export interface MapNode {
  name: string;
  jurisdiction: string;
  roles: string[];
}

export const WIDTH = 960;
export const HEIGHT = 500;

type Country = Feature<Geometry, { name: string }>;

// Parsed once: the TopoJSON ships inside the bundle, so the map needs no network. Shared with
// the planner's map (placement-map.tsx).
export const countries = (
  feature(
    world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>,
    (world as unknown as Topology<{ countries: GeometryCollection<{ name: string }> }>).objects
      .countries,
  ) as FeatureCollection<Geometry, { name: string }>
).features as Country[];

/** Where a node goes: its known place, else its country's centre, else nowhere. */
export function placeOf(node: MapNode): [number, number] | undefined {
  const known = KNOWN_PLACES[node.name];
  if (known) return known;
  const country = countries.find((c) => c.id === COUNTRY_NUMBER[node.jurisdiction]);
  return country ? (geoCentroid(country) as [number, number]) : undefined;
}

export function WorldMap(props: {
  nodes: MapNode[];
  colorOf: (jurisdiction: string) => string;
  titleId: string;
}) {
  const { nodes, colorOf, titleId } = props;
  const projection = useMemo(
    () => geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: 'Sphere' }),
    [],
  );
  const path = useMemo(() => geoPath(projection), [projection]);
  const member = new Map(nodes.map((n) => [COUNTRY_NUMBER[n.jurisdiction], n.jurisdiction]));
  const placed = nodes.flatMap((n) => {
    const at = placeOf(n);
    const xy = at && projection(at);
    return xy ? [{ node: n, x: xy[0], y: xy[1] }] : [];
  });
  const hub = placed.find((p) => p.node.roles.includes('hub'));
  return (
    <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="map">
      <path d={path({ type: 'Sphere' }) ?? ''} className="sphere" />
      {countries.map((c, i) => {
        const code = member.get(typeof c.id === 'string' ? c.id : undefined);
        return (
          <path
            key={`${String(c.id)}-${i}`}
            d={path(c) ?? ''}
            className="country"
            style={code ? { fill: colorOf(code), fillOpacity: 0.4 } : undefined}
          >
            <title>{c.properties.name}</title>
          </path>
        );
      })}
      {hub &&
        placed
          .filter((p) => p !== hub)
          .map((p) => (
            <line
              key={`link-${p.node.name}`}
              x1={p.x}
              y1={p.y}
              x2={hub.x}
              y2={hub.y}
              className="link"
            />
          ))}
      {placed.map(({ node, x, y }) => (
        <g key={node.name} transform={`translate(${x},${y})`}>
          {node.roles.includes('hub') ? (
            <rect
              x={-6}
              y={-6}
              width={12}
              height={12}
              fill={colorOf(node.jurisdiction)}
              className="marker"
            />
          ) : (
            <circle r={6} fill={colorOf(node.jurisdiction)} className="marker" />
          )}
          <title>
            {node.name} ({node.jurisdiction}, {node.roles.join(', ')})
          </title>
        </g>
      ))}
    </svg>
  );
}
