// The JSON the hub serves to members (src/node/dashboard-overview.ts, src/federation/job-summary.ts),
// as the browser sees it.

export interface Evaluation {
  loss: number;
  accuracy: number;
  correct: number;
  n: number;
}

export interface RoundSummary {
  round: number;
  status: string;
  startedAt: number;
  completedAt: number | null;
  participants: string[];
  dropped: string[];
  globalModelSha256: string | null;
  trainLoss: number | null;
  trainMs: Record<string, number>;
  updateBytes: Record<string, number>;
  metrics: {
    pooledAccuracy: number;
    pooledLoss: number;
    perSite: Record<string, Evaluation>;
  } | null;
  /** DP jobs: ε spent through this round, the largest over sites and each site's. */
  privacySpent?: {
    epsilon: number;
    delta: number;
    perSite: { site: string; epsilon: number }[];
  } | null;
}

export interface JobSummary {
  id: string;
  collab: string;
  status: 'running' | 'finished' | 'failed';
  phase: string;
  error: string | null;
  spec: { rounds: number; strategy: { name: string }; model: { kind: string } };
  participants: string[];
  rounds: RoundSummary[];
  baselines: Record<string, Evaluation & { trainMs: number }>;
  evaluation: Record<string, Record<string, Evaluation>>;
}

export interface Member {
  name: string;
  institution: string;
  jurisdiction: string;
  roles: string[];
  keyId: string;
}

export interface JobListing {
  id: string;
  status: string;
  phase: string;
  rounds: number;
  strategy: string;
  createdAt: number;
  updatedAt: number;
}

export interface CollaborationOverview {
  id: string;
  domain: string;
  title: string;
  trustLevel: number | null;
  members: Member[];
  jobs: JobListing[];
}

export interface HubOverview {
  node: string;
  keyId: string;
  collaborations: CollaborationOverview[];
}

/** GET /log/:collab/status (public). */
export interface LedgerStatus {
  origin: string;
  size: number;
  publishedSize: number;
  checkpoint: string | null;
  cosigners: string[];
  policy: string;
}

export interface Refusal {
  id: number;
  at: number;
  sender: string | null;
  collab: string | null;
  route: string;
  status: number;
  reason: string;
}

/** GET /v1/collabs/:collab/trust/state (member token). */
export interface TrustView {
  level: number;
  members: string[];
  history: { at: string | number; from: number; to: number; why: string }[];
  proposal: { from: number; to: number; epoch: number; proposer: string; createdAt: string } | null;
  signed: string[];
  missing: string[];
}

/** A `job.placed` ledger entry: where the planner put a job's aggregation (src/federation/placement.ts). */
export interface JobPlacement {
  index: number;
  collab: string;
  job: string;
  local: string[];
  objective: string;
  candidates: string[];
  aggregation: {
    site: string;
    country: string;
    lat?: number;
    lon?: number;
    usd: number;
    kgCO2: number;
    energyKwh: number;
    latencyMs: number | null;
  } | null;
  excluded: { site: string; pack: string; policyId: string; reason: string }[];
  bound: { lp: number | null; gap: number | null };
  solver: { name: string; status: string; gate: string; ms: number };
  error?: string;
  at: number;
}

/** GET /v1/collabs/:collab/placements (member token; src/node/placement-listing.ts). */
export interface PlacementListing {
  collab: string;
  source: string | null;
  sites: { id: string; name: string; country: string; lat?: number; lon?: number }[];
  placements: JobPlacement[];
}

