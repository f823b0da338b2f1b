import { z } from 'zod';
import {
  AnalyticsError,
  decodeAnswer,
  decodeSecAggSum,
  diffDeclarations,
  parseQuery,
  planQuery,
  usedColumns,
  type AnalyticsAnswer,
  type AnalyticsColumns,
  type AnalyticsQuery,
  type QueryPlan,
} from '../analytics/index.js';
import { RoundFailedError, SecAggConfigError } from '../privacy/index.js';
import type { Governor } from './governance/governor.js';
import type { HubContext } from './hub-context.js';
import type { JobTask } from './protocol.js';
import { Refusal } from './refusal.js';
import { SecureRound } from './secure-round.js';
import { gatherReports } from './task-exchange.js';

/** What a member sends to ask a query. */
export const QueryRequest = z
  .object({
    /** The table id every site offers (e.g. `air`). */
    dataset: z.string().min(1).max(128),
    query: z.unknown(),
    /** The fewest sites a published sum may hold; the noise is sized for it. Default: all. */
    minimumSurvivors: z.number().int().min(3).optional(),
  })
  .strict();
export type QueryRequest = z.infer<typeof QueryRequest>;

export interface QueryView {
  id: string;
  collab: string;
  dataset: string;
  status: 'running' | 'answered' | 'failed';
  error?: string;
  answer?: AnalyticsAnswer;
  /** Names of the sites whose contributions are in the sum, and of those asked but not in it. */
  survivors: string[];
  dropped: string[];
  /** What the release spent; null without differential privacy or before the answer. */
  epsilon: number | null;
  delta: number | null;
  /** Index of the query's `query.finished` entry in the collaboration's log, once there. */
  entry?: number;
}

/** The consortium pack's `analytics-minimum-cohort`: cells with fewer records are suppressed. */
export const MINIMUM_COHORT = 10;

/** How long each exchange with the sites waits before counting the silent ones as dropped. */
const PHASE_TIMEOUT_MS = 30_000;

/** SecAgg+ needs at least three sites, so that no pair can unmask the other. */
const MIN_SITES = 3;

/**
 * One federated analytics query, from the policy gate to the published answer: the sites
 * declare their columns, the hub plans the query (noise, encoding), and the sites' noisy
 * contributions are summed by SecAgg+. In memory: a hub restart abandons a running query
 * (the sites may have paid for it; the budget files say so), and the log keeps every answer.
 */
export class QueryDriver {
  private readonly abort = new AbortController();
  readonly view: QueryView;

  constructor(
    private readonly ctx: HubContext,
    private readonly governor: Governor | undefined,
    readonly id: string,
    collab: string,
    private readonly request: QueryRequest,
    private readonly query: AnalyticsQuery,
  ) {
    this.view = {
      id,
      collab,
      dataset: request.dataset,
      status: 'running',
      survivors: [],
      dropped: [],
      epsilon: null,
      delta: null,
    };
  }

  /** Validates a request before anything is logged; a Refusal(400) names the field. */
  static parse(body: unknown): { request: QueryRequest; query: AnalyticsQuery } {
    const parsed = QueryRequest.safeParse(body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
      throw new Refusal(400, `invalid query request: ${issues.join('; ')}`);
    }
    try {
      return { request: parsed.data, query: parseQuery(parsed.data.query) };
    } catch (e) {
      if (e instanceof AnalyticsError) throw new Refusal(400, `invalid query: ${e.message}`);
      throw e;
    }
  }

  stop(): void {
    this.abort.abort();
  }

  async run(): Promise<void> {
    const { collab } = this.view;
    await this.ctx.record(collab, [
      {
        type: 'query.proposed',
        collab,
        query: this.id,
        dataset: this.request.dataset,
        spec: this.query,
        at: Date.now(),
      },
    ]);
    // The view says answered or failed only once the outcome is in the log.
    let outcome: { status: 'answered' | 'failed'; groups?: unknown[]; error?: string };
    try {
      await this.gate();
      const columns = await this.describe();
      const answer = await this.answer(columns);
      this.view.answer = answer;
      this.view.epsilon = answer.privacy?.epsilon ?? null;
      this.view.delta = answer.privacy?.delta ?? null;
      outcome = { status: 'answered', groups: answer.groups };
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const error = this.abort.signal.aborted ? `the hub stopped: ${message}` : message;
      this.ctx.log.warn({ query: this.id, error }, 'query failed');
      outcome = { status: 'failed', error };
    }
    await this.finish(outcome);
    // Answered queries build the clean record that a trust raise needs (level 1 runs only these).
    await this.governor?.jobFinished(collab, this.id, outcome.status !== 'answered');
    if (outcome.error !== undefined) this.view.error = outcome.error;
    this.view.status = outcome.status;
  }

  private async finish(outcome: {
    status: 'answered' | 'failed';
    groups?: unknown[];
    error?: string;
  }): Promise<void> {
    const { collab } = this.view;
    const entry = await this.ctx.record(collab, [
      {
        type: 'query.finished',
        collab,
        query: this.id,
        status: outcome.status,
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
        survivors: this.view.survivors,
        dropped: this.view.dropped,
        privacy:
          this.view.epsilon === null
            ? null
            : { epsilon: this.view.epsilon, delta: this.view.delta ?? 0 },
        ...(outcome.groups ? { groups: outcome.groups } : {}),
        at: Date.now(),
      },
    ]);
    if (entry !== undefined) this.view.entry = entry;
  }

