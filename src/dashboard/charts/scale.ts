// The arithmetic of a chart's axes: linear maps from data to pixels and round tick values.

export type Domain = readonly [number, number];

/** Maps `domain` linearly onto `range`; a domain of one value maps to the range's middle. */
export function linear(domain: Domain, range: Domain): (v: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => (r0 + r1) / 2;
  const k = (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** A step of 1, 2 or 5 × 10^k that cuts [min, max] into about `count` intervals. */
export function tickStep(min: number, max: number, count: number): number {
  const raw = (max - min) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  // The nearest of 1, 2, 5 and 10 on a log scale (as d3 does), so that `count` is roughly kept.
  return (fraction >= 7.07 ? 10 : fraction >= 3.16 ? 5 : fraction >= 1.41 ? 2 : 1) * power;
}

/** Round values from min to max (inclusive), about `count` intervals apart. */
export function ticks(min: number, max: number, count: number): number[] {
  const step = tickStep(min, max, count);
  const out: number[] = [];
  // Multiples of the step, computed from integers so that 0.1 + 0.2 does not creep in.
  for (let i = Math.ceil(min / step - 1e-9); i * step <= max + step * 1e-9; i++) {
    out.push(Number((i * step).toPrecision(12)));
  }
  return out;
}

/** [min, max] widened to the nearest ticks, so that lines never touch the frame by accident. */
export function niceDomain(min: number, max: number, count: number): Domain {
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    return niceDomain(min - pad, max + pad, count);
  }
  const step = tickStep(min, max, count);
  // 0.5 / 0.1 is 4.999…: a bound already on a tick stays there.
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  return [Number(lo.toPrecision(12)), Number(hi.toPrecision(12))];
}
