import { memo } from 'react';
import { LineChart, type LineSeries } from '../charts/line-chart';
import type { RoundPoint } from './series';
import { siteColor } from './site-colors';

export interface RoundChartProps {
  title: string;
  /** "acc" or "loss": which per-site series to draw. */
  metric: 'acc' | 'loss';
  points: RoundPoint[];
  sites: string[];
  rounds: number;
  /** Each site's local-only result, drawn as a dashed line in the site's colour. */
  localOnly: Record<string, number>;
  /** A series for all sites together (pooled accuracy, training loss). */
  overall?: { key: 'pooledAccuracy' | 'trainLoss'; label: string };
}

function seriesOf(points: RoundPoint[], key: string, name: string, color: string, width = 2) {
  const line: LineSeries = { key, name, color, width, points: [] };
  for (const p of points) {
    const y = p[key];
    if (y !== undefined) line.points.push({ x: p.round, y });
  }
  return line;
}

/**
 * Federated per-site results by round, with each site's local-only result as a reference.
 * Memoised: the job list refreshes around it, and a redraw is only due when the rounds change.
 */
export const RoundChart = memo(function RoundChart(props: RoundChartProps) {
  const { title, metric, points, sites, rounds, localOnly, overall } = props;
  const id = `chart-${metric}`;
  const described = `${id}-desc`;
  const series = sites.map((site) =>
    seriesOf(points, `${metric}:${site}`, site, siteColor(sites, site)),
  );
  if (overall) series.push(seriesOf(points, overall.key, overall.label, '#222', 3));
  const guides = sites.flatMap((site) => {
    const y = localOnly[site];
    return y === undefined
      ? []
      : [
          {
            key: `local-${site}`,
            y,
            color: siteColor(sites, site),
            title: `${site} local-only ${y.toFixed(3)}`,
          },
        ];
  });
  return (
    <figure className="chart" aria-labelledby={id} aria-describedby={described}>
      <figcaption id={id}>{title}</figcaption>
      <p id={described} className="small">
        Solid: the federated model on each site's own test split, by round. Dashed: the same site's
        local-only model. The table below has the same figures.
      </p>
      <div className="chart-area" data-points={points.length}>
        <LineChart
          series={series}
          guides={guides}
          xDomain={[1, Math.max(rounds, 2)]}
          integerX
          {...(metric === 'acc' ? { yDomain: [0.5, 1] as const } : {})}
          xFormat={String}
          yFormat={(v) => v.toFixed(2)}
          pointTitle={(s, p) => `${s.name}, round ${p.x}: ${p.y.toFixed(3)}`}
        />
      </div>
    </figure>
  );
});
