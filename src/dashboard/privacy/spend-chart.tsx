import { LineChart, type LineSeries } from '../charts/line-chart';
import { siteColor } from '../training/site-colors';
import { figure } from './format';
import type { DatasetSpend } from './spend-over-time';

const MINUTE = 60_000;

function clock(at: number, span: number): string {
  const d = new Date(at);
  return span > 24 * 60 * MINUTE
    ? d.toISOString().slice(0, 10)
    : d.toISOString().slice(11, span > 10 * MINUTE ? 16 : 19);
}

/** ε released on each dataset over time (basic composition), with its figures in a table. */
export function SpendChart({ spends }: { spends: DatasetSpend[] }) {
  const names = spends.map((s) => s.dataset);
  const series: LineSeries[] = spends.map((s) => ({
    key: s.dataset,
    name: s.dataset,
    color: siteColor(names, s.dataset),
    step: true,
    // From nothing spent, at the first release.
    points: [{ x: s.points[0]!.at, y: 0 }, ...s.points.map((p) => ({ x: p.at, y: p.epsilon }))],
  }));
  const times = spends.flatMap((s) => s.points.map((p) => p.at));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const pad = Math.max(MINUTE / 2, (last - first) * 0.05);
  const span = last - first + 2 * pad;
  return (
    <figure className="chart" aria-labelledby="spend-title" aria-describedby="spend-desc">
      <figcaption id="spend-title">ε released per dataset over time</figcaption>
      <p id="spend-desc" className="small">
        Each answered query's ε and each DP training job's ε so far, added up: basic composition, an
        upper bound on what the sites' accountants charge (they compose releases by Rényi DP, more
        tightly). Times in UTC. The table below has the same figures.
      </p>
      <div className="chart-area" data-points={times.length}>
        <LineChart
          series={series}
          xDomain={[first - pad, last + pad]}
          yDomain={[0, 1]}
          xFormat={(x) => clock(x, span)}
          yFormat={figure}
          pointTitle={(s, p) => `${s.name} at ${clock(p.x, 0)} UTC: ε ${figure(p.y)} in all`}
          height={220}
        />
      </div>
      <details>
        <summary>The figures</summary>
        <table>
          <caption>ε released per dataset, in the order of the log</caption>
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">When (UTC)</th>
              <th scope="col">Release</th>
              <th scope="col">ε in all</th>
            </tr>
          </thead>
          <tbody>
            {spends.flatMap((s) =>
              s.points.map((p, i) => (
                <tr key={`${s.dataset}-${i}`}>
                  <th scope="row">{s.dataset}</th>
                  <td>{new Date(p.at).toISOString().replace('T', ' ').slice(0, 19)}</td>
                  <td>{p.what}</td>
                  <td>{figure(p.epsilon)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
