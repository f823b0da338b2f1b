import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
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

const format = (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v));

/** Federated per-site results by round, with each site's local-only result as a reference. */
export function RoundChart(props: RoundChartProps) {
  const { title, metric, points, sites, rounds, localOnly, overall } = props;
  const id = `chart-${metric}`;
  const described = `${id}-desc`;
  return (
    <figure className="chart" aria-labelledby={id} aria-describedby={described}>
      <figcaption id={id}>{title}</figcaption>
      <p id={described} className="small">
        Solid: the federated model on each site's own test split, by round. Dashed: the same site's
        local-only model. The table below has the same figures.
      </p>
      <div className="chart-area" data-points={points.length}>
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#d0d4da" strokeDasharray="2 4" />
            <XAxis
              dataKey="round"
              type="number"
              domain={[1, Math.max(rounds, 1)]}
              allowDecimals={false}
              tick={{ fill: '#333' }}
            />
            <YAxis
              domain={metric === 'acc' ? [0.5, 1] : ['auto', 'auto']}
              tickFormatter={(v: number) => v.toFixed(2)}
              tick={{ fill: '#333' }}
              width={44}
            />
            <Tooltip formatter={format} labelFormatter={(r) => `round ${String(r)}`} />
            <Legend />
            {sites.map((site) => (
              <Line
                key={site}
                name={site}
                dataKey={`${metric}:${site}`}
                stroke={siteColor(sites, site)}
                strokeWidth={2}
                dot={{ r: 2 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
            {overall && (
              <Line
                name={overall.label}
                dataKey={overall.key}
                stroke="#222"
                strokeWidth={3}
                dot={{ r: 3 }}
                connectNulls
                isAnimationActive={false}
              />
            )}
            {sites.flatMap((site) =>
              localOnly[site] === undefined
                ? []
                : [
                    <ReferenceLine
                      key={`local-${site}`}
                      y={localOnly[site]}
                      stroke={siteColor(sites, site)}
                      strokeDasharray="6 4"
                      ifOverflow="extendDomain"
                    />,
                  ],
            )}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
