/**
 * The shipped East Data, West Computing scenario as the dashboard shows it, planned by
 * `converge plan --scenario … --json` in a child process: HiGHS holds its thread for seconds,
 * and the hub's thread must keep serving its sites. The plan is deterministic (a small
 * instance, solved exactly), so each objective is planned once per hub process and kept.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exclusionsByPolicy,
  PlanCommandJson,
  PlanJson,
  plannerDataDir,
  readNetworkFile,
  type Objective,
} from '../planner/index.js';
import { cliEntry } from './package-root.js';

export const SCENARIO = 'east-data-west-computing';

/** Generous: the plan takes a few seconds alone, longer on a machine busy with training. */
const PLAN_TIMEOUT_MS = 180_000;

type ScenarioPart = NonNullable<PlanCommandJson['scenario']>;

/** GET /v1/planner/scenario: what the dashboard's planner page draws. */
export interface ScenarioView {
  scenario: typeof SCENARIO;
  objective: Objective;
  gate: string;
  /** When the plan was made, and how long `converge plan` took (process start to JSON). */
  plannedAt: number;
  wallMs: number;
  solve: { solver: string; status: string; model?: string; ms: number };
  totals: PlanJson['totals'];
  bound: PlanJson['bound'];
  sites: (PlanJson['sites'][number] & { lat: number; lon: number })[];
  exclusions: ReturnType<typeof exclusionsByPolicy>;
  unplaceable: {
    workloadId: string;
    reasons: { kind: string; pack?: string; policyId?: string; reason: string; sites: number }[];
  }[];
  /** Data site (or country) → compute site. */
  flows: ScenarioPart['flows'];
  comparison: ScenarioPart['comparison'];
  keptHome: { workloads: number; share: number };
}

function runPlanCommand(objective: Objective, file: string): Promise<void> {
  const args = [cliEntry(), 'plan', '--scenario', SCENARIO, '--objective', objective];
  return new Promise((ok, fail) => {
    execFile(
      process.execPath,
      [...args, '--json', file],
      { timeout: PLAN_TIMEOUT_MS, maxBuffer: 4 * 1024 * 1024 },
      (error, _stdout, stderr) => {
        if (!error) return ok();
        const said = stderr.trim().split('\n').at(-1) ?? '';
        fail(new Error(`converge plan failed: ${said || error.message}`));
      },
    );
  });
}

async function planScenario(objective: Objective): Promise<ScenarioView> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'converge-plan-'));
  let raw: unknown;
  try {
    const file = join(dir, 'plan.json');
    await runPlanCommand(objective, file);
    raw = JSON.parse(await readFile(file, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const parsed = PlanCommandJson.safeParse(raw);
  if (!parsed.success || !parsed.data.scenario) {
    const why = parsed.success ? 'no scenario part' : parsed.error.issues[0]?.message;
    throw new Error(`converge plan wrote unexpected JSON: ${why}`);
  }
  const { plan, scenario } = parsed.data;
  const network = await readNetworkFile(join(plannerDataDir(), SCENARIO, 'sites.json'));
  const at = new Map(network.sites.map((s) => [s.id, { lat: s.lat, lon: s.lon }]));
  return {
    scenario: SCENARIO,
    objective,
    gate: plan.gate,
    plannedAt: Date.now(),
    wallMs: Date.now() - started,
    solve: {
      solver: plan.solve.solver,
      status: plan.solve.status,
      ...(plan.solve.model ? { model: plan.solve.model } : {}),
      ms: plan.solve.ms.total,
    },
    totals: plan.totals,
    bound: plan.bound,
    sites: plan.sites.flatMap((s) => {
      const where = at.get(s.siteId);
      return where ? [{ ...s, ...where }] : [];
    }),
    // By pack and policy, as `converge plan` prints them; the reason is one example.
    exclusions: exclusionsByPolicy(plan),
    unplaceable: plan.unplaceable.map((u) => ({
      workloadId: u.workloadId,
      reasons: u.reasons.map((r) => ({
        kind: r.kind,
        ...(r.pack ? { pack: r.pack, policyId: r.policyId } : {}),
        reason: r.reason,
        sites: r.siteIds.length,
      })),
    })),
    flows: scenario.flows,
    comparison: scenario.comparison,
    keptHome: {
      workloads: scenario.keptHomeByPolicy.workloads.length,
      share: scenario.keptHomeByPolicy.share,
    },
  };
}

/** One plan per objective per process; a failed one is planned again on the next request. */
export class ScenarioPlans {
  readonly #plans = new Map<Objective, Promise<ScenarioView>>();

  get(objective: Objective): Promise<ScenarioView> {
    let found = this.#plans.get(objective);
    if (!found) {
      found = planScenario(objective);
      this.#plans.set(objective, found);
      found.catch(() => this.#plans.delete(objective));
    }
    return found;
  }
}
