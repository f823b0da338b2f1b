import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed } from '../../src/learning/index.js';

describe('SeededRandom', () => {
  it('replays the same stream for the same seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const draw = (r: SeededRandom) => Array.from({ length: 5 }, () => r.next());
    const first = draw(a);
    expect(draw(b)).toEqual(first);
    expect(draw(c)).not.toEqual(first);
    expect(first.every((u) => u >= 0 && u < 1)).toBe(true);
  });

  it('shuffles into a permutation', () => {
    const order = Array.from(new SeededRandom(7).permutation(100));
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('deriveSeed', () => {
  it('gives distinct, stable seeds per (base, round, site)', () => {
    const seeds = [1, 2, 3].flatMap((round) =>
      ['a', 'b'].map((site) => deriveSeed(0, 'round', round, site)),
    );
    expect(new Set(seeds).size).toBe(6);
    expect(deriveSeed(0, 'round', 1, 'a')).toBe(seeds[0]);
    expect(deriveSeed(1, 'round', 1, 'a')).not.toBe(seeds[0]);
  });
});
