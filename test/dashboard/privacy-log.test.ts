import { describe, expect, it } from 'vitest';
import { describeEntry, type DecodedEntry } from '../../src/dashboard/ledger/entry-summary.js';
import { describeQuery, loggedQueries } from '../../src/dashboard/privacy/logged-queries.js';
import { secureTraining } from '../../src/dashboard/privacy/secure-training.js';
import { spendOverTime } from '../../src/dashboard/privacy/spend-over-time.js';

// The Privacy and Ledger pages' reading of log entries, on entries shaped as the hub writes them
// (src/federation/record/entries.ts): queries answered, suppressed and failed, secure rounds.

const T = Date.UTC(2026, 10, 29, 8, 0, 0);

function log(values: Record<string, unknown>[]): DecodedEntry[] {
  return values.map((value, index) => ({
    index,
    type: String(value['type']),
    value,
    bytes: new Uint8Array(),
  }));
}

const cell = (label: string, count: number, value: number) => ({
  group: { year: label.split(' ')[0], month: label.split(' ')[1] },
  label,
  suppressed: null,
  count,
  value,
  noiseStd: 4.7,
  histogram: null,
  quantiles: null,
});

const entries = log([
  {
    type: 'query.proposed',
    collab: 'air',
    query: 'q-1',
    dataset: 'air',
    at: T,
    spec: { stat: 'count', column: 'PM2.5', by: ['year', 'month'], epsilon: 1, delta: 1e-5 },
  },
  {
    type: 'query.finished',
    collab: 'air',
    query: 'q-1',
    status: 'answered',
    survivors: ['dongsi', 'tiantan', 'huairou'],
    dropped: ['dingling'],
    privacy: { epsilon: 0.999, delta: 1e-5 },
    at: T + 20_000,
    groups: [
      cell('2013 3', 2210.4, 2210.4),
      {
        group: { year: '2013', month: '1' },
        label: '2013 1',
        suppressed: 'noisy count below the minimum cohort of 10',
        count: null,
        value: null,
        noiseStd: null,
        histogram: null,
        quantiles: null,
      },
    ],
  },
  {
    type: 'query.proposed',
    collab: 'air',
    query: 'q-2',
    dataset: 'air',
    at: T + 60_000,
    spec: {
      stat: 'quantile',
      column: 'PM2.5',
      edges: [0, 35, 75, 1000],
      quantiles: [0.5, 0.9],
      epsilon: 2,
    },
  },
  {
    type: 'query.finished',
    collab: 'air',
    query: 'q-2',
    status: 'answered',
    survivors: ['a', 'b', 'c'],
    dropped: [],
    privacy: { epsilon: 2, delta: 1e-5 },
    at: T + 70_000,
    groups: [],
  },
  {
    type: 'query.proposed',
    collab: 'air',
    query: 'q-3',
    dataset: 'air',
    at: T + 80_000,
    spec: { stat: 'mean', column: 'PM2.5', by: ['season'], epsilon: 9.9 },
  },
  {
    type: 'query.finished',
    collab: 'air',
    query: 'q-3',
    status: 'failed',
    error: 'changping: privacy budget exceeded',
    survivors: [],
    dropped: [],
    privacy: null,
    at: T + 90_000,
  },
  {
    type: 'query.proposed',
    collab: 'air',
    query: 'q-4',
    dataset: 'air',
    at: T + 95_000,
    spec: { stat: 'histogram', column: 'TEMP', bins: 9 },
  },
]);

const secure = { round: 'job-1/1', neighbours: 3, threshold: 2, errorBound: 1.2e-6 };
const training = log([
  {
    type: 'job.proposed',
    collab: 'heart',
    job: 'job-1',
    specSha256: 'x',
    at: T,
    spec: { kind: 'train', dataset: 'heart' },
  },
  {
    type: 'round.closed',
    collab: 'heart',
    job: 'job-1',
    round: 1,
    contributions: [],
    dropped: [],
    modelSha256: 'm1',
    trainLoss: 0.56,
    privacySpent: { epsilon: 0.4, delta: 1e-5 },
    secureAggregation: secure,
    at: T + 1_000,
  },
  {
    type: 'round.closed',
    collab: 'heart',
    job: 'job-1',
    round: 2,
    contributions: [],
    dropped: [],
    modelSha256: 'm2',
    trainLoss: 0.54,
    privacySpent: { epsilon: 0.6, delta: 1e-5 },
    secureAggregation: { ...secure, round: 'job-1/2', errorBound: 2.5e-6 },
    at: T + 2_000,
  },
  {
    type: 'job.proposed',
    collab: 'heart',
    job: 'job-2',
    specSha256: 'y',
    at: T + 3_000,
    spec: { kind: 'train', dataset: 'heart' },
  },
  {
    type: 'round.closed',
    collab: 'heart',
    job: 'job-2',
    round: 1,
    contributions: [],
    dropped: [],
    modelSha256: 'm3',
    trainLoss: 0.6,
    privacySpent: null,
    at: T + 4_000,
  },
]);

