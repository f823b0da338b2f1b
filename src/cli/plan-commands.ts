import { Command, Option } from 'commander';
import { writeFile } from 'node:fs/promises';
import { OBJECTIVES, SCENARIOS, type Objective, type ScenarioName } from '../planner/index.js';
import { numberFlag, RANGES } from './number-flags.js';
import { formatPlanOutcome, planOutcomeToJson } from './plan-output.js';
import { runPlan, type PlanSource } from './plan-run.js';

interface PlanFlags {
  scenario?: ScenarioName;
  sites?: string;
  workloads?: string;
  objective: Objective;
  solver: 'mip' | 'greedy';
  timeLimit: number;
  gate: 'cedar' | 'builtin';
  json?: string;
}

/** Either a shipped scenario or both of the user's files, never a mix. */
export function planSource(o: Pick<PlanFlags, 'scenario' | 'sites' | 'workloads'>): PlanSource {
  if (o.scenario !== undefined) {
    if (o.sites !== undefined || o.workloads !== undefined)
      throw new Error('--scenario: give either a scenario or --sites and --workloads, not both');
    return { scenario: o.scenario };
  }
  if (o.sites === undefined && o.workloads === undefined)
    throw new Error(`give --scenario ${SCENARIOS.join('|')}, or --sites FILE and --workloads FILE`);
  if (o.sites === undefined) throw new Error('--sites: required with --workloads');
  if (o.workloads === undefined) throw new Error('--workloads: required with --sites');
  return { sites: o.sites, workloads: o.workloads };
}

export function planCommands(): Command {
  return new Command('plan')
    .description(
      'where each workload runs, by cost, grid carbon and data transfer, within every party’s rules',
    )
    .addOption(new Option('--scenario <name>', 'plan a shipped scenario').choices(SCENARIOS))
    .option('--sites <file>', 'your sites file (see src/planner/README.md)')
    .option('--workloads <file>', 'your workloads (jobs) file')
    .addOption(
      new Option('--objective <objective>', 'what to minimise')
        .choices(OBJECTIVES)
        .default('balanced'),
    )
    .addOption(
      new Option('--solver <solver>', 'mip (with the LP bound) or greedy (fast)')
        .choices(['mip', 'greedy'])
        .default('mip'),
    )
    .option(
      '--time-limit <seconds>',
      'HiGHS time limit per plan, for the LP bound and the MIP',
      numberFlag('--time-limit', RANGES.positive),
      60,
    )
    .addOption(
      new Option(
        '--gate <gate>',
        'which rules rule out (workload, site) pairs: the Cedar policy packs, or the built-in simplified rules',
      )
        .choices(['cedar', 'builtin'])
        .default('cedar'),
    )
    .option('--json <file>', 'also write the result as JSON')
    .action(async (o: PlanFlags) => {
      const outcome = await runPlan({
        source: planSource(o),
        objective: o.objective,
        solver: o.solver,
        gate: o.gate,
        timeLimitSeconds: o.timeLimit,
        progress: (line) => console.error(line),
      });
      console.log(formatPlanOutcome(outcome));
      if (o.json !== undefined)
        await writeFile(o.json, JSON.stringify(planOutcomeToJson(outcome), null, 2) + '\n');
    });
}
