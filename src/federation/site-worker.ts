import {
  deriveSeed,
  evaluate,
  featurize,
  localStatistics,
  schemaHash,
  trainLocal,
} from '../learning/index.js';
import type { DatasetConfig, ModelSpec, Preprocessing, SiteDataset } from '../learning/index.js';
import type { Weights } from '../learning/weights.js';
import type { Evaluation, JobReport as Report, JobTask as Task } from './protocol.js';
import { planDpSgd, planSteps, privateSgdFor, spentThrough, type DpPlan } from './dp-plan.js';
import { BudgetExceeded, type PrivacyBudgets } from './privacy-budgets.js';
import {
  flattenTensors,
  privatizeSiteUpdate,
  PrivacyParameterError,
  SecAggRefusal,
} from '../privacy/index.js';
import type { UpdateTensor } from '../privacy/index.js';
import type { ClientNoise } from './privacy-spec.js';
import type { SecureSessions } from './secure-sessions.js';
import type { SecAggRoundWire } from './secure-aggregation-spec.js';
import { secureStatisticsVector } from './secure-statistics.js';
import { AnalyticsError } from '../analytics/index.js';
import type { SiteAnalytics } from './site-analytics.js';
import { TaskRefused } from './task-refused.js';

export { TaskRefused } from './task-refused.js';

export interface LoadedDataset {
  config: DatasetConfig;
  data: SiteDataset;
}

type Features = ReturnType<typeof featurize>;

/**
 * What a data site does with each task. Everything it returns is an aggregate or a model:
 * counts, sums, metrics, weights; never a row.
 */
export class SiteWorker {
  private readonly featureCache = new Map<string, { train: Features; test: Features }>();
  private readonly plans = new Map<string, DpPlan>();

  constructor(
    readonly siteName: string,
    private readonly datasets: Map<string, LoadedDataset>,
    /** Where spent privacy budget is kept; needed by any dataset that declares a budget. */
    private readonly budgets?: PrivacyBudgets,
    /** This site's open SecAgg+ rounds; needed by jobs that train with secure aggregation. */
    private readonly secure?: SecureSessions,
    /** The tables this site offers to federated analytics, if any. */
    private readonly analytics?: SiteAnalytics,
  ) {}

  async perform(task: Task, tensors: Weights): Promise<Performed> {
    const base = { taskId: task.taskId, jobId: task.jobId, round: task.round };
    try {
      return await this.performChecked(task, tensors);
    } catch (e) {
      if (!(e instanceof TaskRefused || e instanceof BudgetExceeded)) throw e;
      return {
        report: { ...base, kind: 'refused', task: task.kind, reason: e.message },
        tensors: [],
      };
    }
  }

