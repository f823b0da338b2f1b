import { describe, expect, it } from 'vitest';
import { erfc, logErfc } from '../../src/privacy/index.js';
import { logAdd, logSub } from '../../src/privacy/dp/log-math.js';

/** log erfc(x) from the continued fraction (Lentz), an independent check for x ≥ 3. */
function logErfcContinuedFraction(x: number): number {
  // erfc(x) = e^{−x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …))))
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 5000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + a / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return -x * x - 0.5 * Math.log(Math.PI) - Math.log(f);
}

describe('erfc', () => {
  // Reference values: 30-digit erfc (mpmath), rounded to the nearest double.
  it.each([
    [0, 1],
    [0.1, 0.887537083981715],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [-1, 1.8427007929497148],
    [2, 0.004677734981047266],
    [3, 2.209049699858544e-5],
    [5, 1.537459794428035e-12],
    [10, 2.088487583762545e-45],
    [20, 5.395865611607901e-176],
    [26, 5.663192408856143e-296],
  ])('erfc(%d) within 4 ulp of the 30-digit value', (x, expected) => {
    expect(Math.abs(erfc(x) - expected) / expected).toBeLessThan(4 * Number.EPSILON);
  });

  it('reaches its limits', () => {
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(-30)).toBe(2);
    expect(Number.isNaN(erfc(NaN))).toBe(true);
  });
});

describe('logErfc', () => {
  it('equals log(erfc) where erfc is representable', () => {
    for (const x of [-3, -0.5, 0, 0.3, 0.9, 1.2, 2, 4, 9, 20, 26]) {
      expect(logErfc(x)).toBeCloseTo(Math.log(erfc(x)), 12);
    }
  });

  it('matches the continued fraction from 3 to 1000, far past erfc’s underflow', () => {
    for (const x of [3, 5, 8, 13, 21, 27.9, 28, 28.1, 35, 60, 100, 1000]) {
      const reference = logErfcContinuedFraction(x);
      expect(Math.abs(logErfc(x) - reference) / Math.abs(reference)).toBeLessThan(1e-14);
    }
  });

  it('is continuous where it switches to the asymptotic series', () => {
    const below = logErfc(28 - 1e-9);
    const at = logErfc(28);
    expect(Math.abs(below - at)).toBeLessThan(1e-6);
  });
});

describe('log-space arithmetic', () => {
  it('adds and subtracts exponentials', () => {
    expect(logAdd(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 15);
    expect(logSub(Math.log(5), Math.log(3))).toBeCloseTo(Math.log(2), 15);
    expect(logAdd(-Infinity, 1.5)).toBe(1.5);
    expect(logSub(1.5, -Infinity)).toBe(1.5);
    expect(logSub(800, 1)).toBe(800);
  });

  it('gives −∞ for equal inputs and refuses a negative difference', () => {
    expect(logSub(2, 2)).toBe(-Infinity);
    expect(() => logSub(1, 2)).toThrow(/went negative/);
  });
});
