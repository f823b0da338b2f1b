import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnalyticsDeclaration } from '../../analytics/index.js';
import type { AnalyticsColumns, AnalyticsTable } from '../../analytics/index.js';
import { packageRoot } from '../../node/index.js';
import type { LocalNetworkSpec } from '../../node/index.js';

/** The six stations of data/beijing-multisite-air-quality (see its SOURCE.md). */
export const AIR_STATIONS = [
  'Changping',
  'Dingling',
  'Dongsi',
  'Guanyuan',
  'Huairou',
  'Tiantan',
] as const;

export const AIR_TABLE = 'air';

/**
 * What each station's owner lets analytics spend on its table, over every query it ever answers.
 * A record is one station-hour (not a person); ε = 10 at δ = 1e-5 pays for the demo's two
 * ε = 1 queries many times over (Gaussian releases compose under RDP), and still caps the total.
 */
export const AIR_BUDGET = { epsilon: 10, delta: 1e-5 } as const;

function dataDir(root: string): string {
  return join(root, 'data', 'beijing-multisite-air-quality');
}

export function stationFile(station: string, root = packageRoot()): string {
  return join(dataDir(root), `PRSA_Data_${station}_20130301-20170228.csv`);
}

/** The public bounds and categories every station declares (the dataset's analytics.json). */
export function airColumns(root = packageRoot()): AnalyticsColumns {
  const text = readFileSync(join(dataDir(root), 'analytics.json'), 'utf8');
  return parseAnalyticsDeclaration(JSON.parse(text)).columns;
}

export function airTable(station: string, root = packageRoot()): AnalyticsTable {
  return {
    id: AIR_TABLE,
    path: stationFile(station, root),
    format: 'prsa-air-quality',
    columns: airColumns(root),
    privacyBudget: { ...AIR_BUDGET },
  };
}

/**
 * Environmental protection: the six Beijing monitoring stations offer their hourly readings
 * to analytics only (trust level 1: DP statistics, no training). The hub runs in China, at
 * Peking University's Center for Statistical Science (the dataset's creators), so the only
 * thing that crosses the border is a published DP answer, to the Korean partner.
 */
export function airQualityNetwork(): LocalNetworkSpec {
  const root = packageRoot();
  return {
    hub: {
      name: 'air-hub',
      institution: 'Peking University, Center for Statistical Science',
      jurisdiction: 'CN',
    },
    // SOURCE.md: the pollutant readings come from the Beijing Municipal Environmental
    // Monitoring Center, which runs every station.
    sites: AIR_STATIONS.map((station) => ({
      name: station.toLowerCase(),
      institution: `Beijing Municipal Environmental Monitoring Center, ${station} station`,
      jurisdiction: 'CN',
      datasets: [],
      tables: [airTable(station, root)],
    })),
    // Transboundary air pollution is studied jointly (the China-Japan-Korea LTP project): a
    // partner across the border that asks and votes, with no station of its own.
    members: [
      {
        name: 'nier',
        institution: 'National Institute of Environmental Research, Incheon',
        jurisdiction: 'KR',
      },
    ],
    collab: {
      id: 'beijing-air',
      domain: 'environmental-protection',
      title: 'Beijing multi-site air quality, six monitoring stations',
    },
  };
}