  private async performChecked(task: Task, tensors: Weights): Promise<Performed> {
    if (task.kind === 'secagg') return { report: this.sessions().answer(task), tensors: [] };
    if (task.kind === 'describe') return { report: this.tablesDesk().describe(task), tensors: [] };
    if (task.kind === 'query') return { report: await this.tablesDesk().query(task), tensors: [] };
    const ds = this.datasets.get(task.dataset);
    if (!ds) throw new Error(`this site holds no dataset '${task.dataset}'`);
    const base = { taskId: task.taskId, jobId: task.jobId, round: task.round };
    const budget = ds.config.privacyBudget;
    const schema = ds.config.schema;
    switch (task.kind) {
      case 'schema':
        if (task.privacy && task.local)
          this.checkWholeJob(task.jobId, task.privacy, task.local, ds);
        return {
          report: {
            ...base,
            kind: 'schema',
            schema,
            schemaHash: schemaHash(schema),
            rows: {
              train: ds.data.train.length,
              test: ds.data.test.length,
              dropped: ds.data.dropped,
            },
          },
          tensors: [],
        };
      case 'statistics': {
        const statistics = localStatistics(ds.data.train, schema);
        if (!task.secureAggregation || !task.encoding) {
          return { report: { ...base, kind: 'statistics', statistics }, tensors: [] };
        }
        // Only the category names go in clear; the moments are masked for the secure sum.
        let vector: Float32Array;
        try {
          vector = secureStatisticsVector(ds.data.train, schema, task.encoding);
        } catch (e) {
          if (e instanceof AnalyticsError) throw new TaskRefused(e.message);
          throw e;
        }
        const secagg = this.beginSecure(task.secureAggregation, vector, 1);
        return {
          report: {
            ...base,
            kind: 'statistics',
            statistics: { ...statistics, numeric: {} },
            secagg,
          },
          tensors: [],
        };
      }
      case 'baseline': {
        if (budget)
          throw new TaskRefused(noiselessRefusal(ds.config.id, budget, 'local-only baseline'));
        const f = this.features(ds, task.preprocessing);
        const trained = await trainLocal(task.model, tensors, f.train, {
          ...task.local,
          seed: deriveSeed(task.seed, 'local-only', this.siteName),
        });
        return {
          report: {
            ...base,
            kind: 'baseline',
            numSamples: trained.numSamples,
            trainMs: trained.trainMs,
            loss: trained.loss,
            evaluation: await evaluation(task.model, trained.weights, f.test),
          },
          tensors: trained.weights,
        };
      }
      case 'train': {
        const f = this.features(ds, task.preprocessing);
        if (budget && !task.privacy) {
          throw new TaskRefused(noiselessRefusal(ds.config.id, budget, 'training without DP'));
        }
        const plan = task.privacy ? await this.chargeRound(task, ds, f.train.n) : undefined;
        const trained = await trainLocal(
          task.model,
          tensors,
          f.train,
          {
            ...task.local,
            seed: deriveSeed(task.seed, 'round', task.round, this.siteName),
            ...(task.proximalMu !== undefined ? { proximalMu: task.proximalMu } : {}),
          },
          plan ? privateSgdFor(plan) : undefined,
        );
        // With secure aggregation the update stays here until it is masked; only keys go now.
        const secagg = task.secureAggregation
          ? this.beginSecureRound(task.secureAggregation, tensors, trained, task.clientPrivacy)
          : undefined;
        return {
          report: {
            ...base,
            kind: 'train',
            numSamples: trained.numSamples,
            trainMs: trained.trainMs,
            loss: trained.loss,
            ...(plan ? { privacy: spentThrough(plan, task.round) } : {}),
            ...(secagg ? { secagg } : {}),
          },
          tensors: secagg ? [] : trained.weights,
          // The incoming model is the previous round's global model: evaluated once the update is sent.
          ...(task.round > 1
            ? {
                afterwards: async (): Promise<Report> => ({
                  ...base,
                  round: task.round - 1,
                  kind: 'metrics',
                  evaluation: await evaluation(task.model, tensors, f.test),
                }),
              }
            : {}),
        };
      }
      case 'evaluate': {
        const f = this.features(ds, task.preprocessing);
        const results: Record<string, Evaluation> = {};
        const byModel = new Map<string, Weights>();
        for (const name of task.models) {
          const prefix = `${name}/`;
          const weights = tensors
            .filter((t) => t.name.startsWith(prefix))
            .map((t) => ({ ...t, name: t.name.slice(prefix.length) }));
          byModel.set(name, weights);
          results[name] = await evaluation(task.model, weights, f.test);
        }
        if (task.personalize && budget) {
          throw new TaskRefused(noiselessRefusal(ds.config.id, budget, 'personalised fine-tuning'));
        }
        if (task.personalize && byModel.has('global')) {
          const { trainable, ...budget } = task.personalize;
          const tuned = await trainLocal(task.model, byModel.get('global')!, f.train, {
            ...budget,
            ...(trainable ? { trainable } : {}),
            seed: deriveSeed(task.seed, 'personalise', this.siteName),
          });
          results['personalized'] = await evaluation(task.model, tuned.weights, f.test);
        }
        return { report: { ...base, kind: 'evaluate', results }, tensors: [] };
      }
    }
  }

  /**
   * Before a DP job starts: with a budget, the whole job must fit in what remains, so a job the
   * budget cannot pay is refused before any site trains or is charged for it.
   */
  private checkWholeJob(
    jobId: string,
    dp: NonNullable<Extract<Task, { kind: 'schema' }>['privacy']>,
    local: NonNullable<Extract<Task, { kind: 'schema' }>['local']>,
    ds: LoadedDataset,
  ): void {
    const budget = ds.config.privacyBudget;
    if (!budget || !this.budgets) return;
    let plan: DpPlan;
    try {
      plan = planDpSgd(dp, local, ds.data.train.length);
    } catch (e) {
      if (e instanceof PrivacyParameterError) throw new TaskRefused(e.message);
      throw e;
    }
    this.budgets.check(
      ds.config.id,
      budget,
      planSteps(plan, dp.rounds),
      `job ${jobId} (${dp.rounds} rounds × ${plan.stepsPerRound} steps)`,
    );
  }

