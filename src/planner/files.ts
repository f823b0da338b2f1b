/** The planner's file edge: reading sites, jobs and the shipped reference data. */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PlannerInputError } from './errors.js';
import { parseGridIntensity, type GridIntensityTable } from './grid-intensity.js';
import { parseJobs, parseNetwork } from './parse.js';
import type { Network } from './sites.js';
import type { Workload } from './workloads.js';

/** data/planner/ of this package, from source (tests, tsx) or compiled (dist/src/planner). */
export function plannerDataDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'converge') return join(dir, 'data', 'planner');
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the converge package root');
    dir = parent;
  }
}

export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new PlannerInputError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new PlannerInputError(`${path} is not valid JSON: ${(e as Error).message}`);
  }
}

let intensity2024: Promise<GridIntensityTable> | undefined;

/** The shipped Ember/co2.js 2024 table (data/planner/grid-intensity-2024.json). */
export function gridIntensity2024(): Promise<GridIntensityTable> {
  if (intensity2024 === undefined) {
    const path = join(plannerDataDir(), 'grid-intensity-2024.json');
    intensity2024 = readJson(path).then((raw) => parseGridIntensity(raw, path));
  }
  return intensity2024;
}

export async function readNetworkFile(
  path: string,
  intensity?: GridIntensityTable,
): Promise<Network> {
  return parseNetwork(await readJson(path), intensity ?? (await gridIntensity2024()), path);
}

export async function readJobsFile(path: string, network: Network): Promise<Workload[]> {
  return parseJobs(await readJson(path), network, path);
}