const name = (keyId: string) => keyId;

describe('analytics queries read from the log', () => {
  it('joins each query with its outcome: cells, suppressed cells with the reason, spend', () => {
    const queries = loggedQueries('air', entries);
    expect(queries.map((q) => [q.id, q.finished?.status ?? 'running'])).toEqual([
      ['q-1', 'answered'],
      ['q-2', 'answered'],
      ['q-3', 'failed'],
      ['q-4', 'running'],
    ]);
    const [counts, quantiles, refused, running] = queries;
    expect(counts!.finished!.privacy).toEqual({ epsilon: 0.999, delta: 1e-5 });
    expect(counts!.finished!.dropped).toEqual(['dingling']);
    expect(counts!.finished!.groups.map((g) => g.suppressed)).toEqual([
      null,
      'noisy count below the minimum cohort of 10',
    ]);
    expect(describeQuery(counts!.spec)).toBe('count of PM2.5 by year × month');
    expect(describeQuery(quantiles!.spec)).toBe(
      'quantiles 0.5, 0.9 of PM2.5 (edges 0, 35, 75, 1000)',
    );
    expect(refused!.finished).toMatchObject({
      error: 'changping: privacy budget exceeded',
      privacy: null,
    });
    expect(describeQuery(running!.spec)).toBe('histogram of TEMP (9 bins)');
  });

  it('says in one line what each query entry records', () => {
    expect(entries.map((e) => describeEntry(e, name))).toEqual([
      'query q-1 on air: count of PM2.5 by year × month, ε 1, δ 1e-5 asked',
      'query q-1 answered from 3 sites, 1 dropped: 1 cells published, 1 suppressed; ε 0.999, δ 1e-5 spent',
      'query q-2 on air: quantiles 0.5, 0.9 of PM2.5 (edges 0, 35, 75, 1000), ε 2 asked',
      'query q-2 answered from 3 sites: 0 cells published, 0 suppressed; ε 2, δ 1e-5 spent',
      'query q-3 on air: mean of PM2.5 by season, ε 9.9 asked',
      'query q-3 failed: changping: privacy budget exceeded',
      'query q-4 on air: histogram of TEMP (9 bins), no differential privacy asked',
    ]);
  });
});

describe('training rounds read from the log', () => {
  it('counts the secure rounds of each job with k, t and the largest error bound', () => {
    expect(secureTraining('heart', training)).toEqual([
      {
        collab: 'heart',
        job: 'job-1',
        rounds: 2,
        secureRounds: 2,
        neighbours: [3],
        thresholds: [2],
        errorBound: 2.5e-6,
      },
      {
        collab: 'heart',
        job: 'job-2',
        rounds: 1,
        secureRounds: 0,
        neighbours: [],
        thresholds: [],
        errorBound: null,
      },
    ]);
    expect(describeEntry(training[1]!, name)).toBe(
      'round 1 closed, train loss 0.5600; SecAgg+ sum (k 3 neighbours, t 2, error ≤ 1.2e-6)',
    );
    expect(describeEntry(training[4]!, name)).toBe('round 1 closed, train loss 0.6000');
  });
});

describe('ε released over time', () => {
  it('adds each answered query, and each DP job at its latest round, per dataset', () => {
    expect(spendOverTime('air', entries)).toEqual([
      {
        dataset: 'air / air',
        points: [
          { at: T + 20_000, epsilon: 0.999, what: 'query q-1' },
          { at: T + 70_000, epsilon: 2.999, what: 'query q-2' },
        ],
      },
    ]);
    // A job's ε is cumulative over its rounds: the later round replaces the earlier one.
    const heart = spendOverTime('heart', training);
    expect(heart.map((d) => d.points.map((p) => p.epsilon))).toEqual([[0.4, 0.6]]);
  });
});
