/**
 * The hub's side: from the sum of every site's contribution to the published answer. Each
 * group gets its (noisy) count; a group whose count is below the minimum cohort is suppressed,
 * with the reason, and nothing else about it is published. Everything here is post-processing
 * of the sum, so it costs no privacy beyond the (ε, δ) the answer carries.
 */
import { AnalyticsError } from './errors.js';
import { encodingErrorBound } from './encoding.js';
import { groupLabel, layoutOf, type Layout } from './layout.js';
import { privacySpent, type PrivacySpent } from './noise.js';
import { parseQueryPlan, type QueryPlan } from './plan.js';
import { histogramQuantile } from './quantile.js';
import { answerTable, type AnswerTable } from './table.js';
import type { AnalyticsQuery } from './query.js';

export interface GroupAnswer {
  /** The group's category per `by` column; {} without `by`. */
  group: Record<string, string>;
  label: string;
  /** Why the group is withheld, or null. A suppressed group publishes nothing else. */
  suppressed: string | null;
  /** Records in the group (noisy under DP); null when suppressed. */
  count: number | null;
  /** The count, sum, mean or variance; null for histograms and quantiles, or when suppressed. */
  value: number | null;
  /** Standard deviation of `value` due to the DP noise (delta method for the mean); null if none. */
  noiseStd: number | null;
  /** Bin counts (negative noisy counts read as 0) with the edges; histogram and quantile only. */
  histogram: { edges: number[]; counts: number[] } | null;
  quantiles: { q: number; value: number | null }[] | null;
}

export interface AnalyticsAnswer {
  query: AnalyticsQuery;
  unit: string | null;
  groups: GroupAnswer[];
  /** What the release spent; null when it ran without differential privacy (the policy allowed it). */
  privacy:
    (PrivacySpent & { sensitivity: number; survivors: number; minimumSurvivors: number }) | null;
  survivors: number;
  minimumCohort: number;
  /** Per component of the summed vector, the most the SecAgg encoding's rounding can move it. */
  roundingBound: number;
  /** The answer as a table a CLI prints (renderTable). */
  table: AnswerTable;
}

export function decodeAnswer(
  sum: Float64Array,
  planInput: QueryPlan,
  outcome: { survivors: number },
): AnalyticsAnswer {
  const plan = parseQueryPlan(planInput);
  const layout = layoutOf(plan.query, plan.columns);
  if (!(sum instanceof Float64Array) || sum.length !== layout.length) {
    throw new AnalyticsError(
      `sum has ${sum.length} values; the query's layout has ${layout.length}`,
    );
  }
  sum.forEach((v, i) => {
    if (!Number.isFinite(v))
      throw new AnalyticsError(`sum value ${i} is ${v}, not a finite number`);
  });
  const { survivors } = outcome;
  if (!Number.isInteger(survivors) || survivors < 1) {
    throw new AnalyticsError(`survivors must be a whole number ≥ 1 (got ${survivors})`);
  }
  const spent = plan.noise ? privacySpent(plan.noise, survivors) : null;
  const noiseStd = spent ? spent.noiseMultiplier * layout.sensitivity : 0;
  const minimumCohort = plan.policy.minimumCohort;
  const groups = layout.groups.map((g, i) =>
    decodeGroup(
      plan,
      layout,
      g,
      sum.subarray(i * layout.components.length, (i + 1) * layout.components.length),
      noiseStd,
    ),
  );
  const column = plan.columns[plan.query.column];
  const unit = column?.kind === 'numeric' ? (column.unit ?? null) : null;
  const privacy =
    spent && plan.noise
      ? {
          ...spent,
          sensitivity: layout.sensitivity,
          survivors,
          minimumSurvivors: plan.noise.minimumSurvivors,
        }
      : null;
  const notes = [
    privacy
      ? `differential privacy: ε = ${formatNumber(privacy.epsilon)}, δ = ${privacy.delta} spent (σ = ${formatNumber(privacy.noiseMultiplier)} × L2 sensitivity ${formatNumber(layout.sensitivity)}, ${survivors} sites)`
      : `no differential privacy (the policy allows it); ${survivors} sites`,
    `cells with a count below ${minimumCohort} are suppressed`,
  ];
  return {
    query: plan.query,
    unit,
    groups,
    privacy,
    survivors,
    minimumCohort,
    roundingBound: encodingErrorBound(survivors, plan.encoding),
    table: answerTable(plan.query, unit, layout, groups, notes),
  };
}

function decodeGroup(
  plan: QueryPlan,
  layout: Layout,
  group: string[],
  v: Float64Array,
  noiseStd: number,
): GroupAnswer {
  const { query } = plan;
  const base = {
    group: Object.fromEntries(layout.by.map((b, i) => [b, group[i]!])),
    label: groupLabel(group),
  };
  const binned = layout.edges.length > 0;
  const count = binned ? v.reduce((a, b) => a + b, 0) : v[0]!;
  const noisy = noiseStd > 0 ? 'noisy count' : 'count';
  const minimum = plan.policy.minimumCohort;
  const withheld = (reason: string): GroupAnswer => ({
    ...base,
    suppressed: reason,
    count: null,
    value: null,
    noiseStd: null,
    histogram: null,
    quantiles: null,
  });
  if (!(count >= minimum)) return withheld(`${noisy} below the minimum cohort of ${minimum}`);
  if (query.stat === 'variance' && !(count > 1))
    return withheld('variance needs more than one record');
  const answer: GroupAnswer = {
    ...base,
    suppressed: null,
    count,
    value: null,
    noiseStd: null,
    histogram: null,
    quantiles: null,
  };
  const sd = (s: number) => (noiseStd > 0 ? s : null);
  if (binned) {
    const counts = Array.from(v, (c) => Math.max(0, c));
    answer.histogram = { edges: [...layout.edges], counts };
    if (query.stat === 'quantile') {
      answer.quantiles = query.quantiles.map((q) => ({
        q,
        value: histogramQuantile(layout.edges, counts, q),
      }));
    }
    return answer;
  }
  if (query.stat === 'count') return { ...answer, value: count, noiseStd: sd(noiseStd) };
  const { mid, half } = layout.scale!;
  const column = plan.columns[query.column];
  const [min, max] = column?.kind === 'numeric' ? [column.min, column.max] : [-Infinity, Infinity];
  const s = v[1]!;
  if (query.stat === 'sum') {
    return {
      ...answer,
      value: mid * count + half * s,
      noiseStd: sd(noiseStd * Math.hypot(mid, half)),
    };
  }
  const meanY = s / count;
  if (query.stat === 'mean') {
    const value = Math.min(max, Math.max(min, mid + half * meanY));
    return { ...answer, value, noiseStd: sd(((half * noiseStd) / count) * Math.hypot(1, meanY)) };
  }
  const variance = Math.max(0, (v[2]! - s * meanY) / (count - 1)) * half * half;
  return { ...answer, value: variance };
}

export function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(3);
}
