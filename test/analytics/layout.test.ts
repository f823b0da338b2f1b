/** Vector layout, bins and histogram quantiles. */
import { describe, expect, it } from 'vitest';
import { binOf, histogramQuantile, layoutOf, parseQuery } from '../../src/analytics/index.js';
import { COLUMNS } from './support/stations.js';

const layout = (q: object) => layoutOf(parseQuery(q, COLUMNS), COLUMNS);

describe('layout', () => {
  it('the demo queries: 30 groups × [n, Σy] and 4 groups × [n, Σy]', () => {
    const byStationYear = layout({ stat: 'mean', column: 'PM2.5', by: ['station', 'year'] });
    expect(byStationYear.length).toBe(60);
    expect(byStationYear.groups[0]).toEqual(['Changping', '2013']);
    expect(byStationYear.groups[5]).toEqual(['Dingling', '2013']);
    expect(byStationYear.components).toEqual(['count', 'sum']);
    expect(byStationYear.scale).toEqual({ mid: 500, half: 500 });
    expect(layout({ stat: 'mean', column: 'PM2.5', by: ['season'] }).length).toBe(8);
    expect(layout({ stat: 'variance', column: 'TEMP' })).toMatchObject({ length: 3, groups: [[]] });
    expect(
      layout({ stat: 'quantile', column: 'PM2.5', by: ['season'], bins: 100, quantiles: [0.5] })
        .length,
    ).toBe(400);
  });

  it('equal-width bins span the declared bounds exactly', () => {
    const { edges } = layout({ stat: 'histogram', column: 'TEMP', bins: 9 });
    expect(edges).toHaveLength(10);
    expect(edges[0]).toBe(-40);
    expect(edges[9]).toBe(50);
  });

  it('bins are [e_i, e_i+1), the last closed; values beyond the edges go to the end bins', () => {
    const edges = [0, 10, 20, 30];
    expect([-5, 0, 9.99, 10, 19, 20, 29.9, 30, 99].map((x) => binOf(x, edges))).toEqual([
      0, 0, 0, 1, 1, 2, 2, 2, 2,
    ]);
    expect(binOf(7, [0, 100])).toBe(0);
  });
});

describe('histogram quantiles', () => {
  const edges = [0, 10, 20, 30, 40];
  it('interpolate inside the bin where the cumulative count reaches q·N', () => {
    const counts = [10, 0, 30, 60];
    expect(histogramQuantile(edges, counts, 0.05)).toBe(5);
    expect(histogramQuantile(edges, counts, 0.1)).toBe(10);
    expect(histogramQuantile(edges, counts, 0.25)).toBe(25);
    expect(histogramQuantile(edges, counts, 0.7)).toBe(35);
  });

  it('read negative noisy counts as 0, and have no quantile when empty', () => {
    expect(histogramQuantile(edges, [-3, 10, 0, 10], 0.5)).toBe(20);
    expect(histogramQuantile(edges, [0, -1, 0, 0], 0.5)).toBeNull();
  });
});
