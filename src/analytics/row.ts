/**
 * One record at a data site, as analytics reads it: column → number (numeric column), string
 * (category), or null (missing). Rows never leave their site; only contributions do.
 */
import { AnalyticsError } from './errors.js';

export type AnalyticsValue = number | string | null;
export type AnalyticsRow = Readonly<Record<string, AnalyticsValue>>;

/** The row's value of a numeric column: a finite number, or null if missing. */
export function numberAt(row: AnalyticsRow, column: string, index: number): number | null {
  const value = valueAt(row, column, index);
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AnalyticsError(
      `row ${index}: column '${column}' is ${describe(value)}, not a finite number`,
    );
  }
  return value;
}

/** The row's value of a categorical column: a string, or null if missing. */
export function categoryAt(row: AnalyticsRow, column: string, index: number): string | null {
  const value = valueAt(row, column, index);
  if (value === null) return null;
  if (typeof value !== 'string') {
    throw new AnalyticsError(
      `row ${index}: column '${column}' is ${describe(value)}, not a category (a string)`,
    );
  }
  return value;
}

function valueAt(row: AnalyticsRow, column: string, index: number): AnalyticsValue {
  if (!Object.hasOwn(row, column)) {
    throw new AnalyticsError(
      `row ${index} has no column '${column}' (missing values must be null)`,
    );
  }
  return row[column] as AnalyticsValue;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
