import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planSource } from '../../src/cli/plan-commands.js';
import {
  formatPlanOutcome,
  PlanCommandJson,
  planOutcomeToJson,
} from '../../src/cli/plan-output.js';
import { runPlan, type PlanOutcome } from '../../src/cli/plan-run.js';
import { PlannerInputError, plannerDataDir } from '../../src/planner/index.js';
import { runCli } from './support/run-cli.js';

const scenarioDir = join(plannerDataDir(), 'east-data-west-computing');
const sitesFile = join(scenarioDir, 'sites.json');
const jobsFile = join(scenarioDir, 'jobs.json');

describe('converge plan --scenario east-data-west-computing (greedy)', () => {
  let outcome: PlanOutcome;
  const progress: string[] = [];

  beforeAll(async () => {
    outcome = await runPlan({
      source: { scenario: 'east-data-west-computing' },
      objective: 'balanced',
      solver: 'greedy',
      timeLimitSeconds: 30,
      progress: (line) => progress.push(line),
    });
  });

  it('saves cost and carbon against running where the data is, with the LP bound and gap', () => {
    if (outcome.kind !== 'scenario') throw new Error('expected a scenario outcome');
    const { comparison, plan } = outcome.result;
    expect(comparison.savedUsd).toBeGreaterThan(0);
    expect(comparison.savedKgCO2).toBeGreaterThan(0);
    expect(plan.solve.solver).toBe('greedy');
    expect(plan.bound.lp).not.toBeNull();
    expect(plan.bound.gap!).toBeGreaterThanOrEqual(0);
  });

  it('reports where work goes, what policy excluded and which policy decided', () => {
    const text = formatPlanOutcome(outcome);
    expect(text).toContain('Against "run everything where its data is"');
    expect(text).toMatch(/cn-bth-zhangjiakou → cn-\w+-\w+: \d+ workload/);
    expect(text).toMatch(/Excluded by policy: \d+ \(workload, site\) pairs/);
    expect(text).toMatch(/CN\s+personal-data-stays-local/);
    expect(text).toMatch(/LP bound [\d,.]+; gap \d+\.\d+%/);
  });

  it('tells progress by phase', () => {
    expect(progress[0]).toMatch(/^planning scenario east-data-west-computing .*greedy/);
    expect(progress.at(-1)).toMatch(/^planned in \d+\.\d s/);
  });

  it('writes JSON in the documented shape', () => {
    // Through a JSON round trip, as a consumer of the file sees it.
    const json = PlanCommandJson.parse(JSON.parse(JSON.stringify(planOutcomeToJson(outcome))));
    expect(json.input).toEqual({ scenario: 'east-data-west-computing' });
    expect(json.plan.solve.solver).toBe('greedy');
    expect(json.plan.exclusionSummary.length).toBeGreaterThan(0);
    expect(json.plan.exclusionSummary[0]).toMatchObject({
      pack: expect.any(String),
      policyId: expect.any(String),
      reason: expect.any(String),
    });
    expect(json.scenario!.comparison.savedUsdShare).toBeGreaterThan(0);
    expect(json.scenario!.baseline.gate).toMatch(/^run at data/);
    expect(json.scenario!.flows.length).toBeGreaterThan(0);
  });
});

describe('converge plan with the user’s files', () => {
  it('refuses a bad sites file, naming the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'converge-plan-'));
    const raw = JSON.parse(await readFile(sitesFile, 'utf8')) as {
      sites: { accelerators: { tpp: unknown }[] }[];
    };
    raw.sites[3]!.accelerators[0]!.tpp = 'fast';
    const bad = join(dir, 'sites.json');
    await writeFile(bad, JSON.stringify(raw));
    const run = runPlan({
      source: { sites: bad, workloads: jobsFile },
      objective: 'cost',
      solver: 'greedy',
      timeLimitSeconds: 30,
    });
    await expect(run).rejects.toThrow(PlannerInputError);
    await expect(run).rejects.toThrow(`${bad}: sites[3].accelerators[0].tpp: expected a number`);
  });

  it('refuses a missing file, and an unclear choice of input', async () => {
    const missing = join(tmpdir(), 'converge-no-such-sites.json');
    await expect(
      runPlan({
        source: { sites: missing, workloads: jobsFile },
        objective: 'cost',
        solver: 'greedy',
        timeLimitSeconds: 30,
      }),
    ).rejects.toThrow(`cannot read ${missing}`);
    expect(() => planSource({})).toThrow(/--scenario .*, or --sites FILE and --workloads FILE/);
    expect(() => planSource({ sites: sitesFile })).toThrow('--workloads: required with --sites');
    expect(() => planSource({ scenario: 'east-data-west-computing', workloads: jobsFile })).toThrow(
      /not both/,
    );
  });

  it('plans them as a process, with progress on stderr and JSON in a file', async () => {
    const json = join(await mkdtemp(join(tmpdir(), 'converge-plan-')), 'plan.json');
    const r = await runCli([
      'plan',
      '--sites',
      sitesFile,
      '--workloads',
      jobsFile,
      '--solver',
      'greedy',
      '--objective',
      'carbon',
      '--json',
      json,
    ]);
    expect(r.stderr).toMatch(/planning 94 workloads on 19 sites: objective carbon; greedy/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Plan — objective carbon; greedy/);
    const written = PlanCommandJson.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(written.input).toEqual({ sites: sitesFile, workloads: jobsFile });
    expect(written.scenario).toBeUndefined();
    expect(written.plan.totals.placed).toBeGreaterThan(0);
  });
});