  /** runAnalytics for every data site: DP and the minimum cohort, in the consortium pack. */
  private async gate(): Promise<void> {
    if (!this.governor) return;
    const gate = await this.governor.mayStartJob(this.view.collab, {
      job: this.id,
      kind: 'analytics',
      secureAggregation: true,
      differentialPrivacy: this.query.epsilon !== undefined,
      cohortSize: MINIMUM_COHORT,
    });
    if (gate.allowed) return;
    const r = gate.refusal;
    throw new Error(
      r
        ? `refused by ${r.pack} policy ${r.policyId} for site ${r.site}: ${r.reason}; decision at log entry ${r.entry}`
        : 'refused by the policy gate',
    );
  }

  private base(kind: string) {
    return {
      taskId: `${this.id}/${kind}`,
      jobId: this.id,
      dataset: this.request.dataset,
      round: 0,
    };
  }

  private async exchange(
    task: JobTask,
    recipients: readonly string[],
    accept: Parameters<typeof gatherReports>[1]['accept'],
  ): Promise<ReadonlySet<string>> {
    return gatherReports(this.ctx.board, {
      collab: this.view.collab,
      task,
      recipients,
      deadline: Date.now() + PHASE_TIMEOUT_MS,
      enough: 0,
      graceMs: 0,
      signal: this.abort.signal,
      accept,
      log: this.ctx.log.child({ query: this.id }),
    });
  }

  /** Every site's declarations of the columns the query reads must agree. */
  private async describe(): Promise<Map<string, AnalyticsColumns>> {
    const { collab } = this.view;
    const sites = await this.ctx.sitesOf(collab);
    const declared = new Map<string, AnalyticsColumns>();
    const refused = new Map<string, string>();
    await this.exchange({ ...this.base('describe'), kind: 'describe' }, sites, (site, report) => {
      if (report.kind === 'describe') declared.set(site, report.columns);
      else if (report.kind === 'refused') refused.set(site, report.reason);
      else throw new Refusal(409, `expected a describe report`);
    });
    for (const [site, reason] of refused)
      this.ctx.log.info({ query: this.id, site, reason }, 'site offers no such table');
    const used = usedColumns(this.query);
    const [reference] = declared.entries();
    if (reference) {
      for (const [site, columns] of declared) {
        const differences = diffDeclarations(reference[1], columns, used);
        if (differences.length > 0) {
          const [a, b] = await this.names([reference[0], site]);
          throw new Error(
            `site ${b} declares the table differently from ${a}: ${differences.join('; ')}`,
          );
        }
      }
    }
    if (declared.size < MIN_SITES) {
      throw new Error(
        `only ${declared.size} site(s) offer table '${this.request.dataset}'; secure aggregation needs ${MIN_SITES}`,
      );
    }
    return declared;
  }

  private async answer(declared: Map<string, AnalyticsColumns>): Promise<AnalyticsAnswer> {
    const sites = [...declared.keys()].sort();
    let plan: QueryPlan;
    let secure: SecureRound;
    try {
      plan = planQuery({
        query: this.query,
        columns: declared.get(sites[0]!)!,
        // The policy gate already decided whether this query may run without noise.
        policy: { minimumCohort: MINIMUM_COHORT, differentialPrivacy: false },
        sites: sites.length,
        minimumSurvivors: this.request.minimumSurvivors ?? sites.length,
      });
      const q = plan.encoding.quantization;
      secure = SecureRound.create({
        id: this.id,
        sites,
        vectorLength: plan.vectorLength,
        maxWeight: q.maxWeight,
        spec: { clippingRange: q.clippingRange, quantizationRange: q.quantizationRange },
      });
    } catch (e) {
      if (e instanceof AnalyticsError || e instanceof SecAggConfigError) throw new Error(e.message);
      throw e;
    }
    const refusals: string[] = [];
    await this.exchange(
      {
        ...this.base('query'),
        kind: 'query',
        plan,
        secureAggregation: secure.wire,
      },
      sites,
      (site, report) => {
        if (report.kind === 'refused') refusals.push(`${site}: ${report.reason}`);
        else if (report.kind === 'query') secure.takeAdvertisement(site, report.secagg);
        else throw new Refusal(409, `expected a query report`);
      },
    );
    let result;
    try {
      result = await secure.complete(
        (task, recipients, accept) => this.exchange(task, recipients, accept).then(() => {}),
        this.base('secagg'),
      );
    } catch (e) {
      if (e instanceof RoundFailedError) {
        const why = refusals.length > 0 ? `; refused: ${refusals.join('; ')}` : '';
        throw new Error(`secure aggregation failed: ${e.message}${why}`);
      }
      throw e;
    }
    this.view.survivors = await this.names(result.survivors);
    this.view.dropped = await this.names(sites.filter((s) => !result.survivors.includes(s)));
    try {
      const sum = decodeSecAggSum(result, plan.encoding);
      return decodeAnswer(sum, plan, { survivors: result.survivors.length });
    } catch (e) {
      if (e instanceof AnalyticsError) throw new Error(e.message);
      throw e;
    }
  }

  private names(keys: readonly string[]): Promise<string[]> {
    return Promise.all(keys.map((k) => this.ctx.nameOf(this.view.collab, k)));
  }
}
