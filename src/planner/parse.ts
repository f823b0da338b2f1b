/** Raw JSON (already read) → resolved network and workloads; every error names its field. */
import { describeIssues, PlannerInputError } from './errors.js';
import type { GridIntensityTable } from './grid-intensity.js';
import { NetworkFile, resolveNetwork, type Network } from './sites.js';
import { JobsFile, resolveWorkloads, type Workload } from './workloads.js';

export function parseNetwork(
  raw: unknown,
  intensity: GridIntensityTable,
  file = 'sites file',
): Network {
  const parsed = NetworkFile.safeParse(raw);
  if (!parsed.success) throw new PlannerInputError(`${file}: ${describeIssues(parsed.error)}`);
  try {
    return resolveNetwork(parsed.data, intensity);
  } catch (e) {
    if (e instanceof PlannerInputError) throw new PlannerInputError(`${file}: ${e.message}`);
    throw e;
  }
}

export function parseJobs(raw: unknown, network: Network, file = 'jobs file'): Workload[] {
  const parsed = JobsFile.safeParse(raw);
  if (!parsed.success) throw new PlannerInputError(`${file}: ${describeIssues(parsed.error)}`);
  try {
    return resolveWorkloads(parsed.data, network);
  } catch (e) {
    if (e instanceof PlannerInputError) throw new PlannerInputError(`${file}: ${e.message}`);
    throw e;
  }
}
