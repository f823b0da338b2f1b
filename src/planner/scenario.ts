/**
 * Scenarios: a network and a job set shipped as data, planned and compared with the baseline
 * "run everything where its data is". The baseline is planned too, by the same solver behind a
 * gate that allows only the data's own site, so both sides respect capacity and deadlines; the
 * comparison covers the workloads both place.
 */
import { join } from 'node:path';
import { builtinPolicyGate } from './builtin-gate.js';
import { plannerDataDir, readJobsFile, readNetworkFile } from './files.js';
import type { Objective } from './objective.js';
import type { Plan } from './plan.js';
import { exclusionSummary } from './plan-table.js';
import { plan, type PlanOptions } from './planner.js';
import type { PolicyGate } from './policy-gate.js';
import type { Network } from './sites.js';
import type { Workload } from './workloads.js';

export const SCENARIOS = ['east-data-west-computing'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

/** The baseline's gate: the inner gate's rules, and nothing but the data's own site. */
export function runAtDataGate(inner: PolicyGate): PolicyGate {
  return {
    name: `run at data + ${inner.name}`,
    allowed(workload, site) {
      const home =
        workload.data.site === undefined
          ? site.country === workload.data.country
          : site.id === workload.data.site;
      if (!home)
        return {
          allowed: false,
          pack: 'baseline',
          policyId: 'run-at-data',
          reason: 'the baseline runs work where its data is',
        };
      return inner.allowed(workload, site);
    },
  };
}

export interface Flow {
  from: string;
  to: string;
  workloads: number;
  acceleratorHours: number;
}

export interface Totals {
  workloads: number;
  usd: number;
  kgCO2: number;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  objective: Objective;
  plan: Plan;
  baseline: Plan;
  /** Where work goes: data site → compute site. */
  flows: Flow[];
  /** Over the workloads both plans place. */
  comparison: {
    planned: Totals;
    runAtData: Totals;
    savedUsd: number;
    savedKgCO2: number;
    savedUsdShare: number;
    savedKgCO2Share: number;
  };
  /** Workloads the plan places that cannot run where their data is (policy or hardware). */
  notRunnableAtData: string[];
  /** Workloads for which policy refused every site outside their data's country. */
  keptHomeByPolicy: { workloads: string[]; share: number };
  exclusions: ReturnType<typeof exclusionSummary>;
}

async function loadScenario(
  name: ScenarioName,
): Promise<{ network: Network; workloads: Workload[] }> {
  const dir = join(plannerDataDir(), name);
  const network = await readNetworkFile(join(dir, 'sites.json'));
  return { network, workloads: await readJobsFile(join(dir, 'jobs.json'), network) };
}

function keptHome(plan: Plan, network: Network, workloads: readonly Workload[]): string[] {
  const refusedAbroad = new Map<string, number>();
  const country = new Map(network.sites.map((s) => [s.id, s.country]));
  const dataCountry = new Map(workloads.map((w) => [w.id, w.data.country]));
  for (const e of plan.exclusions) {
    for (const id of e.workloadIds) {
      if (country.get(e.siteId) !== dataCountry.get(id))
        refusedAbroad.set(id, (refusedAbroad.get(id) ?? 0) + 1);
    }
  }
  return workloads
    .filter((w) => {
      const abroad = network.sites.filter((s) => s.country !== w.data.country).length;
      return abroad > 0 && refusedAbroad.get(w.id) === abroad;
    })
    .map((w) => w.id);
}

function compare(planned: Plan, baseline: Plan): ScenarioResult['comparison'] {
  const inBaseline = new Map(baseline.assignments.map((a) => [a.workloadId, a]));
  const both = planned.assignments.filter((a) => inBaseline.has(a.workloadId));
  const total = (list: readonly Plan['assignments'][number][]): Totals => ({
    workloads: list.length,
    usd: list.reduce((s, a) => s + a.computeUsd + a.egressUsd, 0),
    kgCO2: list.reduce((s, a) => s + a.kgCO2, 0),
  });
  const p = total(both);
  const b = total(both.map((a) => inBaseline.get(a.workloadId)!));
  return {
    planned: p,
    runAtData: b,
    savedUsd: b.usd - p.usd,
    savedKgCO2: b.kgCO2 - p.kgCO2,
    savedUsdShare: b.usd > 0 ? (b.usd - p.usd) / b.usd : 0,
    savedKgCO2Share: b.kgCO2 > 0 ? (b.kgCO2 - p.kgCO2) / b.kgCO2 : 0,
  };
}

function flows(plan: Plan, workloads: readonly Workload[]): Flow[] {
  const from = new Map(workloads.map((w) => [w.id, w.data.site ?? w.data.country]));
  const byPair = new Map<string, Flow>();
  for (const a of plan.assignments) {
    const source = from.get(a.workloadId)!;
    const key = `${source}\u0000${a.siteId}`;
    const flow = byPair.get(key) ?? {
      from: source,
      to: a.siteId,
      workloads: 0,
      acceleratorHours: 0,
    };
    flow.workloads++;
    flow.acceleratorHours += a.acceleratorHours;
    byPair.set(key, flow);
  }
  return [...byPair.values()].sort((a, b) => b.acceleratorHours - a.acceleratorHours);
}

export async function runScenario(
  objective: Objective = 'balanced',
  options: Omit<PlanOptions, 'objective'> & { scenario?: ScenarioName } = {},
): Promise<ScenarioResult> {
  const scenario = options.scenario ?? 'east-data-west-computing';
  const { network, workloads } = await loadScenario(scenario);
  const gate = options.gate ?? builtinPolicyGate;
  const planned = await plan(network, workloads, { ...options, objective, gate });
  // The same weights for the baseline, so that its objective value is comparable.
  const baseline = await plan(network, workloads, {
    ...options,
    objective,
    weights: planned.weights,
    gate: runAtDataGate(gate),
  });
  const home = keptHome(planned, network, workloads);
  return {
    scenario,
    objective,
    plan: planned,
    baseline,
    flows: flows(planned, workloads),
    comparison: compare(planned, baseline),
    notRunnableAtData: planned.assignments
      .map((a) => a.workloadId)
      .filter((id) => !baseline.assignments.some((b) => b.workloadId === id)),
    keptHomeByPolicy: {
      workloads: home,
      share: workloads.length > 0 ? home.length / workloads.length : 0,
    },
    exclusions: exclusionSummary(planned),
  };
}
