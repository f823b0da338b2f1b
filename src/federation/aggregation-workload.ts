/**
 * A training job's aggregation as a planner workload: the only part of the job that may move.
 * Training and evaluation run where the data is; what reaches the aggregation site is model
 * updates, which carry no personal information, so the workload says so (payload
 * `model-update`, not personal) and names every country the updates come from.
 */
import type { Network, Workload } from '../planner/index.js';
import type { TrainJobSpec } from './job-spec.js';

/** Assumed draw of the server that aggregates (a two-socket CPU server under light load). */
export const AGGREGATION_SERVER_WATTS = 300;

export interface AggregationFacts {
  jobId: string;
  spec: Pick<TrainJobSpec, 'rounds' | 'roundTimeoutMs'>;
  /** The hub that gathers the updates today: the data's starting point. */
  hub: { name: string; jurisdiction: string };
  /** Countries of the participating data sites, where the updates come from. */
  origins: string[];
  participants: number;
  /** Bytes of one model frame (an update is the same size). */
  modelBytes: number;
}

export function aggregationWorkload(facts: AggregationFacts, network: Network): Workload {
  const { spec, participants, modelBytes, hub } = facts;
  // Priced by the time a server is held: at most every round's timeout, since the aggregator
  // waits for the updates; the arithmetic of averaging is negligible next to it.
  const acceleratorHours = (spec.rounds * spec.roundTimeoutMs) / 3_600_000;
  // Each round every participant fetches the global model and sends its update.
  const sizeGb = (2 * participants * spec.rounds * modelBytes) / 1e9;
  // A compute site named as the hub is where the updates start from (egress priced there).
  const hubSite = network.sites[network.siteIndex.get(hub.name) ?? -1];
  return {
    id: `${facts.jobId}/aggregation`,
    kind: 'data-processing',
    owner: { headquarters: hub.jurisdiction },
    acceleratorHours,
    accelerators: 1,
    // The global model and one update per participant held at once.
    minMemoryGiB: ((participants + 1) * modelBytes) / 2 ** 30,
    minTpp: 0,
    powerWattsPerAccelerator: AGGREGATION_SERVER_WATTS,
    data: {
      ...(hubSite ? { site: hubSite.id } : {}),
      country: hubSite?.country ?? hub.jurisdiction,
      sizeGb,
      mayMoveTo: [],
      personal: false,
      payload: 'model-update',
      origins: [...new Set(facts.origins)].sort(),
    },
    releaseSlot: 0,
    deadlineSlot: network.horizon.slots - 1,
  };
}
