/**
 * Strict number options for commander: a flag's value must be a plain decimal number inside the
 * flag's range. `Number()` alone would take '' as 0, '0x10' as 16 and 'Infinity' as a number.
 */

/** A range a flag's number must lie in, and how to say it in an error. */
export interface NumberRange {
  describe: string;
  accepts: (x: number) => boolean;
}

export const RANGES = {
  /** A sampling rate: (0, 1]. */
  rate: { describe: 'a number in (0, 1]', accepts: (x) => x > 0 && x <= 1 },
  /** δ: (0, 1). */
  openUnit: { describe: 'a number in (0, 1)', accepts: (x) => x > 0 && x < 1 },
  positive: { describe: 'a number > 0', accepts: (x) => x > 0 },
  wholeNumber: {
    describe: 'a whole number ≥ 0',
    accepts: (x) => Number.isSafeInteger(x) && x >= 0,
  },
  positiveInteger: {
    describe: 'a whole number ≥ 1',
    accepts: (x) => Number.isSafeInteger(x) && x >= 1,
  },
} satisfies Record<string, NumberRange>;

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** `flag`'s value as a number in `range`, or an error such as "--steps: expected a whole number ≥ 1, got '1.5'". */
export function parseNumberFlag(flag: string, raw: string, range: NumberRange): number {
  const value = DECIMAL.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isFinite(value) || !range.accepts(value)) {
    throw new Error(`${flag}: expected ${range.describe}, got '${raw}'`);
  }
  return value;
}

/** A commander argument parser for `flag` (commander hands it the raw string). */
export function numberFlag(flag: string, range: NumberRange): (raw: string) => number {
  return (raw) => parseNumberFlag(flag, raw, range);
}
