/**
 * A query made ready to run: the hub checks it against the declared columns and the
 * collaboration's policy, calibrates the noise and picks the SecAgg encoding; the plan is plain
 * data, sent to every site, which checks it again against its own declarations before computing.
 */
import { z } from 'zod';
import { noiseForBudget } from '../privacy/index.js';
import { AnalyticsColumns, diffDeclarations } from './columns.js';
import { localContribution } from './contribution.js';
import { AnalyticsEncodingSchema, planEncoding, type AnalyticsEncoding } from './encoding.js';
import { AnalyticsError, parseOrThrow } from './errors.js';
import { layoutOf } from './layout.js';
import {
  addNoiseShare,
  calibrateNoise,
  noiseShareStd,
  NoisePlanSchema,
  type NoisePlan,
} from './noise.js';
import { AnalyticsQuerySchema, DEFAULT_DELTA, parseQuery, type AnalyticsQuery } from './query.js';
import type { AnalyticsRow } from './row.js';

/** What the collaboration's policy says about analytics; the hub passes it. */
export const AnalyticsPolicySchema = z
  .object({
    /** Cells whose (noisy) count is below this are suppressed. */
    minimumCohort: z
      .number({ error: 'must be a whole number ≥ 1' })
      .int('must be a whole number ≥ 1')
      .min(1, 'must be a whole number ≥ 1'),
    /** Whether a query must carry epsilon; when false a query without one runs without noise. */
    differentialPrivacy: z.boolean({ error: 'must be true or false' }),
  })
  .strict();
export type AnalyticsPolicy = z.infer<typeof AnalyticsPolicySchema>;

export const QueryPlanSchema = z
  .object({
    query: AnalyticsQuerySchema,
    /** Declarations of the columns the query reads, as every site must hold them. */
    columns: AnalyticsColumns,
    policy: AnalyticsPolicySchema,
    noise: NoisePlanSchema.nullable(),
    encoding: AnalyticsEncodingSchema,
    /** The SecAgg round's vectorLength. */
    vectorLength: z.number().int().min(1),
  })
  .strict();
export type QueryPlan = z.infer<typeof QueryPlanSchema>;

export interface PlanInput {
  query: unknown;
  /** The declared analytics columns (at least those the query reads). */
  columns: AnalyticsColumns;
  policy: AnalyticsPolicy;
  /** Sites in the SecAgg round. */
  sites: number;
  /** The fewest shares a published sum may hold; the noise is sized for it. Default: sites. */
  minimumSurvivors?: number;
  /** The most records one site holds; fixes the encoding's resolution. Default 1,000,000. */
  maxRecordsPerSite?: number;
}

export function planQuery(input: PlanInput): QueryPlan {
  const columns = parseOrThrow(AnalyticsColumns, input.columns, 'columns');
  const policy = parseOrThrow(AnalyticsPolicySchema, input.policy, 'policy');
  const query = parseQuery(input.query, columns);
  const layout = layoutOf(query, columns);
  if (!Number.isInteger(input.sites) || input.sites < 1) {
    throw new AnalyticsError(`sites must be a whole number ≥ 1 (got ${input.sites})`);
  }
  const minimumSurvivors = input.minimumSurvivors ?? input.sites;
  if (
    !Number.isInteger(minimumSurvivors) ||
    minimumSurvivors < 1 ||
    minimumSurvivors > input.sites
  ) {
    throw new AnalyticsError(
      `minimumSurvivors must be a whole number in 1..${input.sites} (got ${minimumSurvivors})`,
    );
  }
  let noise: NoisePlan | null = null;
  if (query.epsilon !== undefined) {
    noise = calibrateNoise({
      epsilon: query.epsilon,
      delta: query.delta ?? DEFAULT_DELTA,
      sensitivity: layout.sensitivity,
      minimumSurvivors,
    });
  } else if (policy.differentialPrivacy) {
    throw new AnalyticsError(
      "query: epsilon is required: the collaboration's policy requires differential privacy for analytics",
    );
  }
  const encoding = planEncoding({
    sites: input.sites,
    ...(input.maxRecordsPerSite !== undefined
      ? { maxRecordsPerSite: input.maxRecordsPerSite }
      : {}),
    noiseShareStd: noise ? noiseShareStd(noise) : 0,
  });
  return {
    query,
    columns: pick(columns, usedColumns(query)),
    policy,
    noise,
    encoding,
    vectorLength: layout.length,
  };
}

