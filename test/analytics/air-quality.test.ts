/** The station loader: every row kept, "NA" cells null and counted per column, derived columns. */
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../../src/learning/index.js';
import {
  AIR_QUALITY_HEADER,
  REFERENCE_LABEL,
  exactReference,
  exactReferenceFromFiles,
  parseAirQualityStation,
  seasonOf,
} from '../../src/analytics/index.js';
import { COLUMNS, loadStations, stationPath } from './support/stations.js';

// From data/beijing-multisite-air-quality/SOURCE.md: PM2.5 NA and all NA cells per station.
const SOURCE_TABLE: Record<string, [number, number]> = {
  Dongsi: [750, 7600],
  Tiantan: [677, 5277],
  Guanyuan: [616, 5279],
  Changping: [774, 5166],
  Huairou: [953, 7485],
  Dingling: [779, 7015],
};

const HEADER = AIR_QUALITY_HEADER.map((h) => `"${h}"`).join(',');
const line = (fields: Partial<Record<string, string>>, base = 0) => {
  const defaults: Record<string, string> = {
    No: String(base + 1),
    year: '2014',
    month: '12',
    day: '1',
    hour: '0',
    'PM2.5': '9',
    PM10: '9',
    SO2: '3',
    NO2: '17',
    CO: '300',
    O3: '89',
    TEMP: '-0.5',
    PRES: '1024.5',
    DEWP: '-21.4',
    RAIN: '0',
    wd: '"NNW"',
    WSPM: '5.7',
    station: '"Dongsi"',
  };
  return AIR_QUALITY_HEADER.map((h) => fields[h] ?? defaults[h]).join(',');
};
const file = (...lines: string[]) => [HEADER, ...lines].join('\r\n') + '\r\n';

describe('air-quality loader', () => {
  it('reads all six stations: 35064 rows each, missing cells as in SOURCE.md', async () => {
    for (const s of await loadStations()) {
      expect(s.rows).toHaveLength(35_064);
      const [pm25, all] = SOURCE_TABLE[s.station]!;
      expect(s.missing['PM2.5']).toBe(pm25);
      expect(Object.values(s.missing).reduce((a, b) => a + b, 0)).toBe(all);
      expect(s.rows.filter((r) => r['PM2.5'] === null)).toHaveLength(pm25);
      expect(new Set(s.rows.map((r) => r.station))).toEqual(new Set([s.station]));
    }
  });

  it('derives season from the month (DJF winter, December in its own year) and keeps year', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map(seasonOf)).toEqual([
      'winter',
      'winter',
      'spring',
      'spring',
      'spring',
      'summer',
      'summer',
      'summer',
      'autumn',
      'autumn',
      'autumn',
      'winter',
    ]);
    const { rows } = parseAirQualityStation(file(line({ month: '12' })), 'x.csv');
    expect(rows[0]).toMatchObject({
      year: '2014',
      month: '12',
      season: 'winter',
      station: 'Dongsi',
      wd: 'NNW',
    });
    expect(() => seasonOf(13)).toThrow(/month must be a whole number in 1..12 \(got 13\)/);
  });

  it('the exact reference from the raw files is labelled, and matches the loaded rows', async () => {
    const query = { stat: 'mean', column: 'PM2.5', by: ['year'] };
    const fromFile = await exactReferenceFromFiles([stationPath('Dongsi')], query, COLUMNS);
    const dongsi = (await loadStations()).find((s) => s.station === 'Dongsi')!;
    expect(fromFile.label).toBe(REFERENCE_LABEL);
    expect(fromFile.table.title).toContain('exact reference');
    expect(fromFile.groups).toEqual(exactReference([dongsi.rows], query, COLUMNS).groups);
    expect(fromFile.groups.map((g) => g.count)).toEqual([7201, 8663, 8633, 8431, 1386]);
  });

  it('a missing value nulls that column only', () => {
    const data = parseAirQualityStation(
      file(line({ 'PM2.5': 'NA', wd: 'NA' }), line({}, 1)),
      'x.csv',
    );
    expect(data.rows).toHaveLength(2);
    expect(data.rows[0]).toMatchObject({ 'PM2.5': null, wd: null, PM10: 9 });
    expect(data.missing).toEqual({ 'PM2.5': 1, wd: 1 });
  });

  it.each([
    ['a wrong header', `"No","year"\r\n`, /x.csv:1: header is No,year; expected No,year,month/],
    ['an empty file', '', /x.csv: the file is empty/],
    ['no data rows', HEADER + '\r\n', /x.csv: the file has no data rows/],
    ['a short row', file('1,2014,3'), /x.csv:2: 3 fields; expected 18/],
    [
      'a non-number',
      file(line({ TEMP: 'warm' })),
      /x.csv:2:\d+ \(column 'TEMP'\): 'warm' is not a number/,
    ],
    ['a missing hour', file(line({ hour: 'NA' })), /x.csv:2:\d+ \(column 'hour'\): is missing/],
    [
      'a bad month',
      file(line({ month: '13' })),
      /x.csv:2:\d+ \(column 'month'\): '13' is not a month/,
    ],
    ['a bad year', file(line({ year: '14' })), /x.csv:2:\d+ \(column 'year'\): '14' is not a year/],
    [
      'two stations in one file',
      file(line({}), line({ station: '"Tiantan"' }, 1)),
      /x.csv:3:\d+ \(column 'station'\): 'Tiantan' differs from the file's station 'Dongsi'/,
    ],
  ])('refuses %s', (_, text, message) => {
    expect(() => parseAirQualityStation(text, 'x.csv')).toThrow(DatasetError);
    expect(() => parseAirQualityStation(text, 'x.csv')).toThrow(message);
  });
});
