/** The six Beijing stations and their analytics declaration, loaded once per test file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadAirQualityStation,
  parseAnalyticsDeclaration,
  type AnalyticsColumns,
  type StationData,
} from '../../../src/analytics/index.js';

export const DATA_DIR = join(import.meta.dirname, '../../../data/beijing-multisite-air-quality');
export const STATION_NAMES = ['Changping', 'Dingling', 'Dongsi', 'Guanyuan', 'Huairou', 'Tiantan'];

export function stationPath(name: string): string {
  return join(DATA_DIR, `PRSA_Data_${name}_20130301-20170228.csv`);
}

export const COLUMNS: AnalyticsColumns = parseAnalyticsDeclaration(
  JSON.parse(readFileSync(join(DATA_DIR, 'analytics.json'), 'utf8')),
).columns;

let loaded: Promise<StationData[]> | undefined;
export function loadStations(): Promise<StationData[]> {
  loaded ??= Promise.all(STATION_NAMES.map((n) => loadAirQualityStation(stationPath(n))));
  return loaded;
}

export const OPEN_POLICY = { minimumCohort: 10, differentialPrivacy: false };
export const DP_POLICY = { minimumCohort: 10, differentialPrivacy: true };