/** Validates a plan received from the hub: its parts and that they agree with each other. */
export function parseQueryPlan(input: unknown): QueryPlan {
  const plan = parseOrThrow(QueryPlanSchema, input, 'plan');
  const query = parseQuery(plan.query, plan.columns);
  const layout = layoutOf(query, plan.columns);
  if (plan.vectorLength !== layout.length) {
    throw new AnalyticsError(
      `plan: vectorLength is ${plan.vectorLength}, the query's layout has ${layout.length}`,
    );
  }
  if (plan.noise && plan.noise.sensitivity !== layout.sensitivity) {
    throw new AnalyticsError(
      `plan: noise.sensitivity is ${plan.noise.sensitivity}, the query's layout has ${layout.sensitivity}`,
    );
  }
  if (!plan.noise && (query.epsilon !== undefined || plan.policy.differentialPrivacy)) {
    throw new AnalyticsError(
      'plan: no noise, but the query or the policy asks for differential privacy',
    );
  }
  if (plan.noise) checkNoise(plan.noise, query);
  return { ...plan, query };
}

/**
 * The site's side, before masking: its contribution under its own declarations, plus its noise
 * share when the plan has noise. A plan whose declarations differ from the site's is refused.
 */
export function siteContribution(
  rows: readonly AnalyticsRow[],
  planInput: unknown,
  ownColumns: AnalyticsColumns,
): Float64Array {
  const plan = parseQueryPlan(planInput);
  const differences = diffDeclarations(plan.columns, ownColumns, usedColumns(plan.query));
  if (differences.length > 0) {
    throw new AnalyticsError(
      `plan does not match this site's declarations: ${differences.join('; ')}`,
    );
  }
  const vector = localContribution(rows, plan.query, ownColumns);
  return plan.noise ? addNoiseShare(vector, plan.noise) : vector;
}

/** A site never adds less noise than the query's (ε, δ) needs, whatever the hub sent. */
function checkNoise(noise: NoisePlan, query: AnalyticsQuery): void {
  const delta = query.delta ?? DEFAULT_DELTA;
  if (noise.epsilon !== query.epsilon || noise.delta !== delta) {
    throw new AnalyticsError(
      `plan: noise is calibrated for (ε = ${noise.epsilon}, δ = ${noise.delta}), the query asks for (ε = ${query.epsilon}, δ = ${delta})`,
    );
  }
  const needed = neededNoise(noise.epsilon, delta);
  if (noise.noiseMultiplier < needed) {
    throw new AnalyticsError(
      `plan: noise multiplier ${noise.noiseMultiplier} is below the ${needed} that ε = ${noise.epsilon} needs`,
    );
  }
}

/** σ for (ε, δ), remembered: a bisection over the accountant costs about a millisecond. */
const sigmaCache = new Map<string, number>();
function neededNoise(epsilon: number, delta: number): number {
  const key = `${epsilon}/${delta}`;
  let sigma = sigmaCache.get(key);
  if (sigma === undefined) {
    sigma = noiseForBudget({ epsilon, delta, sampleRate: 1, steps: 1 });
    if (sigmaCache.size < 1000) sigmaCache.set(key, sigma);
  }
  return sigma;
}

export function usedColumns(query: AnalyticsQuery): string[] {
  return [query.column, ...(query.by ?? [])];
}

function pick(columns: AnalyticsColumns, names: readonly string[]): AnalyticsColumns {
  return Object.fromEntries(names.map((n) => [n, columns[n]!]));
}

export type { AnalyticsEncoding };
