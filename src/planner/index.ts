/**
 * Planner: where each workload runs and when, by cost, grid carbon and data transfer, within
 * every party's rules. See README.md in this folder for the model.
 */
export { builtinPolicyGate, COUNTRY_GROUP_D5, eccn3a090 } from './builtin-gate.js';
export { describeIssues, fieldPath, PlannerInputError } from './errors.js';
export { gridIntensity2024, plannerDataDir, readJobsFile, readNetworkFile } from './files.js';
export { parseGridIntensity, type GridIntensityTable } from './grid-intensity.js';
export { defaultLatencyMs, greatCircleKm } from './geo.js';
export {
  OBJECTIVES,
  objectiveWeights,
  type Objective,
  type ObjectiveWeights,
} from './objective.js';
export { parseJobs, parseNetwork } from './parse.js';
export type {
  Assignment,
  Plan,
  PolicyExclusion,
  SiteLoad,
  SolveReport,
  UnplaceableWorkload,
} from './plan.js';
export { PlanJson, planToJson } from './plan-json.js';
export { PlanCommandJson } from './plan-command-json.js';
export {
  exclusionsByPolicy,
  exclusionSummary,
  formatPlanTable,
  type ExclusionGroup,
} from './plan-table.js';
export { plan, type PlanOptions } from './planner.js';
export { ALLOWED, type GateDecision, type PolicyGate, type Refusal } from './policy-gate.js';
export { PlannerSolveError, type MipOptions } from './relaxation.js';
export {
  runAtDataGate,
  runScenario,
  SCENARIOS,
  type ScenarioName,
  type ScenarioResult,
} from './scenario.js';
export { formatScenarioReport } from './scenario-report.js';
export { NetworkFile, type Network, type Site } from './sites.js';
export { syntheticInstance, type SyntheticSpec } from './synthetic.js';
export { JobsFile, PayloadKind, type Workload, type WorkloadKind } from './workloads.js';
export { cedarPolicyGate, type CedarGateOptions } from './cedar-gate.js';
