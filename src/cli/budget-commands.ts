import { Command } from 'commander';
import { PrivacyBudgets, type Charge } from '../federation/index.js';
import { loadNodeConfig } from '../node/config.js';

export interface BudgetRow {
  dataset: string;
  budget: { epsilon: number; delta: number } | null;
  /** ε spent at the budget's δ (all charges composed); with no budget, at δ = 1e-5. */
  spent: number;
  remaining: number | null;
  /** Spend per job: rounds charged and ε of that job alone at the same δ. */
  jobs: { job: string; rounds: number; steps: number; epsilon: number }[];
}

const DELTA_WITHOUT_BUDGET = 1e-5;

/** Every dataset and table of the site: its owner's budget, what DP jobs and queries spent, what remains. */
export async function budgetRows(dir: string): Promise<BudgetRow[]> {
  const config = await loadNodeConfig(dir);
  const budgets = await PrivacyBudgets.open(dir);
  // Training datasets and analytics tables alike: each release charged to its own id.
  return [...config.datasets, ...config.tables].map((ds) => {
    const budget = ds.privacyBudget ?? null;
    const delta = budget?.delta ?? DELTA_WITHOUT_BUDGET;
    const status = budgets.status(ds.id, { epsilon: budget?.epsilon ?? 1, delta });
    const byJob = new Map<string, Charge[]>();
    for (const c of budgets.charges(ds.id)) byJob.set(c.job, [...(byJob.get(c.job) ?? []), c]);
    const jobs = [...byJob].map(([job, charges]) => {
      const alone = PrivacyBudgets.epsilonOf(charges, delta);
      return {
        job,
        rounds: charges.length,
        steps: charges.reduce((a, c) => a + c.steps, 0),
        epsilon: alone,
      };
    });
    return {
      dataset: ds.id,
      budget,
      spent: status.spent,
      remaining: budget ? status.remaining : null,
      jobs,
    };
  });
}

const f = (x: number) => Number(x.toPrecision(4)).toString();

export function formatBudgetRows(rows: BudgetRow[]): string {
  if (rows.length === 0) return 'this node holds no datasets';
  return rows
    .map((r) => {
      const head = r.budget
        ? `${r.dataset}: budget ε = ${r.budget.epsilon} at δ = ${r.budget.delta}; spent ε = ${f(r.spent)}, remaining ε = ${f(r.remaining ?? 0)}`
        : `${r.dataset}: no budget (trains in any job); DP spent ε = ${f(r.spent)} at δ = ${DELTA_WITHOUT_BUDGET}`;
      const jobs = r.jobs.map(
        (j) =>
          `  ${j.job}: ${j.rounds} rounds charged, ${j.steps} DP-SGD steps, ε = ${f(j.epsilon)}`,
      );
      return [head, ...jobs].join('\n');
    })
    .join('\n');
}

export function budgetCommands(): Command {
  const budget = new Command('budget').description(
    "a data site's differential-privacy budgets: what each dataset's owner allows and what DP jobs spent",
  );
  budget
    .command('show')
    .description('list each dataset of a site: budget (ε, δ), spent and remaining ε, spend per job')
    .requiredOption('--dir <dir>', "the site's node directory")
    .option('--json', 'print JSON')
    .action(async (o: { dir: string; json?: boolean }) => {
      const rows = await budgetRows(o.dir);
      console.log(o.json ? JSON.stringify(rows, null, 2) : formatBudgetRows(rows));
    });
  return budget;
}
