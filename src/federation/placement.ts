/**
 * Where a training job's movable work runs. Once a job's participants are known, the hub asks
 * the planner to place the job's aggregation among the compute sites it knows, through the
 * Cedar packs (every owner of the work must be allowed at the site), and logs the answer as a
 * `job.placed` entry: chosen site, estimates, every excluded site with the deciding policy, the
 * planner's bound and gap. Training never moves: its data stays home. A failure is logged in
 * the entry; the job goes on. The placement is advice for now: the hub aggregates itself.
 */
import type { PolicyEngine } from '../policy/index.js';
import {
  ALLOWED,
  cedarPolicyGate,
  defaultLatencyMs,
  greatCircleKm,
  plan,
  type Network,
  type Objective,
  type Plan,
  type PolicyGate,
  type Site,
} from '../planner/index.js';
import type { Db } from '../store/index.js';
import { aggregationWorkload } from './aggregation-workload.js';
import { getCollaboration, listMembers, type Member } from './collab-records.js';
import type { ComputeSites } from './compute-sites.js';
import { institutionId } from './governance/governor.js';
import { DbTrustStore } from './governance/trust-records.js';
import type { HubContext } from './hub-context.js';
import type { JobRecord } from './job-records.js';
import type { LedgerEvent } from './record/entries.js';

export type JobPlaced = Extract<LedgerEvent, { type: 'job.placed' }>;

export interface PlacementSettings {
  /** The hub itself: where model updates arrive today. */
  hub: { name: string; jurisdiction: string };
  sites: ComputeSites;
  /** The policy packs in force for a collaboration. */
  engineFor(collab: string): PolicyEngine | Promise<PolicyEngine>;
  objective?: Objective;
  solver?: 'mip' | 'greedy';
  /** HiGHS's budget per placement; a one-workload plan needs milliseconds. */
  timeLimitSeconds?: number;
}

// Keyed by the hub's store: node start turns placement on for its hub without the job driver
// (or a bare Hub in unit tests, which places nothing) having to carry it.
const settingsByStore = new WeakMap<Db, PlacementSettings>();

export function enablePlacement(db: Db, settings: PlacementSettings): void {
  settingsByStore.set(db, settings);
}

export function placementSettings(db: Db): PlacementSettings | undefined {
  return settingsByStore.get(db);
}

/** Six significant digits: estimates, not measurements, and short log entries. */
const round = (x: number) => Number(x.toPrecision(6));

interface Owner {
  name: string;
  id: string;
  headquarters: string;
}

/** Allowed only where every owner of the work is; a refusal names the owner it was for. */
function everyOwnerGate(inner: PolicyGate, owners: readonly Owner[]): PolicyGate {
  return {
    name: inner.name,
    allowed(workload, site) {
      for (const owner of owners) {
        const decision = inner.allowed(
          { ...workload, owner: { id: owner.id, headquarters: owner.headquarters } },
          site,
        );
        if (!decision.allowed)
          return {
            ...decision,
            reason: `for ${owner.name} (${owner.headquarters}): ${decision.reason}`,
          };
      }
      return ALLOWED;
    },
  };
}

/** One way from the farthest participant the hub can locate (a site of the same name). */
function farthestLatencyMs(
  network: Network,
  located: ReadonlySet<string>,
  participants: readonly Member[],
  site: Site,
): number | null {
  let worst: number | null = null;
  for (const m of participants) {
    const at = network.sites[network.siteIndex.get(m.name) ?? -1];
    if (!at || !located.has(at.id) || !located.has(site.id)) continue;
    const ms =
      at.id === site.id
        ? 0
        : (at.links.get(site.id)?.latencyMs ??
          site.links.get(at.id)?.latencyMs ??
          defaultLatencyMs(greatCircleKm(at, site)));
    worst = Math.max(worst ?? 0, ms);
  }
  return worst === null ? null : round(worst);
}

function whyUnplaced(p: Plan): string {
  const reasons = p.unplaceable.flatMap((u) =>
    u.reasons.map(
      (r) =>
        `${r.pack ? `${r.pack}/${r.policyId}` : r.kind} at ${r.siteIds.join(', ')}: ${r.reason}`,
    ),
  );
  const noRoom = p.unplaced.map((u) => u.reason);
  return `no compute site can run the aggregation: ${[...reasons, ...noRoom].join('; ') || 'no candidate site'}`;
}

/**
 * The job's placement as log entries: one `job.placed`, or none when the hub has placement
 * off. Never throws: a failure becomes the entry's `error`.
 */
