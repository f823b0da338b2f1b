import { join } from 'node:path';
import { z } from 'zod';
import { readFileIfExists, replaceFileDurably } from '../ledger/log/durable-fs.js';
import { RdpAccountant, type PrivacyBudget, type PrivacyStep } from '../privacy/index.js';

export const BUDGET_FILE = 'privacy-budget.json';

/** One release charged to a dataset: the DP-SGD steps of one round of one job. */
const Charge = z.object({
  job: z.string(),
  round: z.number().int().min(0),
  sampleRate: z.number().min(0).max(1),
  noiseMultiplier: z.number().min(0),
  steps: z.number().int().min(0),
  at: z.number(),
});
export type Charge = z.infer<typeof Charge>;

const BudgetFile = z.object({
  version: z.literal(1),
  datasets: z.record(z.string(), z.array(Charge)),
});
type BudgetFile = z.infer<typeof BudgetFile>;

/** A DP task whose planned spend does not fit in what remains of the dataset's budget. */
export class BudgetExceeded extends Error {
  override name = 'BudgetExceeded';
}

export interface BudgetStatus {
  budget: PrivacyBudget;
  /** ε spent so far at the budget's δ: all charges composed under RDP (tighter than summing ε). */
  spent: number;
  remaining: number;
  charges: number;
}

const fmt = (x: number) => Number(x.toPrecision(4)).toString();

/**
 * A site's privacy spend per dataset, in its node directory. Every round is charged durably
 * (temporary file, fsync, rename, fsync of the directory) before the site trains, so spent
 * budget never comes back: not after a crash, not after a restart, not if the round is redone.
 */
export class PrivacyBudgets {
  private queue: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private data: BudgetFile,
  ) {}

  static async open(dir: string): Promise<PrivacyBudgets> {
    const file = join(dir, BUDGET_FILE);
    const bytes = await readFileIfExists(file);
    if (!bytes) return new PrivacyBudgets(file, { version: 1, datasets: {} });
    const parsed = BudgetFile.safeParse(JSON.parse(new TextDecoder().decode(bytes)));
    if (!parsed.success) {
      // Never start from zero on a damaged file: that would hand the spent budget back.
      throw new Error(`${file} is damaged (${parsed.error.issues[0]?.message}); refusing to start`);
    }
    return new PrivacyBudgets(file, parsed.data);
  }

  /** ε of a set of charges alone, composed under RDP, at δ. */
  static epsilonOf(charges: readonly Charge[], delta: number): number {
    return new RdpAccountant(charges.map(stepOf)).epsilon(delta).epsilon;
  }

  charges(dataset: string): readonly Charge[] {
    return this.data.datasets[dataset] ?? [];
  }

  status(dataset: string, budget: PrivacyBudget): BudgetStatus {
    const charges = this.charges(dataset);
    const spent = new RdpAccountant(charges.map(stepOf)).epsilon(budget.delta).epsilon;
    return {
      budget,
      spent,
      remaining: Math.max(0, budget.epsilon - spent),
      charges: charges.length,
    };
  }

  /**
   * Throws BudgetExceeded, with the numbers, if `planned` on top of everything already spent
   * would take the dataset past its budget (ε composed at the budget's δ).
   */
  check(dataset: string, budget: PrivacyBudget, planned: PrivacyStep, what: string): void {
    const accountant = new RdpAccountant(this.charges(dataset).map(stepOf));
    const before = accountant.epsilon(budget.delta).epsilon;
    const after = accountant.epsilonAfter(planned, budget.delta).epsilon;
    if (after <= budget.epsilon) return;
    const alone = new RdpAccountant([planned]).epsilon(budget.delta).epsilon;
    throw new BudgetExceeded(
      `dataset '${dataset}' privacy budget exceeded: ${what} would spend ε = ${fmt(alone)} ` +
        `(δ = ${budget.delta}; q = ${fmt(planned.sampleRate)}, σ = ${fmt(planned.noiseMultiplier)}, ` +
        `${planned.steps} steps), taking the total to ε = ${fmt(after)}; budget ε = ${budget.epsilon} ` +
        `at δ = ${budget.delta}, spent ${fmt(before)}, remaining ${fmt(Math.max(0, budget.epsilon - before))}`,
    );
  }

  /**
   * Checks `planned` (the rest of the job, this round included) against the budget, then records
   * `charge` (this round); resolves once it is on stable storage. One at a time, so two jobs
   * cannot both pass the check on the same remainder.
   */
  charge(
    dataset: string,
    budget: PrivacyBudget,
    planned: PrivacyStep,
    what: string,
    charge: Charge,
  ): Promise<void> {
    const write = this.queue.then(async () => {
      this.check(dataset, budget, planned, what);
      const next: BudgetFile = {
        version: 1,
        datasets: { ...this.data.datasets, [dataset]: [...this.charges(dataset), charge] },
      };
      await replaceFileDurably(this.file, JSON.stringify(next, null, 2) + '\n');
      this.data = next;
    });
    this.queue = write.catch(() => undefined);
    return write;
  }
}

function stepOf(c: Charge): PrivacyStep {
  return { sampleRate: c.sampleRate, noiseMultiplier: c.noiseMultiplier, steps: c.steps };
}