  /**
   * The job's DP plan at this site; with a budget, the rest of the job (this round to the last)
   * must fit in what remains, and this round is charged durably before any training.
   */
  private async chargeRound(
    task: Extract<Task, { kind: 'train' }>,
    ds: LoadedDataset,
    n: number,
  ): Promise<DpPlan> {
    const dp = task.privacy!;
    let plan = this.plans.get(task.jobId);
    if (!plan) {
      try {
        plan = planDpSgd(dp, task.local, n);
      } catch (e) {
        // e.g. a target ε no noise multiplier can reach at this site's sampling rate
        if (e instanceof PrivacyParameterError) throw new TaskRefused(e.message);
        throw e;
      }
      this.plans.set(task.jobId, plan);
    }
    const budget = ds.config.privacyBudget;
    if (!budget) return plan;
    if (!this.budgets) {
      throw new TaskRefused(
        `dataset '${ds.config.id}' has a privacy budget but this site keeps no budget file`,
      );
    }
    const left = Math.max(1, dp.rounds - task.round + 1);
    const what =
      task.round <= 1
        ? `job ${task.jobId} (${dp.rounds} rounds × ${plan.stepsPerRound} steps)`
        : `the rest of job ${task.jobId} (rounds ${task.round}–${dp.rounds} × ${plan.stepsPerRound} steps)`;
    await this.budgets.charge(ds.config.id, budget, planSteps(plan, left), what, {
      job: task.jobId,
      round: task.round,
      ...planSteps(plan, 1),
      at: Date.now(),
    });
    return plan;
  }

  private tablesDesk(): SiteAnalytics {
    if (!this.analytics) throw new TaskRefused('this site offers no tables to analytics');
    return this.analytics;
  }

  private sessions(): SecureSessions {
    if (!this.secure) throw new TaskRefused('this site was started without secure aggregation');
    return this.secure;
  }

  /** The update (trained − global), flattened, is what the round sums; weighted by sample count. */
  private beginSecureRound(
    wire: NonNullable<Extract<Task, { kind: 'train' }>['secureAggregation']>,
    global: Weights,
    trained: { weights: Weights; numSamples: number },
    clientNoise?: ClientNoise,
  ): string {
    if (trained.weights.length !== global.length) {
      throw new TaskRefused(
        `the model has ${trained.weights.length} tensors, the global model ${global.length}`,
      );
    }
    let update: readonly UpdateTensor[] = trained.weights.map((t, i) => ({
      ...t,
      data: Float32Array.from(t.data, (v, j) => v - global[i]!.data[j]!),
    }));
    // DP-FedAvg: every site weighs the same (weight 1), its update clipped and noised here.
    if (clientNoise) update = privatizeSiteUpdate(update, clientNoise).update;
    return this.beginSecure(wire, flattenTensors(update), clientNoise ? 1 : trained.numSamples);
  }

  private beginSecure(wire: SecAggRoundWire, vector: Float32Array, weight: number): string {
    try {
      return this.sessions().begin(wire, vector, weight);
    } catch (e) {
      if (e instanceof SecAggRefusal) throw new TaskRefused(e.message);
      throw e;
    }
  }

  private features(ds: LoadedDataset, prep: Preprocessing) {
    const key = `${ds.config.id}:${JSON.stringify(prep)}`;
    let cached = this.featureCache.get(key);
    if (!cached) {
      cached = {
        train: featurize(ds.data.train, ds.config.schema, prep),
        test: featurize(ds.data.test, ds.config.schema, prep),
      };
      this.featureCache.set(key, cached);
    }
    return cached;
  }
}

type Performed = { report: Report; tensors: Weights; afterwards?: () => Promise<Report> };

function noiselessRefusal(
  dataset: string,
  budget: { epsilon: number; delta: number },
  what: string,
): string {
  return (
    `dataset '${dataset}' has a privacy budget (ε = ${budget.epsilon}, δ = ${budget.delta}) and ` +
    `trains only in DP jobs without noiseless extras; refusing ${what}`
  );
}

async function evaluation(model: ModelSpec, weights: Weights, data: Features): Promise<Evaluation> {
  const e = await evaluate(model, weights, data);
  return { loss: e.loss, accuracy: e.accuracy, correct: e.correct, n: e.n };
}
