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
