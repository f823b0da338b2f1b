import { geoNaturalEarth1, geoPath } from 'd3-geo';
import { useMemo } from 'react';
import { countries, HEIGHT, WIDTH } from './world-map';

// Where work runs: compute sites as circles sized by what they were given, lines for work that
// moved from its data to another site. Same offline world as the network map.

export interface MapSite {
  id: string;
  /** [longitude, latitude] */
  at: [number, number];
  /** Drives the circle's area; 0 draws the smallest mark. */
  weight: number;
  kind: 'used' | 'idle' | 'chosen' | 'excluded';
  /** Read by screen readers and shown on hover: what runs there, cost and carbon. */
  label: string;
}

export interface MapFlow {
  id: string;
  from: [number, number];
  to: [number, number];
  weight: number;
}

export const KIND_COLORS: Record<MapSite['kind'], string> = {
  used: '#0072B2',
  chosen: '#009E73',
  idle: '#8a919c',
  excluded: '#D55E00',
};

export function PlacementMap(props: { sites: MapSite[]; flows?: MapFlow[]; titleId: string }) {
  const { sites, flows = [], titleId } = props;
  const projection = useMemo(
    () => geoNaturalEarth1().fitSize([WIDTH, HEIGHT], { type: 'Sphere' }),
    [],
  );
  const path = useMemo(() => geoPath(projection), [projection]);
  const heaviest = Math.max(1, ...sites.map((s) => s.weight));
  const widest = Math.max(1, ...flows.map((f) => f.weight));
  const radius = (w: number) => 4 + 12 * Math.sqrt(w / heaviest);
  const xy = (at: [number, number]) => projection(at) ?? null;
  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-labelledby={titleId}
      className="map placement-map"
    >
      <path d={path({ type: 'Sphere' }) ?? ''} className="sphere" />
      {countries.map((c, i) => (
        <path key={`${String(c.id)}-${i}`} d={path(c) ?? ''} className="country" />
      ))}
      {flows.map((f) => {
        const a = xy(f.from);
        const b = xy(f.to);
        if (!a || !b) return null;
        return (
          <line
            key={f.id}
            x1={a[0]}
            y1={a[1]}
            x2={b[0]}
            y2={b[1]}
            className="flow"
            strokeWidth={1 + 4 * (f.weight / widest)}
          />
        );
      })}
      {[...sites]
        .sort((a, b) => b.weight - a.weight)
        .map((s) => {
          const p = xy(s.at);
          if (!p) return null;
          return (
            <g key={s.id} transform={`translate(${p[0]},${p[1]})`}>
              {s.kind === 'excluded' ? (
                <path d="M-6,-6L6,6M-6,6L6,-6" className="excluded-mark" />
              ) : (
                <circle
                  r={radius(s.weight)}
                  fill={KIND_COLORS[s.kind]}
                  fillOpacity={s.kind === 'idle' ? 0.5 : 0.8}
                  className="marker"
                />
              )}
              <title>{s.label}</title>
            </g>
          );
        })}
    </svg>
  );
}
