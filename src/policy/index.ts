/**
 * Policy: Cedar packs (consortium and jurisdictions), decisions with their explanation and
 * replay, trust levels, and governed pack changes. No I/O beyond reading policies/ (load.ts).
 */
export { PolicyEngine, type PolicyEngineOptions } from './engine.js';
export {
  defaultPolicyDir,
  loadPolicyEngine,
  readExampleRequests,
  readPackSource,
  readPolicyDir,
  SCHEMA_FILE,
} from './load.js';
export { PolicyError, type PolicyErrorCode } from './errors.js';
export {
  DEFAULT_DENY,
  type DecidingPolicy,
  type LoggedDecision,
  type NotApplied,
  type PackOutcome,
  type PolicyDecision,
} from './decision.js';
export {
  ACTIONS,
  NON_PERSONAL_PAYLOADS,
  PAYLOAD_KINDS,
  parsePolicyRequest,
  type PolicyAction,
  type PolicyRequest,
  type RequestContext,
  type RequestEntity,
} from './request.js';
export {
  compilePack,
  inForce,
  packHash,
  type PackCheck,
  type PackPolicy,
  type PackSource,
  type PolicyPack,
} from './pack.js';
export { DISCLAIMER, type PackMeta } from './pack-meta.js';
export { parseLoggedDecision, replayDecision, type ReplayResult } from './replay.js';
export {
  applyPackChange,
  diffPacks,
  PACK_CHANGE_PURPOSE,
  PACK_PROPOSE_PURPOSE,
  packProposalId,
  proposePackChange,
  summarizePackChange,
  type DiffEntry,
  type PackChangeOutcome,
  type PackChangeProposal,
  type PackChangeSummary,
  type PackDiff,
  type PackSubmission,
  type PackVersion,
} from './pack-change.js';
export { comparePacks, type PackComparison, type PolicyChange } from './pack-compare.js';
export {
  assessRecord,
  DEFAULT_TRUST_RULES,
  decideRaise,
  proposeRaise,
  raiseTrustContext,
  recordJob,
  recordViolation,
  startTrust,
  TRUST_PURPOSE,
  type CollaborationTrust,
  type JobRecord,
  type RaiseOutcome,
  type RecordAssessment,
  type TrustLevel,
  type TrustProposal,
  type TrustRules,
} from './trust.js';
export { MemoryTrustStore, updateTrust, type TrustStore } from './trust-store.js';
export {
  rawPublicKey,
  signVote,
  tallySignatures,
  type Member,
  type Signatures,
  type SignatureTally,
} from './signatures.js';
