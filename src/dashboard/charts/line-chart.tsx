import { useLayoutEffect, useRef, useState } from 'react';
import { linear, niceDomain, ticks, type Domain } from './scale';

// A small SVG line chart drawn by React itself. It replaced recharts on the training page:
// recharts took 600–850 ms of main thread for the two 15-round charts on a loaded 2-core
// machine, and half the bundle; this draws the same lines in a few milliseconds.

export interface Point {
  x: number;
  y: number;
}

export interface LineSeries {
  key: string;
  name: string;
  color: string;
  points: Point[];
  width?: number;
  /** Drawn as steps (a running total), not as slopes. */
  step?: boolean;
}

/** A dashed horizontal line at one value (a reference, e.g. a site's local-only result). */
export interface GuideLine {
  key: string;
  y: number;
  color: string;
  title: string;
}

export interface LineChartProps {
  series: LineSeries[];
  guides?: GuideLine[];
  xDomain: Domain;
  /** The least the y axis shows; data and guides outside it widen it. */
  yDomain?: Domain;
  xFormat: (x: number) => string;
  yFormat: (y: number) => string;
  /** Only whole numbers on the x axis (rounds). */
  integerX?: boolean;
  /** The text a pointer shows over a point. */
  pointTitle: (series: LineSeries, point: Point) => string;
  height?: number;
}

const MARGIN = { top: 8, right: 14, bottom: 24, left: 48 };
/** More points than this per series and the dots would hide the line. */
const MAX_DOTS = 60;

/** Tracks an element's width, measured before the first paint. */
function useWidth<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    setWidth(element.clientWidth);
    const observer = new ResizeObserver(() => setWidth(element.clientWidth));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

function path(points: Point[], x: (v: number) => number, y: (v: number) => number, step = false) {
  return points
    .map((p, i) => {
      const px = x(p.x).toFixed(1);
      const py = y(p.y).toFixed(1);
      if (i === 0) return `M${px},${py}`;
      return step ? `H${px}V${py}` : `L${px},${py}`;
    })
    .join('');
}

export function LineChart(props: LineChartProps) {
  const { series, guides = [], xDomain, xFormat, yFormat, pointTitle } = props;
  const height = props.height ?? 260;
  const { ref, width } = useWidth<HTMLDivElement>();

  const values = [
    ...series.flatMap((s) => s.points.map((p) => p.y)),
    ...guides.map((g) => g.y),
    ...(props.yDomain ?? []),
  ];
  const [y0, y1] = niceDomain(
    values.length > 0 ? Math.min(...values) : 0,
    values.length > 0 ? Math.max(...values) : 1,
    5,
  );
  const x = linear(xDomain, [MARGIN.left, Math.max(MARGIN.left + 1, width - MARGIN.right)]);
  const y = linear([y0, y1], [height - MARGIN.bottom, MARGIN.top]);
  const xTicks = ticks(xDomain[0], xDomain[1], Math.max(2, Math.floor(width / 80))).filter(
    (t) => !props.integerX || Number.isInteger(t),
  );
  const yTicks = ticks(y0, y1, 5);
  const right = width - MARGIN.right;

  return (
    <div ref={ref} className="line-chart">
      {width > 0 && (
        // The figure's caption and the table beside it carry the figures in words.
        <svg width={width} height={height} aria-hidden="true">
          <g className="grid">
            {yTicks.map((t) => (
              <line key={t} x1={MARGIN.left} x2={right} y1={y(t)} y2={y(t)} />
            ))}
          </g>
          <g className="axis">
            <line
              x1={MARGIN.left}
              x2={right}
              y1={height - MARGIN.bottom}
              y2={height - MARGIN.bottom}
            />
            {xTicks.map((t) => (
              <text key={t} x={x(t)} y={height - 6} textAnchor="middle">
                {xFormat(t)}
              </text>
            ))}
            {yTicks.map((t) => (
              <text key={t} x={MARGIN.left - 6} y={y(t) + 4} textAnchor="end">
                {yFormat(t)}
              </text>
            ))}
          </g>
          {guides.map((g) => (
            <line
              key={g.key}
              className="guide"
              x1={MARGIN.left}
              x2={right}
              y1={y(g.y)}
              y2={y(g.y)}
              stroke={g.color}
            >
              <title>{g.title}</title>
            </line>
          ))}
          {series.map((s) => (
            <g key={s.key} className="series" data-series={s.key}>
              <path
                d={path(s.points, x, y, s.step)}
                stroke={s.color}
                strokeWidth={s.width ?? 2}
                fill="none"
              />
              {s.points.length <= MAX_DOTS &&
                s.points.map((p) => (
                  <circle key={p.x} cx={x(p.x)} cy={y(p.y)} r={(s.width ?? 2) + 0.5} fill={s.color}>
                    <title>{pointTitle(s, p)}</title>
                  </circle>
                ))}
            </g>
          ))}
        </svg>
      )}
      <ul className="legend small">
        {series.map((s) => (
          <li key={s.key}>
            <span className="swatch" style={{ background: s.color }} /> {s.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
