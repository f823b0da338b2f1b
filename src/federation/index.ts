export { Hub } from './hub.js';
export { Refusal } from './refusal.js';
export type { JobEvent } from './hub-context.js';
export { TrainJobSpec, LocalTraining } from './job-spec.js';
export { Task, Report, Evaluation } from './protocol.js';
export type { JobTask, JobReport } from './protocol.js';
export { SiteWorker } from './site-worker.js';
export { SecureSessions } from './secure-sessions.js';
export { SiteAnalytics, loadTables, type LoadedTable } from './site-analytics.js';
export { QueryRequest, MINIMUM_COHORT, type QueryView } from './query-driver.js';
export { SecureAggregationSpec } from './secure-aggregation-spec.js';
export { TaskRefused } from './site-worker.js';
export {
  BUDGET_FILE,
  BudgetExceeded,
  PrivacyBudgets,
  type BudgetStatus,
  type Charge,
} from './privacy-budgets.js';
export { DpSgdSpec, DpTask, PrivacyReport } from './privacy-spec.js';
export { planDpSgd, privateSgdFor, spentThrough, type DpPlan } from './dp-plan.js';
export { roundPrivacySpent, type RoundPrivacy } from './round-privacy.js';
export { TaskBoard } from './task-board.js';
export type { LoadedDataset } from './site-worker.js';
export { summarizeJob } from './job-summary.js';
export type { JobSummary, RoundSummary } from './job-summary.js';
export {
  CollaborationSpec,
  SafeZoneDomain,
  createCollaboration,
  addMember,
  listMembers,
  findMember,
  getCollaboration,
  listCollaborations,
} from './collab-records.js';
export type { Member } from './collab-records.js';
export { listJobs, getJob } from './job-records.js';
export type { JobRecord } from './job-records.js';

// The collaboration's record: transparency-log entries, the hub's logs and their publication,
// and the witness every data site runs.
export {
  ENTRY_VERSION,
  decodeEntry,
  encodeEntry,
  type LedgerEntry,
  type LedgerEvent,
  type MemberRecord,
} from './record/entries.js';
export { CollabLog, HubLedger, publishedSize } from './record/hub-ledger.js';
export {
  collabWitnessPolicy,
  logOrigin,
  logVkey,
  witnessKeyName,
  witnessVkey,
  type WitnessMember,
} from './record/keys.js';
export { sha256Json } from './record/hashing.js';
export {
  CheckpointPublisher,
  type PublishOutcome,
  type WitnessChannel,
  type WitnessReply,
} from './record/publisher.js';
export { Recorder, type LedgerStatus } from './record/recorder.js';
export { SiteWitness } from './record/site-witness.js';
export { verifyReceipt } from './record/receipts.js';

// Governance in the hub: decisions logged, trust levels raised by every member's signature.
export {
  Governor,
  institutionId,
  memberEntities,
  type DecisionOutcome,
  type GovernorOptions,
  type JobGate,
  type TrustView,
} from './governance/governor.js';
export type { JobGateInput } from './governance/job-gate.js';
export type {
  PackInForce,
  PackProposalView,
  PackSubmissionBody,
} from './governance/pack-changes.js';
export type { Violation, ViolationKind } from './governance/violations.js';
export { DbTrustStore } from './governance/trust-records.js';

// Where a job's movable work (its aggregation) runs: the hub asks the planner; see placement.ts.
export { hubComputeSite, readComputeSites, type ComputeSites } from './compute-sites.js';
export {
  enablePlacement,
  placementSettings,
  type JobPlaced,
  type PlacementSettings,
} from './placement.js';