export async function placeJob(
  ctx: HubContext,
  job: JobRecord,
  participants: readonly string[],
  modelBytes: number,
): Promise<LedgerEvent[]> {
  const settings = settingsByStore.get(ctx.db);
  if (!settings) return [];
  const t0 = performance.now();
  const objective = settings.objective ?? 'balanced';
  const base = {
    type: 'job.placed' as const,
    collab: job.collabId,
    job: job.id,
    local: [...participants],
    objective,
    candidates: settings.sites.network.sites.map((s) => s.id),
  };
  try {
    const event = {
      ...base,
      ...(await placeAggregation(ctx.db, settings, job, participants, modelBytes)),
    };
    ctx.log.info(
      { job: job.id, site: event.aggregation?.site ?? null, ms: event.solver.ms },
      'job placed',
    );
    return [{ ...event, at: Date.now() }];
  } catch (e) {
    const error = e instanceof Error ? e.message : String(e);
    ctx.log.warn({ job: job.id, error }, 'placement failed; the job goes on');
    return [
      {
        ...base,
        aggregation: null,
        excluded: [],
        bound: { lp: null, gap: null },
        solver: {
          name: settings.solver ?? 'mip',
          status: 'failed',
          gate: '',
          ms: Math.round(performance.now() - t0),
        },
        error: `placement failed: ${error}`,
        at: Date.now(),
      },
    ];
  }
}

async function placeAggregation(
  db: Db,
  settings: PlacementSettings,
  job: JobRecord,
  participants: readonly string[],
  modelBytes: number,
): Promise<
  Omit<JobPlaced, 'type' | 'collab' | 'job' | 'local' | 'objective' | 'candidates' | 'at'>
> {
  const t0 = performance.now();
  const collab = job.collabId;
  const spec = await getCollaboration(db, collab);
  if (!spec) throw new Error(`no collaboration ${collab}`);
  const trustLevel = (await new DbTrustStore(db).load(collab))?.level ?? 1;
  const members = await listMembers(db, collab);
  const taking = members.filter((m) => participants.includes(m.keyId));
  if (taking.length !== participants.length) {
    throw new Error(`participants not among the members of ${collab}`);
  }
  const { network, located } = settings.sites;
  const workload = aggregationWorkload(
    {
      jobId: job.id,
      spec: job.spec,
      hub: settings.hub,
      origins: taking.map((m) => m.jurisdiction),
      participants: taking.length,
      modelBytes,
    },
    network,
  );
  // The work is done for the hub that runs it and for every participant that receives the
  // aggregate: each is an owner that export controls ask about.
  const owners = new Map<string, Owner>();
  for (const party of [settings.hub, ...taking]) {
    const id = institutionId(party.name);
    owners.set(id, { name: party.name, id, headquarters: party.jurisdiction });
  }
  const engine = await settings.engineFor(collab);
  const gate = everyOwnerGate(
    cedarPolicyGate(engine, { collaboration: { id: collab, domain: spec.domain, trustLevel } }),
    [...owners.values()],
  );
  const planned = await plan(network, [workload], {
    objective: settings.objective ?? 'balanced',
    solver: settings.solver ?? 'mip',
    gate,
    mip: { timeLimitSeconds: settings.timeLimitSeconds ?? 5 },
  });
  const chosen = planned.assignments[0];
  const site = chosen ? network.sites[network.siteIndex.get(chosen.siteId)!]! : undefined;
  return {
    aggregation:
      chosen && site
        ? {
            site: site.id,
            country: site.country,
            ...(located.has(site.id) ? { lat: site.lat, lon: site.lon } : {}),
            usd: round(chosen.computeUsd + chosen.egressUsd),
            kgCO2: round(chosen.kgCO2),
            energyKwh: round(chosen.energyKwh),
            latencyMs: farthestLatencyMs(network, located, taking, site),
          }
        : null,
    excluded: planned.exclusions.map((e) => ({
      site: e.siteId,
      pack: e.pack,
      policyId: e.policyId,
      reason: e.reason,
    })),
    bound: {
      lp: planned.bound.lp === null ? null : round(planned.bound.lp),
      gap: planned.bound.gap === null ? null : round(planned.bound.gap),
    },
    solver: {
      name: planned.solve.solver,
      status: planned.solve.status,
      gate: planned.gate,
      ms: Math.round(performance.now() - t0),
    },
    ...(chosen ? {} : { error: whyUnplaced(planned) }),
  };
}