/** GET /v1/planner/scenario?objective= (member token; src/node/scenario-plans.ts). */
export interface ScenarioPlan {
  scenario: string;
  objective: 'cost' | 'carbon' | 'balanced';
  gate: string;
  plannedAt: number;
  wallMs: number;
  solve: { solver: string; status: string; model?: string; ms: number };
  totals: {
    workloads: number;
    placed: number;
    acceleratorHours: number;
    usd: number;
    egressUsd: number;
    kgCO2: number;
    objective: number;
  };
  bound: { lp: number | null; gap: number | null };
  sites: {
    siteId: string;
    name: string;
    country: string;
    hub?: string;
    lat: number;
    lon: number;
    workloads: number;
    acceleratorHours: number;
    usd: number;
    kgCO2: number;
    utilisation: number;
  }[];
  exclusions: {
    pack: string;
    policyId: string;
    reason: string;
    pairs: number;
    sites: number;
    workloads: number;
  }[];
  unplaceable: {
    workloadId: string;
    reasons: { kind: string; pack?: string; policyId?: string; reason: string; sites: number }[];
  }[];
  flows: { from: string; to: string; workloads: number; acceleratorHours: number }[];
  comparison: {
    planned: { workloads: number; usd: number; kgCO2: number };
    runAtData: { workloads: number; usd: number; kgCO2: number };
    savedUsd: number;
    savedKgCO2: number;
    savedUsdShare: number;
    savedKgCO2Share: number;
  };
  keptHome: { workloads: number; share: number };
}

/** One cell of an analytics answer, as `query.finished` logs it (src/analytics/answer.ts). */
export interface GroupAnswer {
  /** The group's category per `by` column; {} without `by`. */
  group: Record<string, string>;
  label: string;
  /** Why the cell is withheld, or null. A suppressed cell publishes nothing else. */
  suppressed: string | null;
  /** Records in the group (noisy under DP); null when suppressed. */
  count: number | null;
  /** The count, sum, mean or variance; null for histograms and quantiles, or when suppressed. */
  value: number | null;
  /** Standard deviation of `value` due to the DP noise; null if none. */
  noiseStd: number | null;
  histogram: { edges: number[]; counts: number[] } | null;
  quantiles: { q: number; value: number | null }[] | null;
}

/** GET /v1/collabs/:collab/policy/packs (src/federation/governance/pack-changes.ts). */
export interface PackInForce {
  pack: string;
  version: string;
  hash: string;
  /** Voted into force by the members (else the hub's own version from policies/). */
  voted: boolean;
}

/** A pack's .meta.json (src/policy/pack-meta.ts), as far as the page reads it. */
export interface PackMeta {
  pack: string;
  version: string;
  title: string;
  disclaimer: string;
  scope: { kind: 'consortium' } | { kind: 'jurisdiction'; countries: string[] };
  sources: Record<string, { title: string; citation: string; url?: string }>;
  policies: Record<
    string,
    { effective: string; retired?: string; retiredBy?: string; sources: string[]; note?: string }
  >;
}

/** One element of GET /v1/collabs/:collab/policy/proposals. */
export interface PackProposalView {
  id: string;
  proposal: {
    collaboration: string;
    pack: string;
    fromHash: string | null;
    toHash: string;
    createdAt: string;
  };
  proposer: string;
  status: 'open' | 'applied' | 'stale' | 'refused';
  summary: {
    pack: string;
    status: 'changed' | 'added';
    from?: { version: string; hash: string };
    to: { version: string; hash: string };
    metadata: string[];
    policies: { policyId: string; change: 'added' | 'removed' | 'changed'; fields: string[] }[];
    samples?: {
      newlyAllowed: unknown[];
      newlyDenied: unknown[];
      newReason: unknown[];
      unchanged: number;
    };
  };
  source: { cedar: string; meta: unknown };
  signed: string[];
  missing: string[];
}

/** GET /v1/collabs/:collab/policy/versions (member token; src/node/dashboard-overview.ts). */
export interface PackVersionsView {
  collab: string;
  /** The metadata of the hub's own versions and of those voted in, by hash. */
  versions: { pack: string; hash: string; shipped: boolean; since: number | null; meta: unknown }[];
  /** The log's policy.changed entries, oldest first. */
  changes: {
    index: number;
    proposal: string;
    pack: string;
    fromHash: string | null;
    toHash: string;
    version: string;
    at: number;
  }[];
}
