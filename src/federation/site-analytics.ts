import { resolve } from 'node:path';
import {
  AnalyticsError,
  encodeForSecAgg,
  loadAirQualityStation,
  parseQueryPlan,
  siteContribution,
  type AnalyticsRow,
  type AnalyticsTable,
  type QueryPlan,
} from '../analytics/index.js';
import { epsilon as epsilonOf, SecAggRefusal } from '../privacy/index.js';
import type { PrivacyBudgets } from './privacy-budgets.js';
import type { JobReport, JobTask } from './protocol.js';
import type { SecureSessions } from './secure-sessions.js';
import { TaskRefused } from './task-refused.js';

export interface LoadedTable {
  config: AnalyticsTable;
  rows: readonly AnalyticsRow[];
}

/** Reads each table a site offers to analytics; a relative path is relative to `dir`. */
export async function loadTables(
  tables: readonly AnalyticsTable[],
  dir: string,
): Promise<Map<string, LoadedTable>> {
  const loaded = new Map<string, LoadedTable>();
  for (const config of tables) {
    const station = await loadAirQualityStation(resolve(dir, config.path));
    loaded.set(config.id, { config, rows: station.rows });
  }
  return loaded;
}

type DescribeTask = Extract<JobTask, { kind: 'describe' }>;
type QueryTask = Extract<JobTask, { kind: 'query' }>;

/**
 * A data site's side of federated analytics: it declares its tables' columns, and answers a
 * query only with its noisy contribution, masked by secure aggregation. A table with a privacy
 * budget pays for each query durably before anything is computed.
 */
export class SiteAnalytics {
  constructor(
    private readonly tables: ReadonlyMap<string, LoadedTable>,
    private readonly secure: SecureSessions,
    private readonly budgets?: PrivacyBudgets,
  ) {}

  describe(task: DescribeTask): Extract<JobReport, { kind: 'describe' }> {
    const table = this.table(task.dataset);
    return { ...base(task), kind: 'describe', columns: table.config.columns };
  }

  async query(task: QueryTask): Promise<Extract<JobReport, { kind: 'query' }>> {
    const table = this.table(task.dataset);
    try {
      const plan = parseQueryPlan(task.plan);
      const charged = await this.charge(task, table, plan);
      const vector = siteContribution(table.rows, plan, table.config.columns);
      const secagg = this.secure.begin(
        task.secureAggregation,
        encodeForSecAgg(vector, plan.encoding),
        plan.encoding.quantization.maxWeight,
      );
      return { ...base(task), kind: 'query', secagg, ...(charged ? { charged } : {}) };
    } catch (e) {
      if (e instanceof AnalyticsError || e instanceof SecAggRefusal) {
        throw new TaskRefused(`query ${task.jobId}: ${e.message}`);
      }
      throw e;
    }
  }

  private table(id: string): LoadedTable {
    const table = this.tables.get(id);
    if (!table) throw new TaskRefused(`this site offers no table '${id}' to analytics`);
    return table;
  }

  /** One Gaussian release (sampling rate 1, one step) at the plan's noise multiplier. */
  private async charge(task: QueryTask, table: LoadedTable, plan: QueryPlan) {
    const budget = table.config.privacyBudget;
    if (!budget) return undefined;
    if (!plan.noise) {
      throw new TaskRefused(
        `table '${table.config.id}' has a privacy budget (ε = ${budget.epsilon}); refusing a query without noise`,
      );
    }
    if (!this.budgets) {
      throw new TaskRefused(
        `table '${table.config.id}' has a privacy budget but this site keeps no budget file`,
      );
    }
    const step = { sampleRate: 1, noiseMultiplier: plan.noise.noiseMultiplier, steps: 1 };
    await this.budgets.charge(table.config.id, budget, step, `query ${task.jobId}`, {
      job: task.jobId,
      round: task.round,
      ...step,
      at: Date.now(),
    });
    return {
      epsilon: epsilonOf({ ...step, delta: budget.delta }).epsilon,
      delta: budget.delta,
    };
  }
}

function base(task: JobTask) {
  return { taskId: task.taskId, jobId: task.jobId, round: task.round };
}
