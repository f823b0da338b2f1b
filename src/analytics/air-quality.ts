/**
 * One station's file of the Beijing Multi-Site Air-Quality data (data/beijing-multisite-air-quality,
 * see SOURCE.md there) as analytics rows. "NA" marks a missing value: the row is kept and that
 * column alone is null, so it drops out of queries on that column only; every such cell is
 * counted per column.
 *
 * Categories: `year` ('2013' … '2017') and `month` ('1' … '12') as in the file; `season`
 * from the month alone, by the meteorological convention — winter Dec, Jan, Feb; spring Mar–May; summer Jun–Aug; autumn
 * Sep–Nov — so a December hour is winter of its own calendar year (it is not moved to the next
 * year's winter: `year` and `season` stay independent columns, and every season is whole
 * months); and `station`, the file's station name, which must be the same on every row.
 */
import { readFile } from 'node:fs/promises';
import { DatasetError } from '../learning/index.js';
import { parseCsv } from '../learning/csv.js';
import type { AnalyticsRow, AnalyticsValue } from './row.js';

export const AIR_QUALITY_HEADER = [
  'No',
  'year',
  'month',
  'day',
  'hour',
  'PM2.5',
  'PM10',
  'SO2',
  'NO2',
  'CO',
  'O3',
  'TEMP',
  'PRES',
  'DEWP',
  'RAIN',
  'wd',
  'WSPM',
  'station',
] as const;

/** Columns read as numbers; `wd` is a category; No is dropped; year, month, season, station are categories. */
const NOT_NUMERIC: ReadonlySet<string> = new Set(['No', 'year', 'month', 'wd', 'station']);
const NUMERIC: readonly string[] = AIR_QUALITY_HEADER.filter((column) => !NOT_NUMERIC.has(column));
/** A row without these cannot be placed in time: an error, not a missing value. */
const REQUIRED = new Set(['year', 'month', 'day', 'hour', 'station']);
const MISSING = 'NA';

export type Season = 'winter' | 'spring' | 'summer' | 'autumn';
export const SEASONS: readonly Season[] = ['winter', 'spring', 'summer', 'autumn'];

/** Meteorological seasons: Dec–Feb winter, Mar–May spring, Jun–Aug summer, Sep–Nov autumn. */
export function seasonOf(month: number): Season {
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`month must be a whole number in 1..12 (got ${month})`);
  }
  return SEASONS[Math.floor((month % 12) / 3)]!;
}

export interface StationData {
  station: string;
  file: string;
  rows: AnalyticsRow[];
  /** Cells that held "NA", per column; the row stays, that column is null. */
  missing: Record<string, number>;
}

export async function loadAirQualityStation(path: string): Promise<StationData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new DatasetError({ file: path }, `cannot read: ${(e as Error).message}`);
  }
  return parseAirQualityStation(text, path);
}

export function parseAirQualityStation(text: string, file: string): StationData {
  const [header, ...records] = parseCsv(text, file);
  if (header === undefined) throw new DatasetError({ file }, 'the file is empty');
  const expected = AIR_QUALITY_HEADER.join(',');
  if (header.fields.join(',') !== expected) {
    throw new DatasetError(
      { file, line: header.line },
      `header is ${header.fields.join(',')}; expected ${expected}`,
    );
  }
  const missing: Record<string, number> = {};
  let station: string | null = null;
  const rows = records.map((record) => {
    if (record.fields.length !== AIR_QUALITY_HEADER.length) {
      throw new DatasetError(
        { file, line: record.line },
        `${record.fields.length} fields; expected ${AIR_QUALITY_HEADER.length}`,
      );
    }
    const at = (name: string): { text: string; column: number } => {
      const i = AIR_QUALITY_HEADER.indexOf(name as (typeof AIR_QUALITY_HEADER)[number]);
      return { text: record.fields[i]!, column: record.starts[i]! };
    };
    const row: Record<string, AnalyticsValue> = {};
    for (const name of [...NUMERIC, 'wd']) {
      const { text: value, column } = at(name);
      if (value === MISSING) {
        if (REQUIRED.has(name))
          throw new DatasetError({ file, line: record.line, column, field: name }, 'is missing');
        missing[name] = (missing[name] ?? 0) + 1;
        row[name] = null;
      } else if (name === 'wd') {
        row[name] = value;
      } else {
        const x = Number(value);
        if (value === '' || !Number.isFinite(x)) {
          throw new DatasetError(
            { file, line: record.line, column, field: name },
            `'${value}' is not a number`,
          );
        }
        row[name] = x;
      }
    }
    const year = at('year');
    if (!/^\d{4}$/.test(year.text)) {
      throw new DatasetError(
        { file, line: record.line, column: year.column, field: 'year' },
        `'${year.text}' is not a year`,
      );
    }
    const monthField = at('month');
    const month = Number(monthField.text);
    if (!/^\d{1,2}$/.test(monthField.text) || month < 1 || month > 12) {
      throw new DatasetError(
        { file, line: record.line, column: monthField.column, field: 'month' },
        `'${monthField.text}' is not a month (1..12)`,
      );
    }
    const name = at('station');
    const where = { file, line: record.line, column: name.column, field: 'station' };
    if (name.text === '' || name.text === MISSING) throw new DatasetError(where, 'is missing');
    station ??= name.text;
    if (name.text !== station) {
      throw new DatasetError(where, `'${name.text}' differs from the file's station '${station}'`);
    }
    row.year = year.text;
    row.month = String(month);
    row.season = seasonOf(month);
    row.station = name.text;
    return row;
  });
  if (station === null) throw new DatasetError({ file }, 'the file has no data rows');
  return { station, file, rows, missing };
}
