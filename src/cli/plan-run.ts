/**
 * What `converge plan` does, apart from flags and printing: plan a shipped scenario (with its
 * run-at-data baseline) or the user's own sites and workloads files, telling progress by phase.
 */
import { loadPolicyEngine } from '../policy/index.js';
import {
  builtinPolicyGate,
  cedarPolicyGate,
  plan,
  readJobsFile,
  readNetworkFile,
  runScenario,
  type Objective,
  type Plan,
  type ScenarioName,
  type ScenarioResult,
} from '../planner/index.js';

export type PlanSource = { scenario: ScenarioName } | { sites: string; workloads: string };

export interface PlanRequest {
  source: PlanSource;
  objective: Objective;
  solver: 'mip' | 'greedy';
  /** The policy gate: the Cedar packs in policies/ (default) or the built-in simplified rules. */
  gate?: 'cedar' | 'builtin';
  /** HiGHS's budget for the LP bound and the MIP together, per plan. */
  timeLimitSeconds: number;
  /** One line per phase; the CLI sends them to stderr. */
  progress?: (line: string) => void;
}

export type PlanOutcome =
  | { kind: 'scenario'; request: PlanRequest; result: ScenarioResult }
  | { kind: 'files'; request: PlanRequest; plan: Plan };

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function how(r: PlanRequest): string {
  const solve =
    r.solver === 'mip'
      ? `greedy, LP bound, then the MIP (time limit ${r.timeLimitSeconds} s)`
      : `greedy, then the LP bound (time limit ${r.timeLimitSeconds} s)`;
  return `objective ${r.objective}; ${solve}; policy gate ${r.gate ?? 'cedar'}`;
}

export async function runPlan(request: PlanRequest): Promise<PlanOutcome> {
  const say = request.progress ?? (() => undefined);
  const gate = request.gate === 'builtin' ? builtinPolicyGate : cedarPolicyGate(loadPolicyEngine());
  const options = {
    objective: request.objective,
    solver: request.solver,
    mip: { timeLimitSeconds: request.timeLimitSeconds },
    gate,
  };
  const t0 = performance.now();
  const { source } = request;
  if ('scenario' in source) {
    // HiGHS blocks the event loop, so progress is told between phases, not during a solve.
    say(`planning scenario ${source.scenario} and its run-at-data baseline: ${how(request)}…`);
    const result = await runScenario(request.objective, { ...options, scenario: source.scenario });
    say(`planned in ${seconds(performance.now() - t0)} (${result.plan.solve.status})`);
    return { kind: 'scenario', request, result };
  }
  say(`reading ${source.sites} and ${source.workloads}`);
  const network = await readNetworkFile(source.sites);
  const workloads = await readJobsFile(source.workloads, network);
  say(`planning ${workloads.length} workloads on ${network.sites.length} sites: ${how(request)}…`);
  const p = await plan(network, workloads, options);
  say(`planned in ${seconds(performance.now() - t0)} (${p.solve.status})`);
  return { kind: 'files', request, plan: p };
}
