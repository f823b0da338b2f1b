import { describe, expect, it } from 'vitest';
import { linear, niceDomain, ticks } from '../../src/dashboard/charts/scale.js';

describe("the charts' axes", () => {
  it('keeps a bound that is already on a tick (0.5 / 0.1 is 4.999…)', () => {
    expect(niceDomain(0.5, 1, 5)).toEqual([0.5, 1]);
    expect(niceDomain(0.41, 0.6, 5)).toEqual([0.4, 0.6]);
  });

  it('widens a single value, and places round ticks without drift', () => {
    expect(niceDomain(3, 3, 5)).toEqual([2.7, 3.3]);
    expect(ticks(0.4, 1, 5)).toEqual([0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(ticks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(ticks(1, 15, 7)).toEqual([2, 4, 6, 8, 10, 12, 14]);
  });

  it('maps data onto pixels, upside down for y', () => {
    const y = linear([0, 1], [200, 0]);
    expect([y(0), y(0.25), y(1)]).toEqual([200, 150, 0]);
    expect(linear([5, 5], [0, 100])(5)).toBe(50);
  });
});
